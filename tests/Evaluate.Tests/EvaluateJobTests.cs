using System.Globalization;
using System.Text.Json;
using SkiaSharp;
using SparkJobs.Testing;
using SparkJobs.Training;
using static TorchSharp.torch;

namespace SparkJobs.Jobs.Evaluate.Tests;

/// <summary>A prepared directory and a model trained on it in-process, shared by the tests of this class.</summary>
public sealed class TrainedModel : IAsyncLifetime
{
    internal TempDir Dir { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await TestData.WritePreparedAsync(Dir["prepared"], train: 256, validation: 64, test: 200);
        var data = TestData.Images(256);
        var shuffle = TorchRuntime.ManualSeed(5);
        using var model = new FashionCnn();
        using var trainer = new Trainer(model, CPU, 0.001);
        using var images = data.ImagesTensor();
        using var labels = data.LabelsTensor();
        var epochs = new List<EpochRecord>();
        for (var e = 1; e <= 2; e++)
        {
            var pass = trainer.TrainEpoch(images, labels, 64, shuffle);
            epochs.Add(new EpochRecord(
                e, pass.Loss, pass.Accuracy, pass.Loss, pass.Accuracy, pass.SamplesPerSecond, 1));
        }

        Directory.CreateDirectory(Dir["model"]);
        model.save(Dir["model/model.pt"]);
        var history = new TrainingHistory(
            nameof(FashionCnn), new Hyperparameters(2, 64, 0.001, 5, "Adam", "cross_entropy", 2, null), "cpu",
            TorchRuntime.Version, model.ParameterCount, FashionCnn.ForwardFlopsPerSample,
            FashionCnn.TrainingFlopsPerSample, 256, 0, 2, epochs);
        await File.WriteAllTextAsync(Dir["model/history.json"], history.ToJson());
        await File.WriteAllTextAsync(Dir["model/_SUCCESS"], "");
    }

    public ValueTask DisposeAsync()
    {
        Dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class EvaluateJobTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    [Fact]
    public async Task Evaluation_prints_only_accuracy_and_commits_metrics_and_plots()
    {
        var output = trained.Dir["evaluation-" + Guid.NewGuid().ToString("N")];

        var result = await JobProcess.RunAsync(
            "evaluate", "--model", trained.Dir["model"], "--input", trained.Dir["prepared"], "--output", output,
            "--threads", "2");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var match = Assert.Single(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^accuracy=(0(\.\d{1,4})?|1)$", match);
        Assert.EndsWith("\n", result.StandardOutput, StringComparison.Ordinal);
        var printed = double.Parse(match["accuracy=".Length..], CultureInfo.InvariantCulture);

        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "metrics.json")));
        var report = metrics.RootElement.GetProperty("report");
        Assert.Equal(printed, report.GetProperty("accuracy").GetDouble(), 1e-4);
        Assert.Equal(200, report.GetProperty("samples").GetInt64());
        var matrix = report.GetProperty("confusion_matrix").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(c => c.GetInt64()).ToArray()).ToArray();
        Assert.Equal(10, matrix.Length);
        Assert.Equal(200, matrix.Sum(row => row.Sum()));
        var classes = report.GetProperty("classes").EnumerateArray().ToArray();
        Assert.Equal("T-shirt/top", classes[0].GetProperty("name").GetString());
        Assert.Equal("Ankle boot", classes[9].GetProperty("name").GetString());
        Assert.True(report.TryGetProperty("macro_f1", out _));

        foreach (var png in new[] { "confusion-matrix.png", "loss.png", "accuracy.png" })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(output, png));
            Assert.NotNull(bitmap);
            Assert.True(bitmap.Width >= 600 && bitmap.Height >= 400, $"{png} is {bitmap.Width}x{bitmap.Height}");
        }

        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
    }

    [Fact]
    public async Task Test_subdirectory_is_accepted_as_input()
    {
        var output = trained.Dir["evaluation-" + Guid.NewGuid().ToString("N")];

        var result = await JobProcess.RunAsync(
            "evaluate", "--model", trained.Dir["model"], "--input", trained.Dir["prepared/test"], "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("accuracy=", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_directory_without_a_model_is_a_user_error_with_nothing_on_stdout()
    {
        var empty = trained.Dir["empty-model-" + Guid.NewGuid().ToString("N")];
        Directory.CreateDirectory(empty);
        await File.WriteAllTextAsync(Path.Combine(empty, "_SUCCESS"), "");

        var result = await JobProcess.RunAsync(
            "evaluate", "--model", empty, "--input", trained.Dir["prepared"], "--output", trained.Dir["never"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("lacks model.pt", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Train job", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_a_test_split_says_what_to_pass()
    {
        var prepared = trained.Dir["no-test-" + Guid.NewGuid().ToString("N")];
        Directory.CreateDirectory(prepared);
        await File.WriteAllTextAsync(Path.Combine(prepared, "_SUCCESS"), "");

        var result = await JobProcess.RunAsync(
            "evaluate", "--model", trained.Dir["model"], "--input", prepared, "--output", trained.Dir["never"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no test/ directory", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Option_value_that_is_not_a_number_is_one_line_without_type_names_or_help()
    {
        var result = await JobProcess.RunAsync(
            "evaluate", "--model", trained.Dir["model"], "--input", trained.Dir["prepared"], "--output",
            trained.Dir["never"], "--threads", "two");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "evaluate: error: --threads: 'two' is not a whole number. Run 'evaluate --help' for the options.",
            result.StandardError.Trim());
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Test_shard_that_is_not_parquet_is_a_user_error_naming_the_file()
    {
        var prepared = trained.Dir["csv-shard-" + Guid.NewGuid().ToString("N")];
        var shard = Path.Combine(prepared, "test", "part-00000.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(shard)!);
        await File.WriteAllTextAsync(shard, "label,pixel1\n1,0\n");
        await File.WriteAllTextAsync(Path.Combine(prepared, "_SUCCESS"), "");

        var result = await JobProcess.RunAsync(
            "evaluate", "--model", trained.Dir["model"], "--input", prepared, "--output", trained.Dir["never"]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"evaluate: error: 'file://{shard}' is not a Parquet file", line, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
        Assert.False(Directory.Exists(trained.Dir["never"]));
    }
}
