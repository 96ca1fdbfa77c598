using System.Globalization;
using System.Text;

namespace SparkJobs.DataFrame.Embedded;

/// <summary>
/// Translates our logical plan into one DuckDB SELECT with Spark SQL's semantics. Each node becomes a
/// subquery of its input; nodes whose meaning depends on the input's columns (WithColumns, DropNa, ...)
/// ask <see cref="_describe"/> for the input schema.
/// </summary>
internal sealed class DuckDbTranslator
{
    private readonly Func<string, StructType> _describe;
    private readonly Func<Read, IReadOnlyList<string>> _files;
    private readonly IReadOnlyDictionary<LogicalPlan, string> _persisted;
    private readonly Func<Read, string>? _avroTable;
    private int _aliases;

    public DuckDbTranslator(
        Func<string, StructType> describe,
        Func<Read, IReadOnlyList<string>> files,
        IReadOnlyDictionary<LogicalPlan, string>? persisted = null,
        Func<Read, string>? avroTable = null)
    {
        _describe = describe;
        _files = files;
        _persisted = persisted ?? new Dictionary<LogicalPlan, string>();
        _avroTable = avroTable;
    }

    public string Translate(LogicalPlan plan)
    {
        if (_persisted.TryGetValue(plan, out var table))
        {
            return $"SELECT * FROM {table}";
        }

        return plan switch
        {
            Read r => ReadSql(r),
            Filter f => $"SELECT * FROM {From(f.Input)} WHERE {Expression(f.Condition)}",
            Project p => $"SELECT {string.Join(", ", p.Columns.Select(Named))} FROM {From(p.Input)}",
            WithColumns w => WithColumnsSql(w),
            Drop d => DropSql(d),
            DropNa n => DropNaSql(n),
            FillNa n => FillNaSql(n),
            Sort s => $"SELECT * FROM {From(s.Input)} ORDER BY {string.Join(", ", s.Order.Select(Order))}",
            Limit l => $"SELECT * FROM {From(l.Input)} LIMIT {l.Count.ToString(CultureInfo.InvariantCulture)}",
            Aggregate a => AggregateSql(a),
            Union u => $"(SELECT * FROM {From(u.Left)}) UNION ALL (SELECT * FROM {From(u.Right)})",
            WithRowId r => $"SELECT *, CAST(row_number() OVER () - 1 AS BIGINT) AS {DuckDbSql.Identifier(r.Name)} "
                + $"FROM {From(r.Input)}",
            Repartition r => Translate(r.Input),
            Deduplicate d => DeduplicateSql(d),
            Join j => JoinSql(j),
            Sample s => SampleSql(s),
            SqlQuery q => $"SELECT * FROM ({q.Query}) AS _q{_aliases++}",
            _ => throw new DataFrameException($"The embedded engine cannot translate plan node {plan.GetType().Name}."),
        };
    }

    public string Expression(Expr expr) => expr switch
    {
        ColumnRef c => DuckDbSql.Identifier(c.Name),
        Literal l => DuckDbSql.Literal(l),
        Cast c => CastSql(Expression(c.Child), c.Type),
        AliasExpr a => Expression(a.Child),
        FunctionCall c => CallSql(c),
        Star => "*",
        _ => throw new DataFrameException($"The embedded engine cannot translate expression {expr.GetType().Name}."),
    };

    /// <summary>Spark's non-ANSI cast: unconvertible values become null, and fractions truncate toward zero.</summary>
    internal static string CastSql(string value, DataType type) => type.Name switch
    {
        "int" or "bigint" =>
            $"TRY_CAST(trunc(TRY_CAST({value} AS DECIMAL(38, 9))) AS {DuckDbSql.TypeName(type)})",
        _ => $"TRY_CAST({value} AS {DuckDbSql.TypeName(type)})",
    };

