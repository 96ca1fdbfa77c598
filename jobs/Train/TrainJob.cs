using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Training;
using static TorchSharp.torch;

namespace SparkJobs.Jobs.Train;

/// <summary>
/// Trains the CNN: loads the train and validation splits, runs the epochs with a checkpoint after each,
/// and commits <c>model.pt</c> and <c>history.json</c> to the output directory.
/// </summary>
internal sealed partial class TrainJob(TrainOptions options, TextWriter log, TextWriter stdout)
{
    /// <summary>The file name of the trained weights inside a model directory.</summary>
    public const string ModelFile = "model.pt";

    // Hidden by Hadoop's rule, so coordinators and readers ignore it; the commit sweeps it away on success.
    private const string CheckpointDirectory = "_checkpoints";

    /// <summary>Runs the job.</summary>
    /// <param name="cancellationToken">Stops training between batches; nothing is committed then.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        options.Validate();
        var inputPath = StoragePath.Parse(options.Input);
        var outputPath = StoragePath.Parse(options.Output);
        // hdfs:// and webhdfs:// resolve through $HADOOP_CONF_DIR, so the job reads and writes a cluster's paths.
        var fileSystems = FileSystems.CreateDefault();
        var inputFs = fileSystems.For(inputPath);
        var outputFs = fileSystems.For(outputPath);

        TorchRuntime.SetThreads(options.Threads);
        var device = TorchRuntime.SelectDevice(options.Device);
        await PreparedData.RequireCommittedAsync(inputFs, inputPath, "--input", cancellationToken);
        var train = await ParquetImageLoader.LoadAsync(
            inputFs, inputPath.Combine(PreparedData.Train), options.Limit, cancellationToken);
        var validation = await ParquetImageLoader.LoadAsync(
            inputFs, inputPath.Combine(PreparedData.Validation), options.Limit, cancellationToken);
        await log.WriteLineAsync(Invariant(
            $"train: {train.Count} training and {validation.Count} validation images; device {device.type}, ")
            + Invariant($"{get_num_threads()} threads; {TorchRuntime.Version}"));

        var shuffle = TorchRuntime.ManualSeed(options.Seed);
        using var model = new FashionCnn();
        using var trainer = new Trainer(model, device, options.LearningRate);
        using var trainImages = train.ImagesTensor(device);
        using var trainLabels = train.LabelsTensor(device);
        using var validationImages = validation.ImagesTensor(device);
        using var validationLabels = validation.LabelsTensor(device);

        var checkpoints = outputPath.Combine(CheckpointDirectory);
        var epochs = new List<EpochRecord>();
        if (options.Resume)
        {
            epochs.AddRange(await ResumeAsync(outputFs, checkpoints, trainer, cancellationToken));

            // Replaying the skipped epochs' permutations keeps the resumed run identical to an uninterrupted one.
            var order = new long[train.Count];
            for (var e = 0; e < epochs.Count; e++)
            {
                shuffle.Shuffle(order);
            }
        }

        await using var commit = await OutputCommit.BeginAsync(outputFs, outputPath, cancellationToken);
        await ConsoleProgress.RunAsync(options.Epochs, async report =>
        {
            for (var epoch = epochs.Count + 1; epoch <= options.Epochs; epoch++)
            {
                var started = Stopwatch.StartNew();
                var pass = trainer.TrainEpoch(
                    trainImages,
                    trainLabels,
                    options.BatchSize,
                    shuffle,
                    onBatch: (done, count) => report(epoch, done, count),
                    cancellationToken: cancellationToken);
                var checkedOn = trainer.Evaluate(validationImages, validationLabels);
                var record = new EpochRecord(
                    epoch,
                    pass.Loss,
                    pass.Accuracy,
                    checkedOn.Loss,
                    checkedOn.Accuracy,
                    pass.SamplesPerSecond,
                    started.Elapsed.TotalSeconds);
                epochs.Add(record);
                await log.WriteLineAsync(
                    Invariant($"train: epoch {epoch}/{options.Epochs} loss={record.Loss:0.0000} ")
                    + Invariant($"train_accuracy={record.TrainAccuracy:0.0000} ")
                    + Invariant($"validation_accuracy={record.ValidationAccuracy:0.0000} ")
                    + Invariant($"samples/s={record.SamplesPerSecond:0} seconds={record.Seconds:0.0}"));
                await SaveCheckpointAsync(outputFs, checkpoints, trainer, epochs, cancellationToken);
            }
        });

