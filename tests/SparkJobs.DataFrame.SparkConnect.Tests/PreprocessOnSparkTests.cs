using Apache.Arrow;
using Apache.Arrow.Types;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Preprocess;
using SparkJobs.Storage;
using SparkJobs.Storage.Tests;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

/// <summary>The preprocess job's whole flow on the Spark Connect engine, against the in-test server.</summary>
public sealed class PreprocessOnSparkTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Job_runs_its_counts_as_queries_and_its_writes_as_commands_then_commits()
    {
        // Arrange: a landing directory whose header and first row the job checks (the server holds the data it
        // answers with), and a server that answers the job's queries.
        var raw = Path.Combine(_dir.Path, "raw", "train");
        Directory.CreateDirectory(raw);
        await File.WriteAllLinesAsync(Path.Combine(raw, "part-00000.csv"),
        [
            string.Join(",", ["label", .. ImagePipeline.PixelNames]),
            string.Join(",", Enumerable.Repeat("0", 1 + ImagePipeline.PixelNames.Count)),
        ]);
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.Results = Answer;
        var output = Path.Combine(_dir.Path, "prepared");

        // Act
        var stats = await PreprocessJob.RunAsync(
            new PreprocessOptions(Path.Combine(_dir.Path, "raw"), output, 10, 42, server.ConnectionString()),
            FileSystems.Default, default);

        // Assert
        Assert.Equal("spark-connect", stats.Engine);
        Assert.Equal(new InputStats(7, 3, new Dropped(2, 1, 1)), stats.Inputs["train"]);
        Assert.Equal(2, stats.Splits["train"].Rows);
        Assert.Equal(1, stats.Splits["validation"].Rows);
        Assert.True(File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));
        Assert.True(File.Exists(Path.Combine(output, "stats.json")));
        Assert.Empty(server.State.Violations);
        var persist = Assert.Single(server.State.Seen<AnalyzePlanRequest>(), r => r.Persist is not null);
        Assert.Equal(Relation.RelTypeOneofCase.WithColumns, persist.Persist.Relation.RelTypeCase);
        var writes = server.State.Seen<ExecutePlanRequest>().Where(r => r.Plan.Command is not null)
            .Select(r => r.Plan.Command.WriteOperation).ToList();
        Assert.Equal(["train", "validation"], writes.Select(w => Path.GetFileName(w.Path)));
        Assert.All(writes, w => Assert.Contains("/_temporary/", w.Path, StringComparison.Ordinal));
        Assert.Equal(3, server.State.Seen<ExecutePlanRequest>().Count(r => r.Plan.Root is not null));
    }

    private static IReadOnlyList<RecordBatch> Answer(Plan plan)
    {
        var aggregate = plan.Root.Aggregate;
        var names = aggregate.AggregateExpressions.Select(e => e.Alias.Name[0]).ToList();
        if (aggregate.GroupingExpressions.Count == 0)
        {
            var values = new Dictionary<string, long> { ["count"] = 7, ["complete"] = 5, ["bad_label"] = 1,
                ["bad_pixel"] = 1 };
            var schema = new Schema.Builder();
            foreach (var name in names)
            {
                schema.Field(f => f.Name(name).DataType(Int64Type.Default).Nullable(true));
            }

            return [new RecordBatch(schema.Build(),
                [.. names.Select(n => (IArrowArray)new Int64Array.Builder().Append(values[n]).Build())], 1)];
        }

        // Per split and label: two rows of class 1 in train, one of class 2 in validation.
        var split = new StringArray.Builder().Append("train").Append("validation").Build();
        var label = new Int32Array.Builder().Append(1).Append(2).Build();
        var count = new Int64Array.Builder().Append(2).Append(1).Build();
        var grouped = new Schema.Builder()
            .Field(f => f.Name("split").DataType(StringType.Default))
            .Field(f => f.Name("label").DataType(Int32Type.Default))
            .Field(f => f.Name("count").DataType(Int64Type.Default)).Build();
        return [new RecordBatch(grouped, [split, label, count], 2)];
    }
}
