using System.Text.Json;
using SparkJobs.Testing;
using SparkJobs.Training;

namespace SparkJobs.Jobs.Train.Tests;

public sealed class TrainJobTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Training_commits_model_and_history_and_prints_only_key_value_lines()
    {
        await TestData.WritePreparedAsync(_dir["prepared"], train: 256, validation: 64, test: 16);

        var result = await JobProcess.RunAsync(
            "train", "--input", _dir["prepared"], "--output", _dir["model"], "--epochs", "1", "--threads", "2");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("validation_accuracy=", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^[a-z_]+=[0-9.]+$", l));
        Assert.Contains("epoch 1/1", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(
            ["_SUCCESS", "history.json", "model.pt"],
            Directory.GetFileSystemEntries(_dir["model"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var history = TrainingHistory.FromJson(await File.ReadAllTextAsync(_dir["model/history.json"]));
        Assert.Equal(34_826, history.Parameters);
        Assert.Equal(256, history.TrainSamples);
        Assert.Equal(64, history.ValidationSamples);
        Assert.Equal("cpu", history.Device);
        Assert.Equal(0.001, history.Hyperparameters.LearningRate);
        var epoch = Assert.Single(history.Epochs);
        Assert.InRange(epoch.ValidationAccuracy, 0, 1);
        Assert.Contains(lines, l => l == $"validation_accuracy={epoch.ValidationAccuracy:0.####}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(_dir["model/history.json"]));
        Assert.True(json.RootElement.TryGetProperty("training_flops_per_sample", out _));
    }

    [Fact]
    public async Task Missing_input_directory_is_a_user_error_naming_the_path()
    {
        var result = await JobProcess.RunAsync("train", "--input", _dir["nowhere"], "--output", _dir["model"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nowhere", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
        Assert.False(Directory.Exists(_dir["model"]));
    }

    [Fact]
    public async Task Input_without_success_marker_is_refused_as_incomplete()
    {
        await TestData.WritePreparedAsync(_dir["prepared"], train: 8, validation: 8, test: 8);
        File.Delete(_dir["prepared/_SUCCESS"]);

        var result = await JobProcess.RunAsync("train", "--input", _dir["prepared"], "--output", _dir["model"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("_SUCCESS", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_hyperparameter_names_the_option_and_what_is_allowed()
    {
        var result = await JobProcess.RunAsync(
            "train", "--input", _dir["prepared"], "--output", _dir["model"], "--epochs", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--epochs 0", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("1 or more", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_device_is_rejected_by_the_command_line()
    {
        var result = await JobProcess.RunAsync(
            "train", "--input", _dir["prepared"], "--output", _dir["model"], "--device", "tpu");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tpu", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Option_value_that_is_not_a_number_is_one_line_without_type_names_or_help()
    {
        var result = await JobProcess.RunAsync(
            "train", "--input", _dir["prepared"], "--output", _dir["model"], "--limit", "abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "train: error: --limit: 'abc' is not a whole number. Run 'train --help' for the options.",
            result.StandardError.Trim());
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task Truncated_shard_is_a_user_error_naming_the_file()
    {
        await TestData.WritePreparedAsync(_dir["prepared"], train: 8, validation: 8, test: 8);
        var shard = _dir["prepared/train/part-00000.parquet"];
        var bytes = await File.ReadAllBytesAsync(shard);
        await File.WriteAllBytesAsync(shard, bytes[..(bytes.Length / 2)]);

        var result = await JobProcess.RunAsync("train", "--input", _dir["prepared"], "--output", _dir["model"]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"train: error: 'file://{shard}' is not a Parquet file", line, StringComparison.Ordinal);
        Assert.Contains("rerun the Preprocess job", line, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
        Assert.False(Directory.Exists(_dir["model"]));
    }
}
