using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

/// <summary>
/// Spark's documented results (non-ANSI mode, as the Spark Connect engine configures the session) that the
/// embedded engine must reproduce. Each row names the case; all failures are reported together.
/// </summary>
public sealed class SparkSemanticsTableTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    public static TheoryData<string> Cases() => [.. Table.Keys];

    private static readonly Dictionary<string, (Column Expression, object? Spark)> Table = new(StringComparer.Ordinal)
    {
        ["int / int is double"] = (Lit(7) / Lit(2), 3.5),
        ["x / 0 is null"] = (Lit(1) / Lit(0), null),
        ["x % 0 is null"] = (Lit(5) % Lit(0), null),
        ["div truncates toward zero"] = (Lit(-7).Div(Lit(2)), -3L),
        ["div by 0 is null"] = (Lit(7).Div(Lit(0)), null),
        ["% keeps the dividend's sign"] = (Lit(-7) % Lit(3), -1),
        ["pmod is non-negative"] = (Pmod(Lit(-7), Lit(3)), 2),
        ["round half up"] = (Round(Lit(2.5)), 3.0),
        ["round half up negative"] = (Round(Lit(-2.5)), -3.0),
        ["round to 2 places"] = (Round(Lit(0.125), 2), 0.13),
        ["round of an int stays int"] = (Round(Lit(5)), 5),
        ["cast string with fraction to int truncates"] = (Lit("2.7").Cast("int"), 2),
        ["cast string with spaces to int trims"] = (Lit(" 3 ").Cast("int"), 3),
        ["cast bad string to int is null"] = (Lit("abc").Cast("int"), null),
        ["cast double to bigint truncates"] = (Lit(-3.99).Cast("bigint"), -3L),
        ["cast double to string"] = (Lit(1.5).Cast("string"), "1.5"),
        ["cast int to double"] = (Lit(3).Cast("double"), 3.0),
        ["cast 'false' to boolean"] = (Lit("false").Cast("boolean"), false),
        ["cast bad string to boolean is null"] = (Lit("maybe").Cast("boolean"), null),
        ["null == null is null"] = (Lit(null).EqualTo(Lit(null)), null),
        ["null <=> null is true"] = (Lit(null).EqNullSafe(Lit(null)), true),
        ["null and false is false"] = (Lit(null).Cast("boolean") & Lit(false).Cast("boolean"), false),
        ["null or true is true"] = (Lit(null).Cast("boolean") | Lit(true).Cast("boolean"), true),
        ["NaN == NaN is true"] = (Lit(double.NaN).EqualTo(Lit(double.NaN)), true),
        ["NaN is greater than any double"] = (Lit(double.NaN) > Lit(double.MaxValue), true),
        ["isnan of NaN"] = (IsNan(Lit(double.NaN)), true),
        ["concat with null is null"] = (Concat(Lit("a"), Lit(null)), null),
        ["coalesce of nulls is null"] = (Coalesce(Lit(null), Lit(null)), null),
        ["length of empty string"] = (Length(Lit("")), 0),
        ["sqrt of negative is NaN"] = (Sqrt(Lit(-4)), double.NaN),
        ["greatest skips nulls"] = (Greatest(Lit(null), Lit(2), Lit(1)), 2),
        ["when without otherwise is null"] = (When(Lit(1) > Lit(2), Lit(1)), null),
        ["lower of null is null"] = (Lower(Lit(null).Cast("string")), null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Embedded_engine_gives_sparks_result(string name)
    {
        var (expression, spark) = Table[name];
        var actual = await _frames.ScalarAsync(expression);
        Assert.Equal(spark, actual);
    }

    [Fact]
    public async Task Aggregates_of_an_empty_input_follow_spark()
    {
        var df = _frames.Csv("v int", "1").Filter(Col("v") > 5);
        var row = (await df.Agg(CountAll().As("n"), Sum(Col("v")).As("s"), Avg(Col("v")).As("m"),
            Max(Col("v")).As("hi")).CollectAsync())[0];
        Assert.Equal([0L, null, null, null], row.Values);
    }

    [Fact]
    public async Task Csv_options_header_sep_and_null_value_follow_spark()
    {
        var path = Path.Combine(_frames.Root, "options.csv");
        await File.WriteAllLinesAsync(path, ["a;b", "1;NA", "NA;x", ";y"]);
        var df = _frames.Session.Read.Format("csv")
            .Schema(new StructType([new StructField("a", DataType.IntegerType), new StructField("b",
                DataType.StringType)]))
            .Option("header", "true").Option("sep", ";").Option("nullValue", "NA")
            .Load(path);
        var rows = await df.CollectAsync();
        Assert.Equal([[1, null], [null, "x"], [null, "y"]], rows.Select(r => r.Values.ToArray()));
    }

    [Fact]
    public async Task Csv_unquoted_empty_field_is_null_by_default()
    {
        var df = _frames.Csv("a int, b string", "1,", ",z");
        var rows = await df.CollectAsync();
        Assert.Equal([[1, null], [null, "z"]], rows.Select(r => r.Values.ToArray()));
    }
}
