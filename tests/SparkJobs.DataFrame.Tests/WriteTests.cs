using SparkJobs.Storage;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

public sealed class WriteTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    [Fact]
    public async Task Parquet_write_commits_with_success_marker_and_reads_back()
    {
        var output = Path.Combine(_frames.Root, "out");
        var df = _frames.Csv("a int, b double", "1,0.5", "2,1.5");
        await df.Write.Format("parquet").Option("compression", "snappy").SaveAsync(output);

        Assert.True(File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));
        Assert.False(Directory.Exists(Path.Combine(output, OutputCommit.TemporaryDirectory)));
        Assert.True(File.Exists(Path.Combine(output, "part-00000.parquet")));
        var back = _frames.Session.Read.Parquet(output);
        Assert.Equal(["a", "b"], (await back.SchemaAsync()).Names);
        Assert.Equal(2, await back.CountAsync());
    }

    [Fact]
    public async Task Modes_errorifexists_overwrite_append_and_ignore_behave_as_in_spark()
    {
        var output = Path.Combine(_frames.Root, "modes");
        var df = _frames.Csv("a int", "1", "2");
        await df.Write.Format("parquet").SaveAsync(output);

        var e = await Assert.ThrowsAsync<DataFrameException>(() => df.Write.Format("parquet").SaveAsync(output));
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        await df.Write.Format("parquet").Mode("append").SaveAsync(output);
        Assert.Equal(4, await _frames.Session.Read.Parquet(output).CountAsync());
        await df.Limit(1).Write.Format("parquet").Mode("overwrite").SaveAsync(output);
        Assert.Equal(1, await _frames.Session.Read.Parquet(output).CountAsync());
        await df.Write.Format("parquet").Mode("ignore").SaveAsync(output);
        Assert.Equal(1, await _frames.Session.Read.Parquet(output).CountAsync());
    }

    [Fact]
    public async Task Csv_and_json_writes_and_partition_by_produce_readable_files()
    {
        var df = _frames.Csv("k string, v int", "a,1", "b,2", "a,3");
        var csv = Path.Combine(_frames.Root, "csv");
        await df.Write.Format("csv").Option("header", "true").SaveAsync(csv);
        Assert.Equal(["k,v", "a,1", "b,2", "a,3"], File.ReadAllLines(Path.Combine(csv, "part-00000.csv")));

        var json = Path.Combine(_frames.Root, "json");
        await df.Write.Format("json").SaveAsync(json);
        var back = _frames.Session.Read.Format("json").Schema(new StructType([new StructField("v",
            DataType.IntegerType)]));
        Assert.Equal(6L, (await back.Load(json).Agg(Sum(Col("v")).As("s")).CollectAsync())[0]["s"]);

        var parts = Path.Combine(_frames.Root, "parts");
        await df.Write.Format("parquet").PartitionBy("k").SaveAsync(parts);
        Assert.True(Directory.Exists(Path.Combine(parts, "k=a")));
        Assert.Equal(2, await _frames.Session.Read.Parquet(Path.Combine(parts, "k=a")).CountAsync());
    }

    [Fact]
    public async Task Failed_write_leaves_no_output_and_a_bad_option_is_named()
    {
        var output = Path.Combine(_frames.Root, "bad");
        var df = _frames.Csv("a int", "1");
        var e = await Assert.ThrowsAsync<DataFrameException>(
            () => df.Write.Format("parquet").Option("compression", "brotli9").SaveAsync(output));
        Assert.Contains("brotli9", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));
        Assert.False(Directory.Exists(Path.Combine(output, OutputCommit.TemporaryDirectory)));
    }

    [Fact]
    public async Task Missing_input_is_a_user_error_naming_the_path()
    {
        var df = _frames.Session.Read.Parquet(Path.Combine(_frames.Root, "nothing-here"));
        var e = await Assert.ThrowsAsync<DataFrameException>(() => df.CountAsync());
        Assert.Contains("nothing-here", e.Message, StringComparison.Ordinal);
    }
}
