using System.Diagnostics;
using SparkJobs.Training;
using static TorchSharp.torch;

namespace SparkJobs.Bench;

/// <summary>
/// Training throughput of the seed CNN next to the machine's dense fp32 GEMM rate in the same process:
/// the ratio says how much of the attainable compute the small convolutions actually use.
/// </summary>
internal sealed class TrainBenchmark : IBenchmark
{
    private const int GemmSize = 2048;
    private const int GemmRepeats = 10;
    private const int Images = 6400;
    private const int BatchSize = 64;
    private const int WarmupBatches = 10;
    private const int MeasuredBatches = 100;

    public string Name => "train";

    public Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var gemm = MeasureGemm();
        var data = FashionMnistIdx.Load(
            Path.Combine(context.DatasetDirectory, "train-images-idx3-ubyte.gz"),
            Path.Combine(context.DatasetDirectory, "train-labels-idx1-ubyte.gz"),
            Images);
        var shuffle = TorchRuntime.ManualSeed(42);
        using var model = new FashionCnn();
        using var trainer = new Trainer(model, CPU, 0.001);
        using var images = data.ImagesTensor();
        using var labels = data.LabelsTensor();
        trainer.TrainEpoch(images, labels, BatchSize, shuffle, WarmupBatches, cancellationToken: cancellationToken);
        var pass = trainer.TrainEpoch(
            images, labels, BatchSize, shuffle, MeasuredBatches, cancellationToken: cancellationToken);

        var samplesPerSecond = pass.SamplesPerSecond;
        var cnnGflops = samplesPerSecond * FashionCnn.TrainingFlopsPerSample / 1e9;
        IReadOnlyList<Figure> figures =
        [
            new("libtorch intra-op threads", get_num_threads(), "threads"),
            new($"torch.mm {GemmSize}x{GemmSize} fp32", gemm, "GFLOP/s"),
            new("CNN training FLOPs per sample (3x forward)", FashionCnn.TrainingFlopsPerSample / 1e6, "MFLOP"),
            new($"CNN training, batch {BatchSize}, {MeasuredBatches} batches", samplesPerSecond, "samples/s"),
            new("CNN training achieved", cnnGflops, "GFLOP/s"),
            new("CNN achieved / GEMM rate", cnnGflops / gemm, "x"),
        ];
        return Task.FromResult(figures);
    }

    private static double MeasureGemm()
    {
        using var a = rand(GemmSize, GemmSize);
        using var b = rand(GemmSize, GemmSize);
        using (var warm = mm(a, b))
        {
            _ = warm.sum().item<float>();
        }

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < GemmRepeats; i++)
        {
            using var scope = NewDisposeScope();

            // Reading one value forces the product to complete before the clock moves on.
            _ = mm(a, b)[0, 0].item<float>();
        }

        var flops = 2.0 * GemmSize * GemmSize * GemmSize * GemmRepeats;
        return flops / stopwatch.Elapsed.TotalSeconds / 1e9;
    }
}
