using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Training;
using TorchSharp;

namespace SparkJobs.Jobs.Evaluate;

/// <summary>The Evaluate job's arguments.</summary>
/// <param name="Model">The Train job's model directory.</param>
/// <param name="Input">The Preprocess output directory, or its test/ subdirectory.</param>
/// <param name="Output">The evaluation directory to write.</param>
/// <param name="Device">auto, cpu or cuda.</param>
/// <param name="Threads">Intra-op threads, or libtorch's default.</param>
internal sealed record EvaluateOptions(string Model, string Input, string Output, string Device, int? Threads);

/// <summary>
/// Scores a trained model on the test split and commits <c>metrics.json</c>, <c>confusion-matrix.png</c>,
/// <c>loss.png</c> and <c>accuracy.png</c>; prints <c>accuracy=...</c> as the only line on standard output.
/// </summary>
internal sealed class EvaluateJob(EvaluateOptions options, TextWriter log, TextWriter stdout)
{
    /// <summary>The file name of the weights inside a model directory.</summary>
    public const string ModelFile = "model.pt";

    /// <summary>The file name of the metrics inside the evaluation directory.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>Runs the job.</summary>
    /// <param name="cancellationToken">Cancels the job; nothing is committed then.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var modelPath = StoragePath.Parse(options.Model);
        var inputPath = StoragePath.Parse(options.Input);
        var outputPath = StoragePath.Parse(options.Output);
        // hdfs:// and webhdfs:// resolve through $HADOOP_CONF_DIR, so the job reads and writes a cluster's paths.
        var fileSystems = FileSystems.CreateDefault();
        var modelFs = fileSystems.For(modelPath);
        var inputFs = fileSystems.For(inputPath);
        var outputFs = fileSystems.For(outputPath);

        TorchRuntime.SetThreads(options.Threads);
        var device = TorchRuntime.SelectDevice(options.Device);
        var history = await ReadHistoryAsync(modelFs, modelPath, cancellationToken);
        var testPath = await PreparedData.ResolveSplitAsync(
            inputFs, inputPath, PreparedData.Test, "--input", cancellationToken);
        var test = await ParquetImageLoader.LoadAsync(inputFs, testPath, cancellationToken: cancellationToken);

        using var model = new FashionCnn();
        await LoadWeightsAsync(modelFs, modelPath.Combine(ModelFile), model, cancellationToken);
        model.to(device);
        long[] predictions;
        using (var images = test.ImagesTensor(device))
        {
            predictions = Trainer.Predict(model, images);
        }

        var report = ClassificationReport.FromPredictions(test.Labels, predictions, FashionMnist.ClassNames);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var metrics = new EvaluationMetrics(
            report.Accuracy,
            modelPath.ToString(), testPath.ToString(), device.type.ToString().ToLowerInvariant(), seconds, report);

        await using var commit = await OutputCommit.BeginAsync(outputFs, outputPath, cancellationToken);
        await outputFs.WriteAllTextAsync(
            commit.WorkPath.Combine(MetricsFile),
            JsonSerializer.Serialize(metrics, TrainingHistory.JsonOptions),
            cancellationToken);
        var work = commit.WorkPath;
        var matrix = Plots.ConfusionMatrix(report);
        await WriteAsync(outputFs, work.Combine("confusion-matrix.png"), matrix, cancellationToken);
        await WriteAsync(outputFs, work.Combine("loss.png"), Plots.Loss(history), cancellationToken);
        await WriteAsync(outputFs, work.Combine("accuracy.png"), Plots.Accuracy(history), cancellationToken);
        await commit.CommitAsync(cancellationToken);

        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"evaluate: {report.Samples} test images, accuracy {report.Accuracy:0.0000}, "
            + $"macro F1 {report.MacroF1:0.0000}; "
            + $"wrote {outputPath} in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"accuracy={report.Accuracy:0.####}"));
        return ExitCodes.Success;
    }

    private static async Task<TrainingHistory> ReadHistoryAsync(
        IFileSystem fs, StoragePath modelDir, CancellationToken cancellationToken)
    {
        var status = await fs.GetStatusAsync(modelDir, cancellationToken);
        if (status is not { IsDirectory: true })
        {
            throw new JobException(
                $"--model '{modelDir}' {(status is null ? "does not exist" : "is a file")}; pass the output directory "
                + "of the Train job (with model.pt, history.json and _SUCCESS).");
        }

        if (!await OutputCommit.IsCompleteAsync(fs, modelDir, cancellationToken))
        {
            throw new JobException(
                $"--model '{modelDir}' has no {OutputCommit.SuccessMarker} marker, so training did not finish; "
                + "rerun the Train job (with --resume to continue from its last checkpoint).");
        }

        foreach (var name in new[] { ModelFile, TrainingHistory.FileName })
        {
            if (!await fs.ExistsAsync(modelDir.Combine(name), cancellationToken))
            {
                throw new JobException(
                    $"--model '{modelDir}' lacks {name}; it is not a Train job output. Rerun the Train job into it.");
            }
        }

        var historyPath = modelDir.Combine(TrainingHistory.FileName);
        try
        {
            return TrainingHistory.FromJson(await fs.ReadAllTextAsync(historyPath, cancellationToken));
        }
        catch (JsonException e)
        {
            throw new JobException($"'{historyPath}' is not a training history ({e.Message}); rerun the Train job.", e);
        }
    }

    private static async Task LoadWeightsAsync(
        IFileSystem fs, StoragePath file, FashionCnn model, CancellationToken cancellationToken)
    {
        // TorchSharp reads state_dicts from seekable streams; on HDFS this one fetches the file block by block.
        await using var stream = await fs.OpenReadSeekableAsync(file, cancellationToken);
        try
        {
            model.load(stream);
        }
#pragma warning disable CA1031 // TorchSharp reports a corrupt or foreign file with several exception types.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            throw new JobException(
                $"'{file}' is not a {nameof(FashionCnn)} state_dict saved by the Train job ({e.Message}); "
                + "retrain into that model directory.", e);
        }
    }

    private static async Task WriteAsync(
        IFileSystem fs, StoragePath file, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var stream = await fs.CreateAsync(file, overwrite: true, cancellationToken);
        await stream.WriteAsync(bytes, cancellationToken);
    }
}

/// <summary>What <c>metrics.json</c> holds.</summary>
/// <param name="Accuracy">The test accuracy, at the top level so the publish step and users find it first.</param>
/// <param name="Model">The model directory evaluated.</param>
/// <param name="Input">The test split used.</param>
/// <param name="Device">The device used.</param>
/// <param name="Seconds">The evaluation's wall-clock time.</param>
/// <param name="Report">Accuracy, per-class and macro metrics, and the confusion matrix.</param>
internal sealed record EvaluationMetrics(
    double Accuracy, string Model, string Input, string Device, double Seconds, ClassificationReport Report);
