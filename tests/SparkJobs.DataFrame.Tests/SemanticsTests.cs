using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

public sealed class SemanticsTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    [Fact]
    public async Task Comparison_with_null_is_null_so_filter_drops_the_row()
    {
        var df = _frames.Csv("a int, b int", "1,1", "2,", ",3");
        Assert.Equal(1, await df.Filter(Col("a").EqualTo(Col("b"))).CountAsync());
        Assert.Equal(0, await df.Filter(!Col("a").EqualTo(Col("b"))).CountAsync());
        Assert.Equal(3,
            await df.Filter(Col("a").EqNullSafe(Col("b")) | Col("a").IsNull() | Col("b").IsNull()).CountAsync());
        Assert.Null(await _frames.ScalarAsync(Lit(null) > Lit(1)));
    }

    [Fact]
    public async Task Slash_on_ints_is_floating_division_and_div_truncates_toward_zero()
    {
        Assert.Equal(0.5, await _frames.ScalarAsync(Lit(1) / Lit(2)));
        Assert.Equal(-3L, await _frames.ScalarAsync(Lit(-7).Div(Lit(2))));
        Assert.Null(await _frames.ScalarAsync(Col("x") / Lit(0)));
        Assert.Equal(2, await _frames.ScalarAsync(Pmod(Lit(-7), Lit(3))));
        Assert.Equal(-1, await _frames.ScalarAsync(Lit(-7) % Lit(3)));
    }

    [Theory]
    [InlineData(2.5, 0, 3.0)]
    [InlineData(-2.5, 0, -3.0)]
    [InlineData(0.5, 0, 1.0)]
    [InlineData(1.125, 2, 1.13)]
    public async Task Round_is_half_up(double value, int scale, double expected) =>
        Assert.Equal(expected, await _frames.ScalarAsync(Round(Lit(value), scale)));

    [Fact]
    public async Task Cast_follows_spark_truncation_and_gives_null_for_bad_input()
    {
        Assert.Equal(2, await _frames.ScalarAsync(Lit(2.7).Cast("int")));
        Assert.Equal(-2, await _frames.ScalarAsync(Lit(-2.7).Cast("int")));
        Assert.Equal(2, await _frames.ScalarAsync(Lit("2.7").Cast("int")));
        Assert.Null(await _frames.ScalarAsync(Lit("abc").Cast("int")));
        Assert.Equal(7L, await _frames.ScalarAsync(Lit("7").Cast("bigint")));
        Assert.Equal(0.5f, await _frames.ScalarAsync(Lit(0.5).Cast("float")));
        Assert.Equal("3", await _frames.ScalarAsync(Lit(3).Cast("string")));
        Assert.Equal(true, await _frames.ScalarAsync(Lit("true").Cast("boolean")));
    }

    [Fact]
    public async Task String_and_null_functions_match_spark()
    {
        Assert.Null(await _frames.ScalarAsync(Concat(Lit("a"), Lit(null))));
        Assert.Equal("ab1", await _frames.ScalarAsync(Concat(Lit("a"), Lit("b"), Lit(1))));
        Assert.Equal(1, await _frames.ScalarAsync(Least(Lit(null), Lit(1), Lit(3))));
        Assert.Equal(3, await _frames.ScalarAsync(Greatest(Lit(null), Lit(1), Lit(3))));
        Assert.Equal(4, await _frames.ScalarAsync(Coalesce(Lit(null), Lit(4))));
        Assert.Equal(3, await _frames.ScalarAsync(Length(Lit("héé"))));
        Assert.Equal("AB", await _frames.ScalarAsync(Upper(Lit("aB"))));
        Assert.True(double.IsNaN((double)(await _frames.ScalarAsync(Sqrt(Lit(-1))))!));
        Assert.Equal("big", await _frames.ScalarAsync(When(Lit(5) > 3, "big").Otherwise("small")));
        Assert.Null(await _frames.ScalarAsync(When(Lit(1) > 3, "big")));
        Assert.Equal(true, await _frames.ScalarAsync(Lit(5).Between(5, 6)));
    }

    [Fact]
    public async Task DropNa_any_and_all_and_subset_count_nan_as_missing()
    {
        var df = _frames.Csv("a int, b double", "1,1.0", "2,", ",", "3,NaN");
        Assert.Equal(1, await df.DropNa().CountAsync());
        Assert.Equal(3, await df.DropNa("all").CountAsync());
        Assert.Equal(3, await df.DropNa("any", "a").CountAsync());
        await Assert.ThrowsAsync<DataFrameException>(() => df.DropNa("any", "nope").CountAsync());
    }

    [Fact]
    public async Task FillNa_fills_only_columns_of_a_matching_type()
    {
        var df = _frames.Csv("a int, b double, s string", "1,,", ",NaN,x");
        var rows = await df.FillNa(0).CollectAsync();
        Assert.Equal([1, 0.0, null], rows[0].Values);
        Assert.Equal([0, 0.0, "x"], rows[1].Values);
        var strings = await df.FillNa("-").CollectAsync();
        Assert.Equal("-", strings[0]["s"]);
        Assert.Null(strings[1]["a"]);
    }

    [Fact]
    public async Task Aggregate_types_and_grouping_follow_spark()
    {
        var df = _frames.Csv("k string, v int", "a,1", "a,2", "b,5", "b,");
        var rows = await df.GroupBy("k")
            .Agg(Sum(Col("v")).As("s"), Avg(Col("v")).As("m"), Count(Col("v")).As("n"), CountAll().As("all"),
                Min(Col("v")).As("lo"), Max(Col("v")).As("hi"))
            .OrderBy(Col("k"))
            .CollectAsync();
        Assert.Equal(DataType.LongType, rows[0].Schema.Find("s")!.Type);
        Assert.Equal(["a", 3L, 1.5, 2L, 2L, 1, 2], rows[0].Values);
        Assert.Equal(["b", 5L, 5.0, 1L, 2L, 5, 5], rows[1].Values);
    }

    [Fact]
    public async Task Sort_puts_nulls_first_ascending_and_last_descending()
    {
        var df = _frames.Csv("v int", "2", "", "1");
        Assert.Equal([null, 1, 2], (await df.OrderBy(Col("v")).CollectAsync()).Select(r => r[0]));
        Assert.Equal([2, 1, null], (await df.OrderBy(Col("v").Desc()).CollectAsync()).Select(r => r[0]));
    }

    [Fact]
    public async Task WithColumn_replaces_in_place_and_appends_new_columns()
    {
        var df = _frames.Csv("a int, b int", "1,2");
        var result = df.WithColumns([(Col("a") * 10).As("a"), (Col("a") + Col("b")).As("c")]);
        Assert.Equal(["a", "b", "c"], (await result.SchemaAsync()).Names);
        Assert.Equal([10, 2, 3], (await result.CollectAsync())[0].Values);
        Assert.Equal(["b", "c"], (await result.Drop("a", "missing").SchemaAsync()).Names);
    }

    [Fact]
    public async Task Union_limit_and_row_ids_follow_input_order()
    {
        var df = _frames.Csv("v int", "5", "6", "7");
        var both = df.Union(df).WithRowId("id");
        Assert.Equal(6, await both.CountAsync());
        var rows = await both.Limit(4).CollectAsync();
        Assert.Equal([5, 6, 7, 5], rows.Select(r => r["v"]));
        Assert.Equal([0L, 1L, 2L, 3L], rows.Select(r => r["id"]));
        Assert.Equal(6, await both.Repartition(4).CountAsync());
    }

    [Fact]
    public async Task Seed_tabular_case_drops_incomplete_rows_and_derives_feature1()
    {
        var df = _frames.Session.Read.Format("csv")
            .Schema(new StructType([
                new StructField("column1", DataType.DoubleType),
                new StructField("column2", DataType.DoubleType),
                new StructField("column3", DataType.StringType)]))
            .Option("header", "true")
            .Load(WriteTabular());
        var result = df.DropNa().WithColumn("feature1", Col("column1") * Col("column2"));
        var rows = await result.OrderBy(Col("column1")).CollectAsync();
        Assert.Equal(["column1", "column2", "column3", "feature1"], rows[0].Schema.Names);
        Assert.Equal([[1.0, 2.0, "a", 2.0], [4.0, 0.5, "d", 2.0]], rows.Select(r => r.Values.ToArray()));
    }

    private string WriteTabular()
    {
        var path = Path.Combine(_frames.Root, "tabular.csv");
        File.WriteAllLines(path, ["column1,column2,column3", "1,2,a", ",3,b", "3,,c", "4,0.5,d", "5,6,"]);
        return path;
    }
}
