using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.EndToEnd.Tests;

/// <summary>
/// Runs the shipped fashion-mnist-daily coordinator on a fake clock over three days of landed Fashion-MNIST data,
/// each day starting the packaged workflow (the real ingest, preprocess, train, evaluate and publish jobs).
/// </summary>
[Collection(nameof(SerialPipelineRuns))]
public sealed class FashionMnistCoordinatorTests : IDisposable
{
    private const int TrainPerDay = 1000;
    private const int TestPerDay = 300;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "e2e-coord-" + Guid.NewGuid().ToString("N")[..8]);

    public FashionMnistCoordinatorTests()
    {
        Repository.RequirePackagedApp();
        Directory.CreateDirectory(_dir);
    }

    private string Data => Path.Combine(_dir, "data");

    private string Models => Path.Combine(_dir, "models", "fashion-mnist");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Coordinator_ThreeLandedDays_RunThePackagedWorkflowOncePerDayAndPublishThreeVersions()
    {
        // Arrange: the shipped coordinator and job.properties, pointed at this test's directories.
        var clock = new FakeTimeProvider(Time("2026-01-01T05:30Z"));
        var store = new CoordinatorStore(JobStore.Open(Path.Combine(_dir, "home"), clock), clock);
        var service = new CoordinatorService(store, clock, FileSystems.Default);
        var app = Path.Combine(Repository.Root, "coordinators", "fashion-mnist-daily");
        var properties = WorkflowLoader.LoadConfigFile(Path.Combine(app, "job.properties"));
        var prepared = await CoordinatorLoader.PrepareAsync(properties, new Dictionary<string, string>
        {
            [CoordinatorLoader.AppPathProperty] = "file://" + app,
            ["workflowAppPath"] = "file://" + Repository.PackagedApp,
            ["dataRoot"] = "file://" + Data,
            ["modelRegistry"] = "file://" + Models,
            ["start"] = "2026-01-01T06:00Z",
            ["end"] = "2026-01-04T06:00Z",
            ["sampleLimit"] = "800",
            ["epochs"] = "1",
            ["minAccuracy"] = "0.3",
        }, "tester", "job.properties", FileSystems.Default, clock, TestContext.Current.CancellationToken);
        var id = service.Submit(prepared);

        // Act: nothing runs before the day's data has landed; then one run per day.
        await PassAsync(service);
        Assert.Equal([CoordActionStatus.WAITING], store.Actions(id).Select(a => a.Status));
        for (var day = 1; day <= 3; day++)
        {
            LandDay(day);
            clock.SetUtcNow(Time($"2026-01-{day:00}T06:00Z"));
            await PassAsync(service);
        }

        // Assert: three actions, each a successful run of the packaged workflow with every step.
        var actions = store.Actions(id);
        Assert.Equal([1, 2, 3], actions.Select(a => a.Number));
        Assert.All(actions, a => Assert.True(a.Status == CoordActionStatus.SUCCEEDED,
            $"{a.Id} is {a.Status}:\n{string.Join('\n', a.WorkflowId is { } w ? store.Jobs.GetLog(w) : [])}"));
        Assert.Equal("SUCCEEDED", store.GetJob(id)!.Status);
        var workflows = actions.Select(a => a.WorkflowId!).ToList();
        Assert.Equal(3, workflows.Distinct().Count());
        foreach (var wf in workflows)
        {
            var job = store.Jobs.GetJob(wf)!;
            Assert.Equal((JobStatus.SUCCEEDED, "fashion-mnist"), (job.Status, job.AppName));
            Assert.StartsWith("file://" + Repository.PackagedApp, job.AppPath, StringComparison.Ordinal);
            var ok = store.Jobs.GetActions(wf).Where(a => a.Status == ActionStatus.OK).Select(a => a.Name);
            Assert.Subset(ok.ToHashSet(),
                new HashSet<string> { "ingest", "preprocess", "train", "evaluate", "publish", "mark-daily-output" });
        }

        // Each day's outputs live under that day's daily directory, which is marked complete last.
        var lineages = new List<JsonNode>();
        for (var day = 1; day <= 3; day++)
        {
            var daily = Path.Combine(Data, "daily", "fashion-mnist", "2026", "01", $"{day:00}");
            Assert.True(File.Exists(Path.Combine(daily, "_SUCCESS")), $"{daily}/_SUCCESS is missing");
            var csv = Path.Combine(daily, "raw", "train", "part-00000.csv");
            Assert.StartsWith("label,pixel1,", File.ReadLines(csv).First(), StringComparison.Ordinal);
            Assert.Equal(801, File.ReadLines(csv).Count());
            var preparedDir = Path.Combine(daily, "prepared");
            Assert.True(File.Exists(Path.Combine(preparedDir, "_SUCCESS")));
            foreach (var split in new[] { "train", "validation", "test" })
            {
                Assert.NotEmpty(Directory.GetFiles(Path.Combine(preparedDir, split), "*.parquet"));
            }

            var run = Path.Combine(daily, "runs", workflows[day - 1]);
            Assert.True(new FileInfo(Path.Combine(run, "model", "model.pt")).Length > 100_000);
            Assert.True(File.Exists(Path.Combine(run, "evaluation", "metrics.json")));

            // The registry gained one version per day, each naming its workflow and its day's data.
            var lineage = JsonNode.Parse(File.ReadAllText(Path.Combine(Models, $"v{day}", "lineage.json")))!;
            Assert.Equal(workflows[day - 1], (string?)lineage["workflowId"]);
            Assert.Equal($"file://{Data}/landing/fashion-mnist/2026/01/{day:00}",
                (string?)lineage["properties"]!["rawSource"]);
            Assert.Equal("1", (string?)lineage["properties"]!["epochs"]);
            TestContext.Current.TestOutputHelper?.WriteLine($"day {day}: accuracy {lineage["accuracy"]}");
            lineages.Add(lineage);
        }

        Assert.Equal("v3", File.ReadAllText(Path.Combine(Models, "current")).Trim());
        Assert.Equal(3, lineages.Select(l => (string?)l["inputData"]!["sha256"]).Distinct().Count());
    }

    private static DateTimeOffset Time(string oozie) =>
        OozieTime.TryParse(oozie, out var t) ? t : throw new ArgumentException(oozie, nameof(oozie));

    private static async Task PassAsync(CoordinatorService service)
    {
        await service.TickAsync(TestContext.Current.CancellationToken);
        await service.WhenWorkflowsDoneAsync();
        await service.TickAsync(TestContext.Current.CancellationToken);
    }

    // Lands day n's drop: a different slice of the real data set each day, as the four IDX files and _SUCCESS.
    private void LandDay(int day)
    {
        var landing = Path.Combine(Data, "landing", "fashion-mnist", "2026", "01", $"{day:00}");
        Directory.CreateDirectory(landing);
        foreach (var (file, header, size, count) in new[]
        {
            ("train-images-idx3-ubyte.gz", 16, 28 * 28, TrainPerDay), ("train-labels-idx1-ubyte.gz", 8, 1, TrainPerDay),
            ("t10k-images-idx3-ubyte.gz", 16, 28 * 28, TestPerDay), ("t10k-labels-idx1-ubyte.gz", 8, 1, TestPerDay),
        })
        {
            byte[] all;
            using (var input = new GZipStream(File.OpenRead(Path.Combine(Repository.DatasetDirectory, file)),
                CompressionMode.Decompress))
            using (var buffer = new MemoryStream())
            {
                input.CopyTo(buffer);
                all = buffer.ToArray();
            }

            var slice = new byte[header + (count * size)];
            all.AsSpan(0, header).CopyTo(slice);
            BinaryPrimitives.WriteInt32BigEndian(slice.AsSpan(4), count);
            all.AsSpan(header + ((day - 1) * count * size), count * size).CopyTo(slice.AsSpan(header));
            using var output = new GZipStream(File.Create(Path.Combine(landing, file)), CompressionLevel.Fastest);
            output.Write(slice);
        }

        File.WriteAllText(Path.Combine(landing, "_SUCCESS"), string.Empty);
    }
}
