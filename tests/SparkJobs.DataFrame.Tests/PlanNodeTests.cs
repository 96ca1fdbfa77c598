using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

/// <summary>The nodes beyond the seed's: dedupe, join, sample and SQL, on the embedded engine.</summary>
public sealed class PlanNodeTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    [Fact]
    public async Task DropDuplicates_compares_whole_rows_or_the_subset_and_treats_nulls_as_equal()
    {
        var df = _frames.Csv("k string, v int", "a,1", "a,1", "a,2", ",3", ",3", ",4");
        Assert.Equal(4, await df.DropDuplicates().CountAsync());
        Assert.Equal(2, await df.DropDuplicates("k").CountAsync());
        Assert.Equal(["k", "v"], (await df.DropDuplicates("k").SchemaAsync()).Names);
        await Assert.ThrowsAsync<DataFrameException>(() => df.DropDuplicates("nope").CountAsync());
    }

    [Fact]
    public async Task Join_puts_keys_first_once_and_never_matches_null_keys()
    {
        var left = _frames.Csv("id int, a string", "1,x", "2,y", ",z");
        var right = _frames.Csv("b string, id int", "p,1", "q,3", "r,");
        var inner = await left.Join(right, ["id"]).CollectAsync();
        Assert.Equal(["id", "a", "b"], inner[0].Schema.Names);
        Assert.Equal([[1, "x", "p"]], inner.Select(r => r.Values.ToArray()));

        var full = await left.Join(right, ["id"], "full").OrderBy(Col("id"), Col("a")).CollectAsync();
        Assert.Equal([null, null, 1, 2, 3], full.Select(r => r["id"]));
        Assert.Equal(3, await left.Join(right, ["id"], "left").CountAsync());
        var rightRows = await left.Join(right, ["id"], "right").OrderBy(Col("b")).CollectAsync();
        Assert.Equal([1, 3, null], rightRows.Select(r => r["id"]));
        var semi = await left.Join(right, ["id"], "left_semi").CollectAsync();
        Assert.Equal(["id", "a"], semi[0].Schema.Names);
        Assert.Single(semi);
        Assert.Equal(2, await left.Join(right, ["id"], "left_anti").CountAsync());
        var e = Assert.Throws<DataFrameException>(() => left.Join(right, ["id"], "sideways"));
        Assert.Contains("left_semi", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_keeps_about_the_fraction_and_repeats_with_the_same_seed()
    {
        var lines = Enumerable.Range(0, 2000)
            .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var df = _frames.Csv("v int", [.. lines]);
        var first = await df.Sample(0.25, 11).CountAsync();
        Assert.InRange(first, 350, 650);
        Assert.Equal(first, await df.Sample(0.25, 11).CountAsync());
        Assert.Equal(2000, await df.Sample(1.0, 1).CountAsync());
        Assert.Equal(0, await df.Sample(0.0, 1).CountAsync());
        Assert.Throws<DataFrameException>(() => df.Sample(1.5, 1));
    }

    [Fact]
    public async Task Sql_runs_common_sql_and_composes_with_other_nodes()
    {
        var df = _frames.Session.Sql("SELECT 1 AS a UNION ALL SELECT 2 AS a");
        Assert.Equal(3L, (await df.Agg(Sum(Col("a")).As("s")).CollectAsync())[0]["s"]);
        Assert.Throws<ArgumentException>(() => _frames.Session.Sql(" "));
    }
}