    private string CallSql(FunctionCall call)
    {
        FunctionCatalog.Validate(call.Function, call.Arguments.Count);
        var a = call.Arguments.Select(Expression).ToList();
        return call.Function switch
        {
            "+" or "-" or "*" or "%" or "<" or "<=" or ">" or ">=" => $"({a[0]} {call.Function} {a[1]})",
            "/" => call.Arguments[1] is Literal { Value: not null and not 0 and not 0L and not 0.0 and not 0f }
                ? $"(CAST({a[0]} AS DOUBLE) / CAST({a[1]} AS DOUBLE))"
                : $"(CAST({a[0]} AS DOUBLE) / NULLIF(CAST({a[1]} AS DOUBLE), 0))",
            "div" => $"(CAST({a[0]} AS BIGINT) // NULLIF(CAST({a[1]} AS BIGINT), 0))",
            "pmod" => $"((({a[0]}) % NULLIF({a[1]}, 0) + ({a[1]})) % ({a[1]}))",
            "negative" => $"(- {a[0]})",
            "==" => $"({a[0]} = {a[1]})",
            "!=" => $"({a[0]} <> {a[1]})",
            "<=>" => $"({a[0]} IS NOT DISTINCT FROM {a[1]})",
            "and" => $"({a[0]} AND {a[1]})",
            "or" => $"({a[0]} OR {a[1]})",
            "not" => $"(NOT {a[0]})",
            "isnull" => $"({a[0]} IS NULL)",
            "isnotnull" => $"({a[0]} IS NOT NULL)",
            "isnan" => $"isnan(CAST({a[0]} AS DOUBLE))",
            "when" => WhenSql(a),
            "round" => $"round({a[0]}, {(a.Count > 1 ? a[1] : "0")})",
            "sqrt" => $"(CASE WHEN {a[0]} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(CAST({a[0]} AS DOUBLE)) END)",
            "concat" => "(" + string.Join(" || ", a.Select(x => $"CAST({x} AS VARCHAR)")) + ")",
            "length" => $"CAST(length({a[0]}) AS INTEGER)",
            "abs" or "least" or "greatest" or "coalesce" or "lower" or "upper"
                or "count" or "sum" or "avg" or "min" or "max" => $"{call.Function}({string.Join(", ", a)})",
            _ => throw new DataFrameException($"The embedded engine cannot translate function '{call.Function}'."),
        };
    }

    private static string WhenSql(List<string> a)
    {
        var sql = new StringBuilder("(CASE");
        for (var i = 0; i + 1 < a.Count; i += 2)
        {
            sql.Append(" WHEN ").Append(a[i]).Append(" THEN ").Append(a[i + 1]);
        }

        if (a.Count % 2 == 1)
        {
            sql.Append(" ELSE ").Append(a[^1]);
        }

        return sql.Append(" END)").ToString();
    }

    private string Named(Expr expr) => expr is ColumnRef c
        ? DuckDbSql.Identifier(c.Name)
        : $"{Expression(expr)} AS {DuckDbSql.Identifier(ExprNames.Of(expr))}";

    private string Order(SortOrder order) =>
        $"{Expression(order.Child)} {(order.Ascending ? "ASC" : "DESC")} NULLS {(order.NullsFirst ? "FIRST" : "LAST")}";

    private string From(LogicalPlan input) => $"({Translate(input)}) AS _q{_aliases++}";

    private StructType SchemaOf(LogicalPlan plan) => _describe(Translate(plan));

    private string WithColumnsSql(WithColumns w)
    {
        var schema = SchemaOf(w.Input);
        var replaced = w.Columns.Where(c => schema.Find(c.Name) is not null).ToList();
        var added = w.Columns.Where(c => schema.Find(c.Name) is null).ToList();
        var select = new StringBuilder("SELECT *");
        if (replaced.Count > 0)
        {
            select.Append(" REPLACE (")
                .AppendJoin(", ", replaced.Select(c => $"{Expression(c.Child)} AS {DuckDbSql.Identifier(c.Name)}"))
                .Append(')');
        }

        foreach (var column in added)
        {
            select.Append(", ").Append(Expression(column.Child))
                .Append(" AS ").Append(DuckDbSql.Identifier(column.Name));
        }

        return select.Append(" FROM ").Append(From(w.Input)).ToString();
    }

    private string DropSql(Drop d)
    {
        var schema = SchemaOf(d.Input);
        var present = d.Columns.Where(c => schema.Find(c) is not null).ToList();
        if (present.Count == 0)
        {
            return Translate(d.Input);
        }

        return $"SELECT * EXCLUDE ({string.Join(", ", present.Select(DuckDbSql.Identifier))}) FROM {From(d.Input)}";
    }

    private static List<StructField> Subset(StructType schema, IReadOnlyList<string> subset, string node) =>
        subset.Count == 0
            ? [.. schema.Fields]
            : [.. subset.Select(name => schema.Find(name) ?? throw new DataFrameException(
                $"{node} names column '{name}', which does not exist; the columns are {schema}."))];

