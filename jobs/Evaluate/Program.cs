using System.CommandLine;
using SparkJobs.Hosting;
using SparkJobs.Jobs.Evaluate;
using SparkJobs.Training;

var model = new Option<string>("--model") { Required = true, Description = "The Train job's model directory." };
var input = new Option<string>("--input")
{
    Required = true, Description = "The Preprocess output directory, or its test/ subdirectory.",
};
var output = new Option<string>("--output") { Required = true, Description = "The evaluation directory to write." };
var device = new Option<string>("--device") { DefaultValueFactory = _ => "auto", Description = "auto, cpu or cuda." };
device.AcceptOnlyFromAmong([.. TorchRuntime.DeviceChoices]);
var threads = new Option<int?>("--threads") { Description = "Intra-op threads (libtorch's default when absent)." };

var command = new RootCommand("Evaluates a trained model on the test split: metrics.json and plots.")
{
    model, input, output, device, threads,
};
var parsed = command.Parse(args);
if (await JobHost.HandleUsageAsync("evaluate", parsed) is { } exitCode)
{
    return exitCode;
}

var options = new EvaluateOptions(
    parsed.GetRequiredValue(model),
    parsed.GetRequiredValue(input),
    parsed.GetRequiredValue(output),
    parsed.GetRequiredValue(device),
    parsed.GetValue(threads));
return await JobHost.RunAsync("evaluate", ct => new EvaluateJob(options, Console.Error, Console.Out).RunAsync(ct));
