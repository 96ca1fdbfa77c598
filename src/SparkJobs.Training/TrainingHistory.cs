using System.Text.Json;
using System.Text.Json.Serialization;

namespace SparkJobs.Training;

/// <summary>The metrics of one training epoch.</summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="Loss">The mean training loss.</param>
/// <param name="TrainAccuracy">The training accuracy measured during the epoch.</param>
/// <param name="ValidationLoss">The validation loss after the epoch.</param>
/// <param name="ValidationAccuracy">The validation accuracy after the epoch.</param>
/// <param name="SamplesPerSecond">The training throughput.</param>
/// <param name="Seconds">The epoch's wall-clock time, validation included.</param>
public sealed record EpochRecord(
    int Epoch,
    double Loss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double SamplesPerSecond,
    double Seconds);

/// <summary>The hyperparameters a model was trained with.</summary>
/// <param name="Epochs">The number of epochs.</param>
/// <param name="BatchSize">The mini-batch size.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Seed">The random seed.</param>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="Loss">The loss function's name.</param>
/// <param name="Threads">The intra-op thread count.</param>
/// <param name="Limit">The cap on training images, if any.</param>
public sealed record Hyperparameters(
    int Epochs,
    int BatchSize,
    double LearningRate,
    int Seed,
    string Optimizer,
    string Loss,
    int Threads,
    int? Limit);

/// <summary>Everything <c>history.json</c> records about a training run.</summary>
/// <param name="Model">The architecture's name.</param>
/// <param name="Hyperparameters">The hyperparameters.</param>
/// <param name="Device">The device trained on.</param>
/// <param name="Torch">The TorchSharp and libtorch versions.</param>
/// <param name="Parameters">The number of trainable parameters.</param>
/// <param name="ForwardFlopsPerSample">The forward-pass FLOPs per sample.</param>
/// <param name="TrainingFlopsPerSample">The FLOPs per training sample (forward and backward).</param>
/// <param name="TrainSamples">The number of training images.</param>
/// <param name="ValidationSamples">The number of validation images.</param>
/// <param name="Seconds">The whole run's wall-clock time.</param>
/// <param name="Epochs">The per-epoch metrics.</param>
public sealed record TrainingHistory(
    string Model,
    Hyperparameters Hyperparameters,
    string Device,
    string Torch,
    long Parameters,
    long ForwardFlopsPerSample,
    long TrainingFlopsPerSample,
    int TrainSamples,
    int ValidationSamples,
    double Seconds,
    IReadOnlyList<EpochRecord> Epochs)
{
    /// <summary>The file name of the history inside a model directory.</summary>
    public const string FileName = "history.json";

    /// <summary>Gets the JSON options used for every report file: snake_case names, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Serializes the history.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a history written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The history.</returns>
    /// <exception cref="JsonException">The text is not a training history.</exception>
    public static TrainingHistory FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingHistory>(json, JsonOptions)
        ?? throw new JsonException("The history is empty (null).");
}
