using System.Globalization;

namespace SparkJobs.DataFrame;

/// <summary>A column expression, built the way PySpark's <c>Column</c> is and turned into an <see
/// cref="Expr"/>.</summary>
public sealed class Column
{
    /// <summary>Initializes a new instance of the <see cref="Column"/> class.</summary>
    /// <param name="expr">The expression.</param>
    public Column(Expr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        Expr = expr;
    }

    /// <summary>Gets the expression.</summary>
    public Expr Expr { get; }

#pragma warning disable CA2225 // The named alternatives are the Spark-named methods below (Plus, Minus, ...).
    /// <summary>Adds two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>The sum.</returns>
    public static Column operator +(Column a, Column b) => Fn("+", a, b);

    /// <summary>Subtracts two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>The difference.</returns>
    public static Column operator -(Column a, Column b) => Fn("-", a, b);

    /// <summary>Multiplies two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>The product.</returns>
    public static Column operator *(Column a, Column b) => Fn("*", a, b);

    /// <summary>Divides two columns as Spark's <c>/</c> does: always floating-point division.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>The quotient as a double; null when dividing by zero.</returns>
    public static Column operator /(Column a, Column b) => Fn("/", a, b);

    /// <summary>The remainder, with the sign of the dividend (Spark's <c>%</c>).</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>The remainder.</returns>
    public static Column operator %(Column a, Column b) => Fn("%", a, b);

    /// <summary>Negates a column.</summary>
    /// <param name="a">The value.</param>
    /// <returns>The negated value.</returns>
    public static Column operator -(Column a) => Fn("negative", a);

    /// <summary>Compares two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>True, false or null.</returns>
    public static Column operator <(Column a, Column b) => Fn("<", a, b);

    /// <summary>Compares two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>True, false or null.</returns>
    public static Column operator >(Column a, Column b) => Fn(">", a, b);

    /// <summary>Compares two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>True, false or null.</returns>
    public static Column operator <=(Column a, Column b) => Fn("<=", a, b);

    /// <summary>Compares two columns.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>True, false or null.</returns>
    public static Column operator >=(Column a, Column b) => Fn(">=", a, b);

    /// <summary>Logical and, with SQL's three-valued logic.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>The conjunction.</returns>
    public static Column operator &(Column a, Column b) => Fn("and", a, b);

    /// <summary>Logical or, with SQL's three-valued logic.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    /// <returns>The disjunction.</returns>
    public static Column operator |(Column a, Column b) => Fn("or", a, b);

    /// <summary>Logical not.</summary>
    /// <param name="a">The value.</param>
    /// <returns>The negation.</returns>
    public static Column operator !(Column a) => Fn("not", a);

    /// <summary>Makes a literal column from an int.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Column(int value) => Functions.Lit(value);

    /// <summary>Makes a literal column from a long.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Column(long value) => Functions.Lit(value);

    /// <summary>Makes a literal column from a double.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Column(double value) => Functions.Lit(value);

    /// <summary>Makes a literal column from a string.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Column(string value) => Functions.Lit(value);
#pragma warning restore CA2225

    /// <summary>Tests equality (Spark's <c>==</c>): null when either side is null.</summary>
    /// <param name="other">The other side.</param>
    /// <returns>True, false or null.</returns>
    public Column EqualTo(Column other) => Fn("==", this, other);

    /// <summary>Tests inequality: null when either side is null.</summary>
    /// <param name="other">The other side.</param>
    /// <returns>True, false or null.</returns>
    public Column NotEqual(Column other) => Fn("!=", this, other);

    /// <summary>Null-safe equality (Spark's <c>&lt;=&gt;</c>): two nulls are equal, never null.</summary>
    /// <param name="other">The other side.</param>
    /// <returns>True or false.</returns>
    public Column EqNullSafe(Column other) => Fn("<=>", this, other);

    /// <summary>Integer division truncating toward zero (Spark's <c>div</c>).</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>The quotient as a bigint.</returns>
    public Column Div(Column other) => Fn("div", this, other);

    /// <summary>The positive remainder (Spark's <c>pmod</c>).</summary>
    /// <param name="other">The divisor.</param>
    /// <returns>The remainder in [0, divisor).</returns>
    public Column Pmod(Column other) => Fn("pmod", this, other);

    /// <summary>Tests whether the value lies in [lower, upper], as SQL's <c>BETWEEN</c>.</summary>
    /// <param name="lower">The lower bound, inclusive.</param>
    /// <param name="upper">The upper bound, inclusive.</param>
    /// <returns>True, false or null.</returns>
    public Column Between(Column lower, Column upper) => (this >= lower) & (this <= upper);

    /// <summary>Tests whether the value is null.</summary>
    /// <returns>True or false.</returns>
    public Column IsNull() => Fn("isnull", this);

