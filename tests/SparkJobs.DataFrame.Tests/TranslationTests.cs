using SparkJobs.DataFrame.Embedded;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

public sealed class TranslationTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    [Fact]
    public async Task Every_plan_node_has_an_embedded_translation_that_runs()
    {
        var input = _frames.Csv("a int, b double, s string", "1,2.5,x", "2,,y");
        var samples = new Dictionary<Type, DataFrame>
        {
            [typeof(Read)] = input,
            [typeof(Filter)] = input.Filter(Col("a") > 1),
            [typeof(Project)] = input.Select(Col("a"), (Col("b") * 2).As("b2")),
            [typeof(WithColumns)] = input.WithColumn("c", Col("a") + 1),
            [typeof(Drop)] = input.Drop("s"),
            [typeof(DropNa)] = input.DropNa(),
            [typeof(FillNa)] = input.FillNa(0),
            [typeof(Sort)] = input.OrderBy(Col("a").Desc()),
            [typeof(Limit)] = input.Limit(1),
            [typeof(Aggregate)] = input.GroupBy("s").Agg(Sum(Col("a")).As("t")),
            [typeof(Union)] = input.Union(input),
            [typeof(WithRowId)] = input.WithRowId("id"),
            [typeof(Repartition)] = input.Repartition(2),
            [typeof(Deduplicate)] = input.DropDuplicates("s"),
            [typeof(Join)] = input.Join(input.Select("a"), ["a"]),
            [typeof(Sample)] = input.Sample(1.0, 7),
            [typeof(SqlQuery)] = _frames.Session.Sql("SELECT 1 AS one"),
        };
        var nodes = typeof(LogicalPlan).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LogicalPlan)) && !t.IsAbstract)
            .ToList();

        Assert.Empty(nodes.Except(samples.Keys).Select(t => t.Name));
        foreach (var (type, frame) in samples)
        {
            Assert.IsType(type, frame.Plan);
            Assert.True(await frame.CountAsync() >= 1, type.Name);
        }
    }

    [Fact]
    public async Task Every_catalog_function_has_an_embedded_translation_that_runs()
    {
        var df = _frames.Csv("a int, s string", "3,x");
        Expr Arg(string function) => function switch
        {
            "and" or "or" or "not" or "when" => Lit(true).Expr,
            "length" or "lower" or "upper" or "concat" => Col("s").Expr,
            _ => Col("a").Expr,
        };
        foreach (var name in FunctionCatalog.Names)
        {
            var (min, _) = FunctionCatalog.Arity(name);
            var call = new Column(new FunctionCall(name, [.. Enumerable.Range(0, min).Select(_ => Arg(name))]));
            var frame = FunctionCatalog.IsAggregate(name) ? df.Agg(call.As("v")) : df.Select(call.As("v"));
            Assert.Single(await frame.CollectAsync());
        }
    }

    [Fact]
    public void Unknown_function_or_wrong_arity_is_rejected_with_the_allowed_names()
    {
        var unknown = Assert.Throws<DataFrameException>(() => FunctionCatalog.Arity("hash"));
        Assert.Contains("pmod", unknown.Message, StringComparison.Ordinal);
        var arity = Assert.Throws<DataFrameException>(() => Column.Fn("abs", Col("a"), Col("b")));
        Assert.Contains("takes 1 argument(s), not 2", arity.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_translates_to_nested_duckdb_sql_with_spark_defaults()
    {
        var translator = new DuckDbTranslator(_ => new StructType([]), _ => ["/data/x.csv"]);
        var read = new Read("csv", "/data/x.csv", new StructType([new StructField("a", DataType.IntegerType)]),
            new Dictionary<string, string> { ["header"] = "true" });
        var sql = translator.Translate(new Sort(new Filter(read, (Col("a") > 2.5).Expr), [Col("a").Asc()]));
        Assert.Equal(
            "SELECT * FROM (SELECT * FROM (SELECT * FROM read_csv(['/data/x.csv'], columns = {'a': 'INTEGER'}, "
            + "header = true, delim = ',', nullstr = '', quote = '\"', escape = '\"', auto_detect = false)) AS _q0 "
            + "WHERE (\"a\" > CAST('2.5' AS DOUBLE))) AS _q1 ORDER BY \"a\" ASC NULLS FIRST",
            sql);
        Assert.Equal("TRY_CAST(\"a\" AS FLOAT)", DuckDbTranslator.CastSql("\"a\"", DataType.FloatType));
    }

    [Fact]
    public void Unsupported_read_option_names_the_path_and_the_allowed_options()
    {
        var translator = new DuckDbTranslator(_ => new StructType([]), _ => ["/d.csv"]);
        var read = new Read("csv", "/d.csv", new StructType([new StructField("a", DataType.IntegerType)]),
            new Dictionary<string, string> { ["inferSchema"] = "true" });
        var e = Assert.Throws<DataFrameException>(() => translator.Translate(read));
        Assert.Contains("inferSchema", e.Message, StringComparison.Ordinal);
        Assert.Contains("header, sep, nullValue", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expression_types_are_a_closed_set_the_translator_knows()
    {
        var translator = new DuckDbTranslator(_ => new StructType([]), _ => []);
        var samples = new Expr[]
        {
            Col("a").Expr, Lit(1).Expr, Lit(1).Cast("double").Expr, Col("a").As("b").Expr,
            CountAll().Expr, new Star(), Abs(Col("a")).Expr,
        };
        var types = typeof(Expr).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Expr)) && !t.IsAbstract);
        Assert.Empty(types.Except(samples.Select(s => s.GetType())).Select(t => t.Name));
        Assert.All(samples, s => Assert.NotEmpty(translator.Expression(s)));
    }
}
