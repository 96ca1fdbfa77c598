using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkJobs.EndToEnd.Tests;

/// <summary>
/// Runs the real fashion-mnist workflow application, as packaged by the build, with oozie-lite on a
/// slice of the real data set, and checks every output a user would look at.
/// </summary>
[Collection(nameof(SerialPipelineRuns))]
public sealed partial class FashionMnistPipelineTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public FashionMnistPipelineTests()
    {
        Repository.RequirePackagedApp();
        Directory.CreateDirectory(_dir);
    }

    private string Home => Path.Combine(_dir, "home");

    private string Data => Path.Combine(_dir, "data");

    private string Models => Path.Combine(_dir, "models", "fashion-mnist");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_OnASliceOfRealData_TrainsEvaluatesAndPublishes()
    {
        var run = await RunPipelineAsync("sampleLimit=2000", "epochs=1", "minAccuracy=0.5");

        Assert.True(run.ExitCode == 0, $"oozie-lite exited {run.ExitCode}:\n{run.StandardOutput}\n{run.StandardError}");
        var id = JobId(run.StandardOutput);
        var info = await Repository.OozieLiteAsync(Home, "job", "-info", id);
        Assert.Equal(0, info.ExitCode);
        Assert.Matches(@"Status\s*:\s*SUCCEEDED", info.StandardOutput);
        foreach (var action in new[] { "ingest", "preprocess", "train", "evaluate", "publish" })
        {
            Assert.Matches($@"{Regex.Escape(id)}@{action}\s+OK", info.StandardOutput);
        }

        // Landing zone and prepared data, each committed with _SUCCESS.
        var raw = Path.Combine(Data, "raw", "fashion-mnist");
        Assert.True(File.Exists(Path.Combine(raw, "_SUCCESS")));
        var header = File.ReadLines(Path.Combine(raw, "train", "part-00000.csv")).First();
        Assert.StartsWith("label,pixel1,pixel2,", header, StringComparison.Ordinal);
        Assert.EndsWith(",pixel784", header, StringComparison.Ordinal);
        Assert.Equal(2001, File.ReadLines(Path.Combine(raw, "train", "part-00000.csv")).Count());
        var prepared = Path.Combine(Data, "prepared", "fashion-mnist");
        Assert.True(File.Exists(Path.Combine(prepared, "_SUCCESS")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(prepared, "train"), "*.parquet"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(prepared, "validation"), "*.parquet"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(prepared, "test"), "*.parquet"));
        Assert.True(File.Exists(Path.Combine(prepared, "stats.json")));

        // The run's model and evaluation.
        var runDir = Path.Combine(Data, "runs", id);
        Assert.True(new FileInfo(Path.Combine(runDir, "model", "model.pt")).Length > 100_000);
        var history = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "model", "history.json")))!;
        Assert.Contains("epochs", history.ToJsonString(), StringComparison.Ordinal);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "evaluation", "metrics.json")))!;
        var accuracy = (double)metrics["accuracy"]!;
        Assert.InRange(accuracy, 0.5, 1.0);
        foreach (var png in Directory.GetFiles(Path.Combine(runDir, "evaluation"), "*.png"))
        {
            Assert.Equal([0x89, 0x50, 0x4E, 0x47], File.ReadAllBytes(png)[..4]);
        }

        Assert.True(File.Exists(Path.Combine(runDir, "evaluation", "confusion-matrix.png")));

        // The registry: one version, current points at it, lineage names this job.
        Assert.Equal("v1", File.ReadAllText(Path.Combine(Models, "current")).Trim());
        var lineage = JsonNode.Parse(File.ReadAllText(Path.Combine(Models, "v1", "lineage.json")))!;
        Assert.Equal(id, (string?)lineage["workflowId"]);
        Assert.Equal("1", (string?)lineage["properties"]!["epochs"]);
        Assert.Matches("^[0-9a-f]{64}$", (string?)lineage["inputData"]!["sha256"]);
        Assert.Equal(accuracy, (double)lineage["accuracy"]!);
        Assert.True(File.Exists(Path.Combine(Models, "v1", "model.pt")));

        // The log, read back by another process.
        var log = await Repository.OozieLiteAsync(Home, "job", "-log", id);
        Assert.Equal(0, log.ExitCode);
        Assert.Contains("accuracy=", log.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AccuracyBelowTheGate_IsKilledAndPublishesNothing()
    {
        var run = await RunPipelineAsync("sampleLimit=300", "epochs=1", "minAccuracy=0.999");

        Assert.NotEqual(0, run.ExitCode);
        var id = JobId(run.StandardOutput);
        var info = await Repository.OozieLiteAsync(Home, "job", "-info", id);
        Assert.Matches(@"Status\s*:\s*KILLED", info.StandardOutput);
        Assert.Matches($@"{Regex.Escape(id)}@accuracy-too-low\s+OK", info.StandardOutput);
        Assert.False(Directory.Exists(Models) && Directory.EnumerateFileSystemEntries(Models).Any());
        Assert.Contains("is below minAccuracy=0.999", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingDataSet_IsKilledWithAMessageThatNamesThePath()
    {
        var missing = Path.Combine(_dir, "no-such-dataset");

        var run = await RunPipelineAsync($"rawSource={missing}");

        Assert.NotEqual(0, run.ExitCode);
        var id = JobId(run.StandardOutput);
        var info = await Repository.OozieLiteAsync(Home, "job", "-info", id);
        Assert.Matches(@"Status\s*:\s*KILLED", info.StandardOutput);
        Assert.Matches($@"{Regex.Escape(id)}@ingest\s+ERROR", info.StandardOutput);
        var said = run.StandardError + run.StandardOutput;
        Assert.Contains("failed at action [ingest]", said, StringComparison.Ordinal);
        Assert.Contains(missing, said, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CorruptIdxFile_IsKilledWithAMessageThatNamesTheFile()
    {
        var corrupt = Path.Combine(_dir, "corrupt-dataset");
        Directory.CreateDirectory(corrupt);
        foreach (var file in Directory.GetFiles(Repository.DatasetDirectory, "*.gz"))
        {
            File.Copy(file, Path.Combine(corrupt, Path.GetFileName(file)));
        }

        var images = Path.Combine(corrupt, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);

        var run = await RunPipelineAsync($"rawSource={corrupt}", "sampleLimit=0");

        Assert.NotEqual(0, run.ExitCode);
        var said = run.StandardError + run.StandardOutput;
        Assert.Contains("train-images-idx3-ubyte.gz", said, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "raw", "fashion-mnist", "_SUCCESS")));
    }

    [Fact]
    public async Task Run_MalformedWorkflowXml_StopsBeforeStartingWithFileAndLine()
    {
        var app = Path.Combine(_dir, "app");
        CopyDirectory(Repository.PackagedApp, app);
        var workflow = Path.Combine(app, "workflow.xml");
        var broken = File.ReadAllText(workflow)
            .Replace("<ok to=\"preprocess\"/>", "<ok to=\"preprocess\">", StringComparison.Ordinal);
        File.WriteAllText(workflow, broken);

        var run = await RunPipelineAsync($"oozie.wf.application.path=file://{app}");

        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("job: ", run.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"workflow\.xml:\d+", run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Run_UnknownTransition_StopsBeforeStartingAndNamesTheNode()
    {
        var app = Path.Combine(_dir, "app");
        CopyDirectory(Repository.PackagedApp, app);
        var workflow = Path.Combine(app, "workflow.xml");
        File.WriteAllText(workflow, File.ReadAllText(workflow).Replace("<ok to=\"train\"/>", "<ok to=\"trian\"/>",
            StringComparison.Ordinal));

        var run = await RunPipelineAsync($"oozie.wf.application.path=file://{app}");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("E0708", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("trian", run.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"workflow\.xml:\d+", run.StandardError);
        Assert.False(Directory.Exists(Data));
    }

    private static string JobId(string stdout)
    {
        var match = JobLine().Match(stdout);
        Assert.True(match.Success, $"no 'job: <id>' line in:\n{stdout}");
        return match.Groups[1].Value;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    private Task<CliWrap.Buffered.BufferedCommandResult> RunPipelineAsync(params string[] defines)
    {
        var arguments = new List<string>
        {
            "job", "-run", "-config", Repository.JobProperties,
            "-D", $"dataRoot=file://{Data}",
            "-D", $"modelRegistry=file://{Models}",
            "-D", "sampleLimit=1000",
            "-D", "epochs=1",
        };
        foreach (var define in defines)
        {
            arguments.Add("-D");
            arguments.Add(define);
        }

        return Repository.OozieLiteAsync(Home, [.. arguments]);
    }

    [GeneratedRegex(@"^job: (\d{7}-\d{15}-oozie-\S+-W)\s*$", RegexOptions.Multiline)]
    private static partial Regex JobLine();
}

/// <summary>The pipeline tests share the CPU-heavy jobs, so they run one at a time.</summary>
[CollectionDefinition(nameof(SerialPipelineRuns), DisableParallelization = true)]
public sealed class SerialPipelineRuns;
