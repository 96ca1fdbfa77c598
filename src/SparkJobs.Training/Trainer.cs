using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SparkJobs.Training;

/// <summary>The outcome of one pass over a data set.</summary>
/// <param name="Loss">The mean cross-entropy loss per sample.</param>
/// <param name="Accuracy">The fraction of samples classified correctly.</param>
/// <param name="Samples">The number of samples seen.</param>
/// <param name="Seconds">The wall-clock time of the pass.</param>
public sealed record PassResult(double Loss, double Accuracy, long Samples, double Seconds)
{
    /// <summary>Gets the throughput of the pass.</summary>
    public double SamplesPerSecond => Seconds > 0 ? Samples / Seconds : 0;
}

/// <summary>
/// Trains a <see cref="FashionCnn"/> with Adam and cross-entropy on tensors held on the training device,
/// one seeded shuffle per epoch.
/// </summary>
public sealed class Trainer : IDisposable
{
    private const int EvaluationBatchSize = 1000;

    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly nn.Module<Tensor, Tensor, Tensor> _loss = nn.CrossEntropyLoss();

    /// <summary>Initializes a new instance of the <see cref="Trainer"/> class on a device.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="device">The device to train on.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public Trainer(FashionCnn model, Device device, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Device = device;
        model.to(device);
        _optimizer = optim.Adam(model.parameters(), learningRate);
    }

    /// <summary>Gets the model being trained.</summary>
    public FashionCnn Model { get; }

    /// <summary>Gets the device the model lives on.</summary>
    public Device Device { get; }

    /// <summary>Runs one epoch of mini-batch training over shuffled samples.</summary>
    /// <param name="images">Images [N, 1, 28, 28] on <see cref="Device"/>.</param>
    /// <param name="labels">Labels [N] (int64) on <see cref="Device"/>.</param>
    /// <param name="batchSize">The mini-batch size.</param>
    /// <param name="shuffle">The seeded random source for the epoch's permutation.</param>
    /// <param name="maxBatches">Stops after this many batches, or <see langword="null"/> for the whole epoch.</param>
    /// <param name="onBatch">Called after each batch with the number of batches done and the total.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The epoch's mean loss, training accuracy and throughput.</returns>
    public PassResult TrainEpoch(
        Tensor images,
        Tensor labels,
        int batchSize,
        Random shuffle,
        int? maxBatches = null,
        Action<int, int>? onBatch = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(shuffle);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var count = (int)labels.shape[0];
        var order = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        shuffle.Shuffle(order);
        var batches = (count + batchSize - 1) / batchSize;
        if (maxBatches is not null)
        {
            batches = Math.Min(batches, maxBatches.Value);
        }

        Model.train();
        var stopwatch = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (var b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var start = b * batchSize;
            var size = Math.Min(batchSize, count - start);
            var index = tensor(order.AsSpan(start, size).ToArray(), device: Device);
            var x = images.index_select(0, index);
            var y = labels.index_select(0, index);

            _optimizer.zero_grad();
            var logits = Model.forward(x);
            var loss = _loss.forward(logits, y);
            loss.backward();
            _optimizer.step();

            lossSum += loss.item<float>() * size;
            correct += logits.argmax(1).eq(y).sum().item<long>();
            seen += size;
            onBatch?.Invoke(b + 1, batches);
        }

        return new PassResult(lossSum / seen, (double)correct / seen, seen, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>Computes the mean loss and accuracy of the model on a data set, without training.</summary>
    /// <param name="images">Images [N, 1, 28, 28] on <see cref="Device"/>.</param>
    /// <param name="labels">Labels [N] (int64) on <see cref="Device"/>.</param>
    /// <returns>The loss and accuracy.</returns>
    public PassResult Evaluate(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var stopwatch = Stopwatch.StartNew();
        var count = labels.shape[0];
        double lossSum = 0;
        long correct = 0;
        Model.eval();
        using (no_grad())
        {
            for (long start = 0; start < count; start += EvaluationBatchSize)
            {
                using var scope = NewDisposeScope();
                var size = Math.Min(EvaluationBatchSize, count - start);
                var x = images.narrow(0, start, size);
                var y = labels.narrow(0, start, size);
                var logits = Model.forward(x);
                lossSum += _loss.forward(logits, y).item<float>() * size;
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
        }

        return new PassResult(lossSum / count, (double)correct / count, count, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>Predicts the class of every image.</summary>
    /// <param name="model">The model.</param>
    /// <param name="images">Images [N, 1, 28, 28] on the model's device.</param>
    /// <returns>The predicted label of each image.</returns>
    public static long[] Predict(FashionCnn model, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var count = images.shape[0];
        var predictions = new long[count];
        model.eval();
        using (no_grad())
        {
            for (long start = 0; start < count; start += EvaluationBatchSize)
            {
                using var scope = NewDisposeScope();
                var size = Math.Min(EvaluationBatchSize, count - start);
                using var predicted = model.forward(images.narrow(0, start, size)).argmax(1).cpu();
                predicted.data<long>().CopyTo(predictions.AsSpan((int)start, (int)size));
            }
        }

        return predictions;
    }

    /// <summary>Saves the model's weights and the optimizer's state, so training can resume from them.</summary>
    /// <param name="modelStream">Receives the model's state_dict.</param>
    /// <param name="optimizerStream">Receives the optimizer's state_dict.</param>
    public void SaveCheckpoint(Stream modelStream, Stream optimizerStream)
    {
        Model.save(modelStream);
        ArgumentNullException.ThrowIfNull(optimizerStream);

        // TorchSharp writes optimizer state only to a local path; a scratch file bridges it to any stream.
        var scratch = Path.GetTempFileName();
        try
        {
            _optimizer.save_state_dict(scratch);
            using var file = File.OpenRead(scratch);
            file.CopyTo(optimizerStream);
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>Restores the model's weights and the optimizer's state saved by <see cref="SaveCheckpoint"/>.</summary>
    /// <param name="modelStream">The model's state_dict.</param>
    /// <param name="optimizerStream">The optimizer's state_dict.</param>
    public void LoadCheckpoint(Stream modelStream, Stream optimizerStream)
    {
        Model.load(modelStream);
        using var reader = new BinaryReader(optimizerStream, System.Text.Encoding.UTF8, leaveOpen: true);
        _optimizer.load_state_dict(reader);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _loss.Dispose();
    }
}
