using System.Text.RegularExpressions;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using P = SparkJobs.DataFrame.SparkConnect.Protocol;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>
/// Translates our logical plan into Spark Connect relations, expressions and commands. It needs no schema:
/// Spark resolves names itself, so every node maps one to one. Only fields that Spark 3.5 knows are set.
/// </summary>
internal sealed partial class SparkPlanTranslator
{
    private long _planId;

    /// <summary>Builds the query plan of a relation.</summary>
    public P.Plan Query(LogicalPlan plan) => new() { Root = Translate(plan) };

    /// <summary>Builds the write command, with the mode the caller sends (the commit protocol may differ).</summary>
    public P.Plan Write(WriteOperation write, string path, SaveMode mode)
    {
        ArgumentNullException.ThrowIfNull(write);
        var operation = new P.WriteOperation
        {
            Input = Translate(write.Input),
            Source = write.Format,
            Path = path,
            Mode = mode switch
            {
                SaveMode.Append => P.WriteOperation.Types.SaveMode.Append,
                SaveMode.Overwrite => P.WriteOperation.Types.SaveMode.Overwrite,
                SaveMode.Ignore => P.WriteOperation.Types.SaveMode.Ignore,
                _ => P.WriteOperation.Types.SaveMode.ErrorIfExists,
            },
        };
        operation.PartitioningColumns.AddRange(write.PartitionBy);
        foreach (var (key, value) in write.Options)
        {
            operation.Options[key] = value;
        }
        return new P.Plan { Command = new Command { WriteOperation = operation } };
    }

    /// <summary>Builds the relation of a plan node and its inputs.</summary>
    public Relation Translate(LogicalPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var relation = plan switch
        {
            Read r => ReadRelation(r),
            Filter f => new Relation { Filter = new P.Filter { Input = Translate(f.Input),
                Condition = Translate(f.Condition) } },
            Project p => ProjectRelation(p),
            WithColumns w => WithColumnsRelation(w),
            Drop d => DropRelation(d),
            DropNa n => DropNaRelation(n),
            FillNa n => FillNaRelation(n),
            Sort s => SortRelation(s),
            Limit l => new Relation { Limit = new P.Limit { Input = Translate(l.Input), Limit_ = l.Count } },
            Aggregate a => AggregateRelation(a),
            Union u => new Relation { SetOp = new SetOperation
            {
                LeftInput = Translate(u.Left),
                RightInput = Translate(u.Right),
                SetOpType = SetOperation.Types.SetOpType.Union,
                IsAll = true,
                ByName = false,
            } },
            WithRowId r => RowIdRelation(r),
            Repartition r => new Relation { Repartition = new P.Repartition
            {
                Input = Translate(r.Input), NumPartitions = r.Partitions, Shuffle = true,
            } },
            Deduplicate d => DeduplicateRelation(d),
            Join j => JoinRelation(j),
            Sample s => new Relation { Sample = new P.Sample
            {
                Input = Translate(s.Input), LowerBound = 0, UpperBound = s.Fraction, WithReplacement = false,
                Seed = s.Seed,
            } },
            SqlQuery q => new Relation { Sql = new SQL { Query = q.Query } },
            _ => throw new DataFrameException(
                $"The Spark Connect engine cannot translate plan node {plan.GetType().Name}."),
        };

        // Ids grow from the leaves up, so that a plan's ids do not depend on what was built before it.
        relation.Common = new RelationCommon { PlanId = _planId++ };
        return relation;
    }

    /// <summary>Builds an expression.</summary>
    public Expression Translate(Expr expr) => expr switch
    {
        ColumnRef c => Attribute(c.Name),
        Literal l => new Expression { Literal = LiteralValue(l) },
        Cast c => new Expression { Cast = new Expression.Types.Cast
        {
            Expr = Translate(c.Child), Type = SparkTypes.ToProto(c.Type),
        } },
        AliasExpr a => new Expression { Alias = Alias(a) },
        FunctionCall c => Call(c),
        Star => new Expression { UnresolvedStar = new Expression.Types.UnresolvedStar() },
        _ => throw new DataFrameException(
            $"The Spark Connect engine cannot translate expression {expr.GetType().Name}."),
    };

