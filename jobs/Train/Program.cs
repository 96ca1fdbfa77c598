using System.CommandLine;
using SparkJobs.Hosting;
using SparkJobs.Jobs.Train;
using SparkJobs.Training;

var input = new Option<string>("--input") { Required = true, Description = "The Preprocess output directory." };
var output = new Option<string>("--output") { Required = true, Description = "The model directory to write." };
var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10, Description = "Passes over the train set." };
var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 64, Description = "Mini-batch size." };
var learningRate = new Option<double>("--learning-rate")
{
    DefaultValueFactory = _ => 0.001, Description = "Adam's learning rate.",
};
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42, Description = "Seed for weights and shuffling." };
var device = new Option<string>("--device") { DefaultValueFactory = _ => "auto", Description = "auto, cpu or cuda." };
device.AcceptOnlyFromAmong([.. TorchRuntime.DeviceChoices]);
var threads = new Option<int?>("--threads") { Description = "Intra-op threads (libtorch's default when absent)." };
var limit = new Option<int?>("--limit") { Description = "Use at most this many training and validation images." };
var resume = new Option<bool>("--resume") { Description = "Continue from the last checkpoint of a failed run." };

var command = new RootCommand("Trains the Fashion-MNIST CNN on the Preprocess job's Parquet output.")
{
    input, output, epochs, batchSize, learningRate, seed, device, threads, limit, resume,
};
var parsed = command.Parse(args);
if (await JobHost.HandleUsageAsync("train", parsed) is { } exitCode)
{
    return exitCode;
}

var options = new TrainOptions(
    parsed.GetRequiredValue(input),
    parsed.GetRequiredValue(output),
    parsed.GetValue(epochs),
    parsed.GetValue(batchSize),
    parsed.GetValue(learningRate),
    parsed.GetValue(seed),
    parsed.GetRequiredValue(device),
    parsed.GetValue(threads),
    parsed.GetValue(limit),
    parsed.GetValue(resume));
return await JobHost.RunAsync("train", ct => new TrainJob(options, Console.Error, Console.Out).RunAsync(ct));
