using System.Globalization;
using SparkJobs.Hosting;

namespace SparkJobs.Jobs.Train;

/// <summary>The Train job's arguments.</summary>
/// <param name="Input">The Preprocess output directory.</param>
/// <param name="Output">The model directory to write.</param>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">The mini-batch size.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Seed">The seed for weights and shuffling.</param>
/// <param name="Device">auto, cpu or cuda.</param>
/// <param name="Threads">Intra-op threads, or libtorch's default.</param>
/// <param name="Limit">A cap on training and validation images.</param>
/// <param name="Resume">Whether to continue from the last checkpoint.</param>
internal sealed record TrainOptions(
    string Input,
    string Output,
    int Epochs,
    int BatchSize,
    double LearningRate,
    int Seed,
    string Device,
    int? Threads,
    int? Limit,
    bool Resume)
{
    /// <summary>Rejects values no training run can use, naming the option and what is allowed.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new JobException($"--epochs {Epochs} is not allowed; pass 1 or more.");
        }

        if (BatchSize < 1)
        {
            throw new JobException($"--batch-size {BatchSize} is not allowed; pass 1 or more (64 is the default).");
        }

        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new JobException(
                $"--learning-rate {LearningRate.ToString(CultureInfo.InvariantCulture)} is not allowed; "
                + "pass a positive number such as 0.001.");
        }

        if (Limit < 1)
        {
            throw new JobException(
                $"--limit {Limit} is not allowed; pass 1 or more, or leave it out to use all images.");
        }
    }
}
