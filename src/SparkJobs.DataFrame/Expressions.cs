namespace SparkJobs.DataFrame;

/// <summary>An expression of the logical plan: a closed set of node types that every engine translates.</summary>
public abstract record Expr;

/// <summary>A reference to a column of the input by name.</summary>
/// <param name="Name">The column name.</param>
public sealed record ColumnRef(string Name) : Expr;

/// <summary>A constant value of a given type; <see langword="null"/> for a typed null.</summary>
/// <param name="Value">The value: int, long, float, double, string, bool or null.</param>
/// <param name="Type">The literal's type.</param>
public sealed record Literal(object? Value, DataType Type) : Expr;

/// <summary>A call of a Spark SQL function or operator (<c>+</c>, <c>==</c>, <c>and</c>, <c>abs</c>, ...).</summary>
/// <param name="Function">The Spark SQL name; one of <see cref="FunctionCatalog.Names"/>.</param>
/// <param name="Arguments">The arguments.</param>
public sealed record FunctionCall(string Function, IReadOnlyList<Expr> Arguments) : Expr;

/// <summary>A cast to a Spark SQL type, with Spark's non-ANSI semantics (invalid input gives null).</summary>
/// <param name="Child">The value to cast.</param>
/// <param name="Type">The target type.</param>
public sealed record Cast(Expr Child, DataType Type) : Expr;

/// <summary>An expression given an output column name.</summary>
/// <param name="Child">The expression.</param>
/// <param name="Name">The output name.</param>
public sealed record AliasExpr(Expr Child, string Name) : Expr;

/// <summary>All columns, used only as the argument of <c>count(*)</c>.</summary>
public sealed record Star : Expr;

/// <summary>One key of a sort, with Spark's defaults: ascending puts nulls first, descending puts them last.</summary>
/// <param name="Child">The sort key.</param>
/// <param name="Ascending">Whether to sort ascending.</param>
/// <param name="NullsFirst">Whether nulls sort before other values.</param>
public sealed record SortOrder(Expr Child, bool Ascending, bool NullsFirst);

/// <summary>The closed set of functions a plan may call, with their arity.</summary>
public static class FunctionCatalog
{
    private static readonly Dictionary<string, (int Min, int Max, bool Aggregate)> Specs =
        new(StringComparer.Ordinal)
        {
            ["+"] = (2, 2, false), ["-"] = (2, 2, false), ["*"] = (2, 2, false), ["/"] = (2, 2, false),
            ["%"] = (2, 2, false), ["div"] = (2, 2, false), ["pmod"] = (2, 2, false), ["negative"] = (1, 1, false),
            ["=="] = (2, 2, false), ["!="] = (2, 2, false), ["<"] = (2, 2, false), ["<="] = (2, 2, false),
            [">"] = (2, 2, false), [">="] = (2, 2, false), ["<=>"] = (2, 2, false),
            ["and"] = (2, 2, false), ["or"] = (2, 2, false), ["not"] = (1, 1, false),
            ["isnull"] = (1, 1, false), ["isnotnull"] = (1, 1, false), ["isnan"] = (1, 1, false),
            ["when"] = (2, int.MaxValue, false),
            ["abs"] = (1, 1, false), ["round"] = (1, 2, false), ["sqrt"] = (1, 1, false),
            ["least"] = (2, int.MaxValue, false), ["greatest"] = (2, int.MaxValue, false),
            ["coalesce"] = (1, int.MaxValue, false), ["length"] = (1, 1, false), ["lower"] = (1, 1, false),
            ["upper"] = (1, 1, false), ["concat"] = (1, int.MaxValue, false),
            ["count"] = (1, 1, true), ["sum"] = (1, 1, true), ["avg"] = (1, 1, true),
            ["min"] = (1, 1, true), ["max"] = (1, 1, true),
        };

    /// <summary>Gets the names of every function and operator, as Spark SQL spells them.</summary>
    public static IReadOnlyCollection<string> Names => Specs.Keys;

    /// <summary>Gets the least and greatest number of arguments a function takes.</summary>
    /// <param name="name">The function name.</param>
    /// <returns>The bounds, inclusive.</returns>
    public static (int Min, int Max) Arity(string name) => (Spec(name).Min, Spec(name).Max);

    /// <summary>Tells whether a function is an aggregate (allowed only in an aggregation).</summary>
    /// <param name="name">The function name.</param>
    /// <returns><see langword="true"/> for count, sum, avg, min and max.</returns>
    public static bool IsAggregate(string name) => Spec(name).Aggregate;

    internal static void Validate(string name, int argumentCount)
    {
        var (min, max, _) = Spec(name);
        if (argumentCount < min || argumentCount > max)
        {
            var wanted = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new DataFrameException($"Function '{name}' takes {wanted} argument(s), not {argumentCount}.");
        }
    }

    private static (int Min, int Max, bool Aggregate) Spec(string name) =>
        Specs.TryGetValue(name, out var spec)
            ? spec
            : throw new DataFrameException(
                $"Unknown function '{name}'; the functions are {string.Join(", ", Specs.Keys)}.");
}
