using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Time.Testing;
using SparkJobs.Hosting;
using SparkJobs.Storage;

namespace SparkJobs.Publish.Tests;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "publish-test-" + Guid.NewGuid().ToString("N"));
    private readonly IFileSystem _fs = LocalFileSystem.Instance;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));

    public ModelRegistryTests() => Directory.CreateDirectory(_dir);

    private StoragePath Root => StoragePath.FromLocal(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task PublishAsync_Twice_CreatesTwoVersionsAndMovesCurrent()
    {
        var request = await MakeRequestAsync(accuracy: 0.91);
        var registry = new ModelRegistry(_fs, Root.Combine("models/fashion"), _time);

        var first = await registry.PublishAsync(request, CancellationToken.None);
        var second = await registry.PublishAsync(request with { WorkflowId = "wf-2" }, CancellationToken.None);

        Assert.Equal("v1", first.Version);
        Assert.Equal("v2", second.Version);
        Assert.Equal(["v1", "v2"], await registry.ListVersionsAsync(CancellationToken.None));
        Assert.Equal("v2", await registry.GetCurrentAsync(CancellationToken.None));
        var names = (await _fs.ListAsync(second.Path)).Select(e => e.Path.Name).ToArray();
        Assert.Equal(["_SUCCESS", "history.json", "lineage.json", "metrics.json", "model.pt", "plot.png"], names);
        Assert.False(Directory.Exists(Path.Combine(_dir, "models/fashion/_temporary")));
    }

    [Fact]
    public async Task PublishAsync_WritesLineageWithChecksumPropertiesAndCodeVersion()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var registry = new ModelRegistry(_fs, Root.Combine("registry"), _time);

        var published = await registry.PublishAsync(request, CancellationToken.None);

        var lineage = JsonNode.Parse(await _fs.ReadAllTextAsync(published.Path.Combine("lineage.json")))!;
        Assert.Equal("wf-1", (string?)lineage["workflowId"]);
        Assert.Equal("2026-12-04T10:00:00Z", (string?)lineage["publishedAt"]);
        Assert.Equal("10", (string?)lineage["properties"]!["epochs"]);
        Assert.Equal(0.9, (double)lineage["accuracy"]!);
        Assert.Equal(3, (int)lineage["training"]!["epochs"]!);
        Assert.StartsWith("0.1.0", (string?)lineage["codeVersion"], StringComparison.Ordinal);
        var data = lineage["inputData"]!;
        Assert.Equal(2, (int)data["files"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string?)data["sha256"]);

        // The same bytes elsewhere give the same checksum; one changed byte gives another.
        var copy = await MakeRequestAsync(accuracy: 0.9, dataName: "data-copy");
        var again = await registry.PublishAsync(copy, CancellationToken.None);
        var lineage2 = JsonNode.Parse(await _fs.ReadAllTextAsync(again.Path.Combine("lineage.json")))!;
        Assert.Equal((string?)data["sha256"], (string?)lineage2["inputData"]!["sha256"]);
        await File.WriteAllTextAsync(Path.Combine(_dir, "data-copy/train/part-0.csv"), "label\n2\n");
        var third = await registry.PublishAsync(copy, CancellationToken.None);
        var lineage3 = JsonNode.Parse(await _fs.ReadAllTextAsync(third.Path.Combine("lineage.json")))!;
        Assert.NotEqual((string?)data["sha256"], (string?)lineage3["inputData"]!["sha256"]);
    }

    [Fact]
    public async Task PublishAsync_BelowMinimumAccuracy_PublishesNothing()
    {
        var request = await MakeRequestAsync(accuracy: 0.5) with { MinAccuracy = 0.8 };
        var registry = new ModelRegistry(_fs, Root.Combine("registry"), _time);

        var error = await Assert.ThrowsAsync<JobException>(
            () => registry.PublishAsync(request, CancellationToken.None));

        Assert.Contains("below the minimum 0.8", error.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.ListVersionsAsync(CancellationToken.None));
        Assert.Null(await registry.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_ModelWithoutSuccessMarker_SaysToRerunTheStep()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        File.Delete(Path.Combine(request.Model.LocalPath, "_SUCCESS"));
        var registry = new ModelRegistry(_fs, Root.Combine("registry"), _time);

        var error = await Assert.ThrowsAsync<JobException>(
            () => registry.PublishAsync(request, CancellationToken.None));

        Assert.Contains("has no _SUCCESS marker", error.Message, StringComparison.Ordinal);
        Assert.Contains(request.Model.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_EvaluationOfTheSameModelInAnotherSpelling_IsPublished()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var spelled = "file://" + request.Model.LocalPath + "/";
        await _fs.WriteAllTextAsync(
            request.Evaluation.Combine("metrics.json"), $$"""{"accuracy": 0.9, "model": "{{spelled}}"}""");
        var registry = new ModelRegistry(_fs, Root.Combine("registry"), _time);

        var published = await registry.PublishAsync(request, CancellationToken.None);

        Assert.Equal("v1", published.Version);
    }

    [Fact]
    public async Task Cli_EvaluationOfAnotherModel_ExitsWithUserErrorNamingBoth()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var other = Root.Combine("other-model");
        await _fs.WriteAllTextAsync(
            request.Evaluation.Combine("metrics.json"), $$"""{"accuracy": 0.9, "model": "{{other}}"}""");
        var dll = Path.Combine(AppContext.BaseDirectory, "publish.dll");

        var result = await Cli.Wrap("dotnet")
            .WithArguments([dll, "--model", request.Model.LocalPath, "--evaluation", request.Evaluation.LocalPath,
                "--output", Path.Combine(_dir, "registry")])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"scored the model '{other}', not --model '{request.Model}'", line, StringComparison.Ordinal);
        Assert.Contains($"--evaluation '{request.Evaluation}'", line, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(_dir, "registry", "v1")));
    }

    [Fact]
    public async Task Cli_BadProperty_ExitsWithUserErrorAndOneLine()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var dll = Path.Combine(AppContext.BaseDirectory, "publish.dll");

        var result = await Cli.Wrap("dotnet")
            .WithArguments([dll, "--model", request.Model.LocalPath, "--evaluation", request.Evaluation.LocalPath,
                "--output", Path.Combine(_dir, "registry"), "--property", "novalue"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        Assert.Equal("publish: error: --property 'novalue' is not KEY=VALUE; write for example --property epochs=10.",
            result.StandardError.Trim());
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Cli_NumberOptionWithText_ExitsWithUserErrorAndOneLineWithoutHelp()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var dll = Path.Combine(AppContext.BaseDirectory, "publish.dll");

        var result = await Cli.Wrap("dotnet")
            .WithArguments([dll, "--model", request.Model.LocalPath, "--evaluation", request.Evaluation.LocalPath,
                "--output", Path.Combine(_dir, "registry"), "--min-accuracy", "high"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        Assert.Equal(
            "publish: error: --min-accuracy: 'high' is not a number. Run 'publish --help' for the options.",
            result.StandardError.Trim());
        Assert.Empty(result.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(_dir, "registry")));
    }

    [Fact]
    public async Task Cli_GoodRun_PrintsVersionAndPathAsProperties()
    {
        var request = await MakeRequestAsync(accuracy: 0.9);
        var dll = Path.Combine(AppContext.BaseDirectory, "publish.dll");

        var result = await Cli.Wrap("dotnet")
            .WithArguments([dll, "--model", request.Model.LocalPath, "--evaluation", request.Evaluation.LocalPath,
                "--output", Path.Combine(_dir, "registry"), "--workflow-id", "0000001-x-W", "-p", "epochs=1"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["version=v1", $"path=file://{_dir}/registry/v1"],
            result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<PublishRequest> MakeRequestAsync(double accuracy, string dataName = "data")
    {
        var model = Root.Combine("model");
        var evaluation = Root.Combine("evaluation");
        var data = Root.Combine(dataName);
        await _fs.WriteAllTextAsync(model.Combine("model.pt"), "weights");
        await _fs.WriteAllTextAsync(model.Combine("history.json"), """{"epochs": 3}""");
        await _fs.TouchAsync(model.Combine("_SUCCESS"));
        await _fs.WriteAllTextAsync(evaluation.Combine("metrics.json"), $$"""{"accuracy": {{accuracy}}}""");
        await _fs.WriteAllTextAsync(evaluation.Combine("plot.png"), "png");
        await _fs.TouchAsync(evaluation.Combine("_SUCCESS"));
        await _fs.WriteAllTextAsync(data.Combine("train/part-0.csv"), "label\n1\n");
        await _fs.WriteAllTextAsync(data.Combine("test/part-0.csv"), "label\n3\n");
        await _fs.TouchAsync(data.Combine("_SUCCESS"));
        var properties = new Dictionary<string, string> { ["epochs"] = "10" };
        return new PublishRequest(model, evaluation, data, "wf-1", properties, null);
    }
}