    /// <summary>Tests whether the value is not null.</summary>
    /// <returns>True or false.</returns>
    public Column IsNotNull() => Fn("isnotnull", this);

    /// <summary>Casts to a Spark SQL type.</summary>
    /// <param name="type">The type name, for example <c>float</c>.</param>
    /// <returns>The cast value; null where the value cannot be converted.</returns>
    public Column Cast(string type) => new(new Cast(Expr, DataType.Parse(type)));

    /// <summary>Casts to a type.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The cast value; null where the value cannot be converted.</returns>
    public Column Cast(DataType type) => new(new Cast(Expr, type));

    /// <summary>Names the column.</summary>
    /// <param name="name">The output column name.</param>
    /// <returns>The named column.</returns>
    public Column As(string name) => new(new AliasExpr(Expr is AliasExpr a ? a.Child : Expr, name));

    /// <summary>Adds a branch to a <see cref="Functions.When"/> expression.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="value">The value when it holds.</param>
    /// <returns>The extended expression.</returns>
    public Column When(Column condition, Column value)
    {
        var call = AsWhen();
        return new(new FunctionCall("when", [.. call.Arguments, condition.Expr, value.Expr]));
    }

    /// <summary>Sets the value of a <see cref="Functions.When"/> expression when no branch holds.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The complete expression.</returns>
    public Column Otherwise(Column value)
    {
        var call = AsWhen();
        return new(new FunctionCall("when", [.. call.Arguments, value.Expr]));
    }

    /// <summary>Sorts ascending, nulls first.</summary>
    /// <returns>The sort key.</returns>
    public SortOrder Asc() => new(Expr, Ascending: true, NullsFirst: true);

    /// <summary>Sorts descending, nulls last.</summary>
    /// <returns>The sort key.</returns>
    public SortOrder Desc() => new(Expr, Ascending: false, NullsFirst: false);

    /// <inheritdoc />
    public override string ToString() => ExprNames.Of(Expr);

    internal static Column Fn(string name, params Column[] args)
    {
        FunctionCatalog.Validate(name, args.Length);
        return new(new FunctionCall(name, [.. args.Select(a => a.Expr)]));
    }

    private FunctionCall AsWhen()
    {
        if (Expr is FunctionCall { Function: "when" } call && call.Arguments.Count % 2 == 0)
        {
            return call;
        }

        throw new DataFrameException(
            "When/Otherwise extend only an expression started with Functions.When that has no Otherwise yet.");
    }
}

/// <summary>Column functions with Spark SQL's names and semantics, like PySpark's <c>functions</c> module.</summary>
public static class Functions
{
    /// <summary>Refers to a column by name.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column.</returns>
    public static Column Col(string name) => new(new ColumnRef(name));

    /// <summary>Makes a literal.</summary>
    /// <param name="value">An int, long, float, double, string, bool, or null.</param>
    /// <returns>The literal column.</returns>
    public static Column Lit(object? value) => new(value switch
    {
        null => new Literal(null, DataType.NullType),
        int i => new Literal(i, DataType.IntegerType),
        long l => new Literal(l, DataType.LongType),
        float f => new Literal(f, DataType.FloatType),
        double d => new Literal(d, DataType.DoubleType),
        string s => new Literal(s, DataType.StringType),
        bool b => new Literal(b, DataType.BooleanType),
        _ => throw new DataFrameException(
            $"A literal of type {value.GetType().Name} is not supported; "
            + "use int, long, float, double, string or bool."),
    });

    /// <summary>Starts a CASE expression: <c>when(c1, v1).When(c2, v2).Otherwise(v)</c>.</summary>
    /// <param name="condition">The first condition.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The expression; without Otherwise the value is null when no branch holds.</returns>
    public static Column When(Column condition, Column value) =>
        new(new FunctionCall("when", [condition.Expr, value.Expr]));

    /// <summary>Absolute value.</summary>
    /// <param name="c">The value.</param>
    /// <returns>The absolute value.</returns>
    public static Column Abs(Column c) => Column.Fn("abs", c);

    /// <summary>Rounds half up (away from zero at .5), as Spark's <c>round</c>.</summary>
    /// <param name="c">The value.</param>
    /// <param name="scale">The number of decimal places.</param>
    /// <returns>The rounded value.</returns>
    public static Column Round(Column c, int scale = 0) => Column.Fn("round", c, scale);

    /// <summary>Square root; NaN for negative input.</summary>
    /// <param name="c">The value.</param>
    /// <returns>The root as a double.</returns>
    public static Column Sqrt(Column c) => Column.Fn("sqrt", c);

    /// <summary>The least non-null value.</summary>
    /// <param name="columns">Two or more values.</param>
    /// <returns>The least value; null only when all are null.</returns>
    public static Column Least(params Column[] columns) => Column.Fn("least", columns);