    private string DropNaSql(DropNa n)
    {
        var fields = Subset(SchemaOf(n.Input), n.Subset, "DropNa");
        var missing = fields.Select(f => f.Type.IsFloating
            ? $"({DuckDbSql.Identifier(f.Name)} IS NULL OR isnan({DuckDbSql.Identifier(f.Name)}))"
            : $"{DuckDbSql.Identifier(f.Name)} IS NULL");
        var condition = string.Join(n.All ? " AND " : " OR ", missing);
        return $"SELECT * FROM {From(n.Input)} WHERE NOT ({condition})";
    }

    private string FillNaSql(FillNa n)
    {
        var value = n.Value;
        bool Matches(DataType t) => value.Value switch
        {
            string => t == DataType.StringType,
            bool => t == DataType.BooleanType,
            null => false,
            _ => t.IsNumeric,
        };
        var fields = Subset(SchemaOf(n.Input), n.Subset, "FillNa").Where(f => Matches(f.Type)).ToList();
        if (fields.Count == 0)
        {
            return Translate(n.Input);
        }

        var replacements = fields.Select(f =>
        {
            var name = DuckDbSql.Identifier(f.Name);
            var fill = CastSql(DuckDbSql.Literal(value), f.Type);
            var missing = f.Type.IsFloating ? $"{name} IS NULL OR isnan({name})" : $"{name} IS NULL";
            return $"(CASE WHEN {missing} THEN {fill} ELSE {name} END) AS {name}";
        });
        return $"SELECT * REPLACE ({string.Join(", ", replacements)}) FROM {From(n.Input)}";
    }

    private string AggregateSql(Aggregate a)
    {
        var columns = a.Grouping.Concat(a.Aggregates).Select(Named);
        var sql = $"SELECT {string.Join(", ", columns)} FROM {From(a.Input)}";
        if (a.Grouping.Count > 0)
        {
            sql += $" GROUP BY {string.Join(", ", a.Grouping.Select(Expression))}";
        }

        // DuckDB sums integers into a 128-bit HUGEINT; Spark's sum of integers is a bigint.
        var wide = _describe(sql).Fields.Where(f => f.Type.Name == "hugeint").ToList();
        if (wide.Count == 0)
        {
            return sql;
        }

        var casts = wide.Select(f =>
            $"CAST({DuckDbSql.Identifier(f.Name)} AS BIGINT) AS {DuckDbSql.Identifier(f.Name)}");
        return $"SELECT * REPLACE ({string.Join(", ", casts)}) FROM ({sql}) AS _q{_aliases++}";
    }

    private string DeduplicateSql(Deduplicate d)
    {
        if (d.Subset.Count == 0)
        {
            return $"SELECT DISTINCT * FROM {From(d.Input)}";
        }

        var keys = Subset(SchemaOf(d.Input), d.Subset, "DropDuplicates").Select(f => DuckDbSql.Identifier(f.Name));
        var rank = $"_dedupe{_aliases}";
        return $"SELECT * EXCLUDE ({rank}) FROM (SELECT *, row_number() OVER (PARTITION BY {string.Join(", ", keys)}) "
            + $"AS {rank} FROM {From(d.Input)}) AS _q{_aliases++} WHERE {rank} = 1";
    }

    private string JoinSql(Join j)
    {
        var left = SchemaOf(j.Left);
        var right = SchemaOf(j.Right);
        var keys = j.Using.Select(k => (
            Left: left.Find(k)?.Name ?? throw MissingKey(k, "left", left),
            Right: right.Find(k)?.Name ?? throw MissingKey(k, "right", right))).ToList();
        var l = $"_l{_aliases}";
        var r = $"_r{_aliases++}";
        string Q(string side, string name) => $"{side}.{DuckDbSql.Identifier(name)}";
        var on = string.Join(" AND ", keys.Select(k => $"{Q(l, k.Left)} = {Q(r, k.Right)}"));
        var leftRest = left.Fields.Where(f => !keys.Any(k => k.Left == f.Name)).Select(f => Q(l, f.Name));
        var from = $"({Translate(j.Left)}) AS {l}";
        var to = $"({Translate(j.Right)}) AS {r}";
        if (j.Type is JoinType.LeftSemi or JoinType.LeftAnti)
        {
            var kind = j.Type == JoinType.LeftSemi ? "SEMI" : "ANTI";
            return $"SELECT {l}.* FROM {from} {kind} JOIN {to} ON {on}";
        }

        // Spark's using-join shows each key once: the left's, the right's, or the first non-null for full.
        var keyColumns = keys.Select(k => j.Type switch
        {
            JoinType.Right => $"{Q(r, k.Right)} AS {DuckDbSql.Identifier(k.Left)}",
            JoinType.Full => $"coalesce({Q(l, k.Left)}, {Q(r, k.Right)}) AS {DuckDbSql.Identifier(k.Left)}",
            _ => Q(l, k.Left),
        });
        var rightRest = right.Fields.Where(f => !keys.Any(k => k.Right == f.Name)).Select(f => Q(r, f.Name));
        var kindSql = j.Type switch
        {
            JoinType.Inner => "INNER",
            JoinType.Left => "LEFT",
            JoinType.Right => "RIGHT",
            _ => "FULL",
        };
        return $"SELECT {string.Join(", ", keyColumns.Concat(leftRest).Concat(rightRest))} FROM {from} "
            + $"{kindSql} JOIN {to} ON {on}";
    }