    /// <summary>Quotes a column name for <c>unparsed_identifier</c>, which Spark splits at dots.</summary>
    public static string Identifier(string name) =>
        PlainName().IsMatch(name) ? name : "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>Builds the literal of a value.</summary>
    public static Expression.Types.Literal LiteralValue(Literal literal) => literal.Value switch
    {
        null => new Expression.Types.Literal { Null = SparkTypes.ToProto(literal.Type) },
        int i => new Expression.Types.Literal { Integer = i },
        long l => new Expression.Types.Literal { Long = l },
        float f => new Expression.Types.Literal { Float = f },
        double d => new Expression.Types.Literal { Double = d },
        string s => new Expression.Types.Literal { String = s },
        bool b => new Expression.Types.Literal { Boolean = b },
        var other => throw new DataFrameException($"A literal of type {other.GetType().Name} is not supported."),
    };

    private static Expression Attribute(string name) => new()
    {
        UnresolvedAttribute = new Expression.Types.UnresolvedAttribute { UnparsedIdentifier = Identifier(name) },
    };

    private Expression.Types.Alias Alias(AliasExpr alias)
    {
        var result = new Expression.Types.Alias { Expr = Translate(alias.Child) };
        result.Name.Add(alias.Name);
        return result;
    }

    /// <summary>Gives computed columns the name the embedded engine gives them, so both engines agree.</summary>
    private Expression Named(Expr expr) => expr is ColumnRef or AliasExpr
        ? Translate(expr)
        : new Expression { Alias = Alias(new AliasExpr(expr, ExprNames.Of(expr))) };

    private static Expression Function(string name, params Expression[] arguments)
    {
        var function = new Expression.Types.UnresolvedFunction { FunctionName = name };
        function.Arguments.AddRange(arguments);
        return new Expression { UnresolvedFunction = function };
    }

    private Expression Call(FunctionCall call)
    {
        FunctionCatalog.Validate(call.Function, call.Arguments.Count);
        var arguments = call.Arguments.Select(Translate).ToArray();
        return call.Function switch
        {
            // Spark registers no "!=" function: PySpark sends not(a == b) too.
            "!=" => Function("not", Function("==", arguments)),
            _ when SparkFunctions.Contains(call.Function) => Function(call.Function, arguments),
            _ => throw new DataFrameException(
                $"The Spark Connect engine cannot translate function '{call.Function}'."),
        };
    }

