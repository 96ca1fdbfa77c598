using System.CommandLine;
using SparkJobs.Hosting;
using SparkJobs.Publish;
using SparkJobs.Storage;

var model = new Option<string>("--model") { Description = "The Train job's committed output directory.", Required = true };
var evaluation = new Option<string>("--evaluation")
{
    Description = "The Evaluate job's committed output directory (metrics.json and plots).",
    Required = true,
};
var registry = new Option<string>("--output", "--registry")
{
    Description = "The model's registry directory, for example models/fashion-mnist; versions go under it.",
    Required = true,
};
var input = new Option<string?>("--input") { Description = "The data the model was trained from, for its checksum." };
var workflowId = new Option<string>("--workflow-id")
{
    Description = "The id of the workflow job that produced the model.",
    DefaultValueFactory = _ => "manual",
};
var property = new Option<string[]>("--property", "-p")
{
    Description = "A KEY=VALUE to record in the lineage (repeatable).",
    AllowMultipleArgumentsPerToken = false,
};
var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Refuse to publish below this test accuracy." };

var root = new RootCommand(
    "Publishes a trained and evaluated model as a new version of a model registry, with a lineage record, "
    + "and moves the registry's current pointer to it. Prints version=<v> and path=<dir> on stdout.")
{
    model, evaluation, registry, input, workflowId, property, minAccuracy,
};
root.SetAction((parse, _) => JobHost.RunAsync("publish", async cancellationToken =>
{
    var properties = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var pair in parse.GetValue(property) ?? [])
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new JobException($"--property '{pair}' is not KEY=VALUE; write for example --property epochs=10.");
        }

        properties[pair[..eq]] = pair[(eq + 1)..];
    }

    var registryPath = StoragePath.Parse(parse.GetRequiredValue(registry));
    var fs = FileSystems.CreateDefault().For(registryPath);
    var request = new PublishRequest(
        StoragePath.Parse(parse.GetRequiredValue(model)),
        StoragePath.Parse(parse.GetRequiredValue(evaluation)),
        parse.GetValue(input) is { } data ? StoragePath.Parse(data) : null,
        parse.GetRequiredValue(workflowId),
        properties,
        parse.GetValue(minAccuracy));
    var published = await new ModelRegistry(fs, registryPath, TimeProvider.System).PublishAsync(request, cancellationToken);
    await Console.Error.WriteLineAsync($"publish: {published.Version} published at {published.Path}");
    Console.WriteLine($"version={published.Version}");
    Console.WriteLine($"path={published.Path}");
    return ExitCodes.Success;
}));
var parsed = root.Parse(args);
if (await JobHost.HandleUsageAsync("publish", parsed) is { } exitCode)
{
    return exitCode;
}

return await parsed.InvokeAsync();