        var history = new TrainingHistory(
            nameof(FashionCnn),
            new Hyperparameters(
                options.Epochs,
                options.BatchSize,
                options.LearningRate,
                options.Seed,
                "Adam",
                "cross_entropy",
                get_num_threads(),
                options.Limit),
            device.type.ToString().ToLowerInvariant(),
            TorchRuntime.Version,
            model.ParameterCount,
            FashionCnn.ForwardFlopsPerSample,
            FashionCnn.TrainingFlopsPerSample,
            train.Count,
            validation.Count,
            total.Elapsed.TotalSeconds,
            epochs);
        await using (var stream = await outputFs.CreateAsync(
            commit.WorkPath.Combine(ModelFile), overwrite: true, cancellationToken))
        {
            model.save(stream);
        }

        await outputFs.WriteAllTextAsync(
            commit.WorkPath.Combine(TrainingHistory.FileName), history.ToJson(), cancellationToken);
        await commit.CommitAsync(cancellationToken);

        var last = epochs[^1];
        await stdout.WriteLineAsync(Invariant($"validation_accuracy={last.ValidationAccuracy:0.####}"));
        await stdout.WriteLineAsync(Invariant($"loss={last.Loss:0.####}"));
        await log.WriteLineAsync(Invariant(
            $"train: wrote {outputPath} in {total.Elapsed.TotalSeconds:0.0} s"));
        return ExitCodes.Success;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string CheckpointName(int epoch) => Invariant($"epoch-{epoch:00}");

    private static async Task SaveCheckpointAsync(
        IFileSystem fs,
        StoragePath directory,
        Trainer trainer,
        List<EpochRecord> epochs,
        CancellationToken cancellationToken)
    {
        var name = CheckpointName(epochs.Count);
        await fs.CreateDirectoryAsync(directory, cancellationToken);
        await using (var weights = await fs.CreateAsync(directory.Combine(name + ".pt"), true, cancellationToken))
        await using (var optimizer = await fs.CreateAsync(directory.Combine(name + ".optim"), true, cancellationToken))
        {
            trainer.SaveCheckpoint(weights, optimizer);
        }

        // The metrics file is written last: its presence marks the checkpoint as complete.
        await fs.WriteAllTextAsync(
            directory.Combine(name + ".json"),
            System.Text.Json.JsonSerializer.Serialize(epochs, TrainingHistory.JsonOptions),
            cancellationToken);
    }

    private async Task<IReadOnlyList<EpochRecord>> ResumeAsync(
        IFileSystem fs, StoragePath directory, Trainer trainer, CancellationToken cancellationToken)
    {
        var latest = await fs.GetStatusAsync(directory, cancellationToken) is { IsDirectory: true }
            ? (await fs.ListAsync(directory, cancellationToken))
                .Select(f => CheckpointPattern().Match(f.Path.Name))
                .Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0)
                .Max()
            : 0;
        if (latest == 0)
        {
            await log.WriteLineAsync($"train: --resume found no checkpoint under {directory}; starting at epoch 1.");
            return [];
        }

        if (latest >= options.Epochs)
        {
            throw new JobException(
                $"--resume found a checkpoint for epoch {latest} under '{directory}', which is not before "
                + $"--epochs {options.Epochs}; raise --epochs, or drop --resume to train afresh.");
        }

        var name = CheckpointName(latest);
        // TorchSharp reads state_dicts from seekable streams; on HDFS these fetch the file block by block.
        await using (var weights = await fs.OpenReadSeekableAsync(directory.Combine(name + ".pt"), cancellationToken))
        await using (var optimizer = await fs.OpenReadSeekableAsync(
            directory.Combine(name + ".optim"), cancellationToken))
        {
            trainer.LoadCheckpoint(weights, optimizer);
        }

        var json = await fs.ReadAllTextAsync(directory.Combine(name + ".json"), cancellationToken);
        var epochs = System.Text.Json.JsonSerializer.Deserialize<List<EpochRecord>>(json, TrainingHistory.JsonOptions)
            ?? [];
        await log.WriteLineAsync($"train: resuming after epoch {latest} from {directory}");
        return epochs;
    }

    [GeneratedRegex(@"^epoch-(\d+)\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex CheckpointPattern();
}