    /// <summary>The greatest non-null value.</summary>
    /// <param name="columns">Two or more values.</param>
    /// <returns>The greatest value; null only when all are null.</returns>
    public static Column Greatest(params Column[] columns) => Column.Fn("greatest", columns);

    /// <summary>The first non-null value.</summary>
    /// <param name="columns">The values.</param>
    /// <returns>The first non-null value.</returns>
    public static Column Coalesce(params Column[] columns) => Column.Fn("coalesce", columns);

    /// <summary>The number of characters of a string.</summary>
    /// <param name="c">The string.</param>
    /// <returns>The length.</returns>
    public static Column Length(Column c) => Column.Fn("length", c);

    /// <summary>Lower-cases a string.</summary>
    /// <param name="c">The string.</param>
    /// <returns>The lower-case string.</returns>
    public static Column Lower(Column c) => Column.Fn("lower", c);

    /// <summary>Upper-cases a string.</summary>
    /// <param name="c">The string.</param>
    /// <returns>The upper-case string.</returns>
    public static Column Upper(Column c) => Column.Fn("upper", c);

    /// <summary>Concatenates strings; null when any is null.</summary>
    /// <param name="columns">The strings.</param>
    /// <returns>The concatenation.</returns>
    public static Column Concat(params Column[] columns) => Column.Fn("concat", columns);

    /// <summary>The positive remainder of a division.</summary>
    /// <param name="dividend">The dividend.</param>
    /// <param name="divisor">The divisor.</param>
    /// <returns>The remainder in [0, divisor).</returns>
    public static Column Pmod(Column dividend, Column divisor) => Column.Fn("pmod", dividend, divisor);

    /// <summary>Tests for NaN.</summary>
    /// <param name="c">A floating-point value.</param>
    /// <returns>True when the value is NaN.</returns>
    public static Column IsNan(Column c) => Column.Fn("isnan", c);

    /// <summary>Counts the non-null values of a column.</summary>
    /// <param name="c">The column.</param>
    /// <returns>The count as a bigint.</returns>
    public static Column Count(Column c) => Column.Fn("count", c);

    /// <summary>Counts rows (<c>count(*)</c>).</summary>
    /// <returns>The count as a bigint.</returns>
    public static Column CountAll() => new(new FunctionCall("count", [new Star()]));

    /// <summary>Sums a column; integers sum to a bigint, floats to a double.</summary>
    /// <param name="c">The column.</param>
    /// <returns>The sum.</returns>
    public static Column Sum(Column c) => Column.Fn("sum", c);

    /// <summary>Averages a column as a double.</summary>
    /// <param name="c">The column.</param>
    /// <returns>The mean.</returns>
    public static Column Avg(Column c) => Column.Fn("avg", c);

    /// <summary>The least value of a column.</summary>
    /// <param name="c">The column.</param>
    /// <returns>The minimum.</returns>
    public static Column Min(Column c) => Column.Fn("min", c);

    /// <summary>The greatest value of a column.</summary>
    /// <param name="c">The column.</param>
    /// <returns>The maximum.</returns>
    public static Column Max(Column c) => Column.Fn("max", c);
}

/// <summary>Spark-style default names for unnamed expressions, for example <c>(a + b)</c> or <c>abs(x)</c>.</summary>
internal static class ExprNames
{
    private static readonly HashSet<string> Infix =
        ["+", "-", "*", "/", "%", "div", "==", "!=", "<", "<=", ">", ">=", "<=>", "and", "or"];

    public static string Of(Expr expr) => expr switch
    {
        ColumnRef c => c.Name,
        AliasExpr a => a.Name,
        Literal { Value: null } => "NULL",
        Literal l => Convert.ToString(l.Value, CultureInfo.InvariantCulture) ?? "NULL",
        Star => "1",
        Cast c => $"CAST({Of(c.Child)} AS {c.Type.Name.ToUpperInvariant()})",
        FunctionCall { Function: var f, Arguments: [var a, var b] } when Infix.Contains(f) =>
            $"({Of(a)} {(f == "==" ? "=" : f.ToUpperInvariant() is "AND" or "OR" ? f.ToUpperInvariant() : f)} {Of(b)})",
        FunctionCall { Function: "negative", Arguments: [var a] } => $"(- {Of(a)})",
        FunctionCall { Function: "not", Arguments: [var a] } => $"(NOT {Of(a)})",
        FunctionCall { Function: "isnull", Arguments: [var a] } => $"({Of(a)} IS NULL)",
        FunctionCall { Function: "isnotnull", Arguments: [var a] } => $"({Of(a)} IS NOT NULL)",
        FunctionCall { Function: "when" } => "CASE WHEN",
        FunctionCall c => $"{c.Function}({string.Join(", ", c.Arguments.Select(Of))})",
        _ => throw new DataFrameException($"Unknown expression {expr.GetType().Name}."),
    };
}