    /// <summary>Gets the catalog functions that Spark registers under the same name.</summary>
    internal static IReadOnlySet<string> SparkFunctions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "+", "-", "*", "/", "%", "div", "pmod", "negative", "==", "<", "<=", ">", ">=", "<=>", "and", "or",
        "not", "isnull", "isnotnull", "isnan", "when", "abs", "round", "sqrt", "least", "greatest", "coalesce",
        "length", "lower", "upper", "concat", "count", "sum", "avg", "min", "max",
    };

    private static Relation ReadRelation(Read read)
    {
        var source = new P.Read.Types.DataSource { Format = read.Format };
        if (read.Schema is not null)
        {
            source.Schema = SparkTypes.Ddl(read.Schema);
        }

        foreach (var (key, value) in read.Options)
        {
            source.Options[key] = value;
        }
        source.Paths.Add(read.Path);
        return new Relation { Read = new P.Read { DataSource = source } };
    }

    private Relation ProjectRelation(Project project)
    {
        var input = Translate(project.Input);
        var result = new P.Project { Input = input };
        result.Expressions.AddRange(project.Columns.Select(Named));
        return new Relation { Project = result };
    }

    private Relation WithColumnsRelation(WithColumns with)
    {
        var result = new P.WithColumns { Input = Translate(with.Input) };
        result.Aliases.AddRange(with.Columns.Select(Alias));
        return new Relation { WithColumns = result };
    }

    private Relation DropRelation(Drop drop)
    {
        var result = new P.Drop { Input = Translate(drop.Input) };
        result.ColumnNames.AddRange(drop.Columns);
        return new Relation { Drop = result };
    }

    private Relation DropNaRelation(DropNa drop)
    {
        var result = new NADrop { Input = Translate(drop.Input) };
        result.Cols.AddRange(drop.Subset);

        // Spark's "all" is "at least one non-null"; "any" is the default, which leaves the field unset.
        if (drop.All)
        {
            result.MinNonNulls = 1;
        }

        return new Relation { DropNa = result };
    }

    private Relation FillNaRelation(FillNa fill)
    {
        var result = new NAFill { Input = Translate(fill.Input) };
        result.Cols.AddRange(fill.Subset);
        result.Values.Add(LiteralValue(fill.Value));
        return new Relation { FillNa = result };
    }

    private Relation SortRelation(Sort sort)
    {
        var result = new P.Sort { Input = Translate(sort.Input), IsGlobal = true };
        result.Order.AddRange(sort.Order.Select(SortKey));
        return new Relation { Sort = result };
    }

    private Expression.Types.SortOrder SortKey(SortOrder order) => new()
    {
        Child = Translate(order.Child),
        Direction = order.Ascending
            ? Expression.Types.SortOrder.Types.SortDirection.Ascending
            : Expression.Types.SortOrder.Types.SortDirection.Descending,
        NullOrdering = order.NullsFirst
            ? Expression.Types.SortOrder.Types.NullOrdering.SortNullsFirst
            : Expression.Types.SortOrder.Types.NullOrdering.SortNullsLast,
    };

    private Relation AggregateRelation(Aggregate aggregate)
    {
        var result = new P.Aggregate
        {
            Input = Translate(aggregate.Input),
            GroupType = P.Aggregate.Types.GroupType.Groupby,
        };
        result.GroupingExpressions.AddRange(aggregate.Grouping.Select(Named));
        result.AggregateExpressions.AddRange(aggregate.Aggregates.Select(Named));
        return new Relation { Aggregate = result };
    }

    private Relation RowIdRelation(WithRowId rowId)
    {
        // row_number() OVER (ORDER BY monotonically_increasing_id()) - 1: the id follows the input order.
        var window = new Expression.Types.Window { WindowFunction = Function("row_number") };
        window.OrderSpec.Add(new Expression.Types.SortOrder
        {
            Child = Function("monotonically_increasing_id"),
            Direction = Expression.Types.SortOrder.Types.SortDirection.Ascending,
            NullOrdering = Expression.Types.SortOrder.Types.NullOrdering.SortNullsFirst,
        });
        var minusOne = Function("-", new Expression { Window = window },
            new Expression { Literal = new Expression.Types.Literal { Integer = 1 } });
        var id = new Expression { Cast = new Expression.Types.Cast
        {
            Expr = minusOne, Type = SparkTypes.ToProto(DataType.LongType),
        } };
        var alias = new Expression.Types.Alias { Expr = id };
        alias.Name.Add(rowId.Name);
        var result = new P.WithColumns { Input = Translate(rowId.Input) };
        result.Aliases.Add(alias);
        return new Relation { WithColumns = result };
    }

    private Relation DeduplicateRelation(Deduplicate dedupe)
    {
        var result = new P.Deduplicate { Input = Translate(dedupe.Input) };
        if (dedupe.Subset.Count == 0)
        {
            result.AllColumnsAsKeys = true;
        }
        else
        {
            result.ColumnNames.AddRange(dedupe.Subset);
        }

        return new Relation { Deduplicate = result };
    }

    private Relation JoinRelation(Join join)
    {
        var result = new P.Join
        {
            Left = Translate(join.Left),
            Right = Translate(join.Right),
            JoinType = join.Type switch
            {
                JoinType.Inner => P.Join.Types.JoinType.Inner,
                JoinType.Left => P.Join.Types.JoinType.LeftOuter,
                JoinType.Right => P.Join.Types.JoinType.RightOuter,
                JoinType.Full => P.Join.Types.JoinType.FullOuter,
                JoinType.LeftSemi => P.Join.Types.JoinType.LeftSemi,
                _ => P.Join.Types.JoinType.LeftAnti,
            },
        };
        result.UsingColumns.AddRange(join.Using);
        return new Relation { Join = result };
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