    private static DataFrameException MissingKey(string key, string side, StructType schema) =>
        new($"Join key '{key}' is not a column of the {side} side; its columns are {schema}.");

    private string SampleSql(Sample s)
    {
        var percent = (s.Fraction * 100).ToString("R", CultureInfo.InvariantCulture);
        return $"SELECT * FROM {From(s.Input)} USING SAMPLE {percent} PERCENT (bernoulli, "
            + $"{s.Seed.ToString(CultureInfo.InvariantCulture)})";
    }

    private string ReadSql(Read read)
    {
        var files = "[" + string.Join(", ", _files(read).Select(DuckDbSql.String)) + "]";
        var options = new Dictionary<string, string>(read.Options, StringComparer.OrdinalIgnoreCase);
        string Take(string key, string fallback) => options.Remove(key, out var v) ? v : fallback;
        string sql;
        switch (read.Format)
        {
            case "csv":
                var header = Take("header", "false");
                var sep = Take("sep", Take("delimiter", ","));
                var nullValue = Take("nullValue", string.Empty);
                var quote = Take("quote", "\"");
                var escape = Take("escape", "\"");
                sql = $"SELECT * FROM read_csv({files}, columns = {ColumnsStruct(read.Schema!)}, "
                    + $"header = {Bool(header, "header")}, delim = {DuckDbSql.String(sep)}, "
                    + $"nullstr = {NullStrings(nullValue)}, quote = {DuckDbSql.String(quote)}, "
                    + $"escape = {DuckDbSql.String(escape)}, auto_detect = false)";
                break;
            case "json":
                sql = $"SELECT * FROM read_json({files}, format = 'newline_delimited', "
                    + $"columns = {ColumnsStruct(read.Schema!)})";
                break;
            case "avro":
                var table = _avroTable?.Invoke(read) ?? throw new DataFrameException(
                    "This translator has no Avro loader; read Avro through an embedded session.");
                sql = $"SELECT {SchemaSelect(read.Schema)} FROM {table}";
                break;
            case "parquet":
                var select = read.Schema is null
                    ? "*"
                    : string.Join(", ", read.Schema.Fields.Select(f =>
                        $"{CastSql(DuckDbSql.Identifier(f.Name), f.Type)} AS {DuckDbSql.Identifier(f.Name)}"));
                sql = $"SELECT {select} FROM read_parquet({files})";
                break;
            default:
                throw new DataFrameException(
                    $"Unknown read format '{read.Format}'; the formats are csv, parquet, json, avro.");
        }

        if (options.Count > 0)
        {
            throw new DataFrameException(
                $"Read option(s) {string.Join(", ", options.Keys)} for '{read.Path}' are not supported by the "
                + "embedded engine; csv takes header, sep, nullValue, quote, escape.");
        }

        return sql;
    }

    /// <summary>Spark reads an unquoted empty field as null whatever <c>nullValue</c> is; DuckDB needs both.</summary>
    private static string NullStrings(string nullValue) => nullValue.Length == 0
        ? DuckDbSql.String(nullValue)
        : $"[{DuckDbSql.String(nullValue)}, '']";

    private static string SchemaSelect(StructType? schema) => schema is null
        ? "*"
        : string.Join(", ", schema.Fields.Select(f =>
            $"{CastSql(DuckDbSql.Identifier(f.Name), f.Type)} AS {DuckDbSql.Identifier(f.Name)}"));

    private static string ColumnsStruct(StructType schema) =>
        "{" + string.Join(", ", schema.Fields.Select(f =>
            $"{DuckDbSql.String(f.Name)}: {DuckDbSql.String(DuckDbSql.TypeName(f.Type))}")) + "}";

    internal static string Bool(string value, string option) => value.ToLowerInvariant() switch
    {
        "true" => "true",
        "false" => "false",
        _ => throw new DataFrameException($"Option '{option}' must be \"true\" or \"false\", not \"{value}\"."),
    };
}
