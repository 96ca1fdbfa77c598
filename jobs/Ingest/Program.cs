using System.CommandLine;
using System.Globalization;
using SparkJobs.Hosting;
using SparkJobs.Ingest;
using SparkJobs.Storage;

var input = new Option<string>("--input")
{
    Description = "A directory with the Fashion-MNIST IDX files (gzip or not), or one CSV file label,pixel1,...",
    Required = true,
};
var output = new Option<string>("--output") { Description = "The landing directory to write.", Required = true };
var limit = new Option<int>("--limit") { Description = "Images per split; 0 means all.", DefaultValueFactory = _ => 0 };
var root = new RootCommand("Lands raw image data as CSV: <output>/train/part-00000.csv, <output>/test/...")
{
    input, output, limit,
};
root.SetAction((parse, _) => JobHost.RunAsync("ingest", async cancellationToken =>
{
    var options = new IngestOptions(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(limit));
    var result = await IngestJob.RunAsync(options, FileSystems.CreateDefault(), cancellationToken);
    foreach (var (split, rows) in result.Splits)
    {
        Console.WriteLine($"{split}_rows={rows}");
    }

    await Console.Error.WriteLineAsync(string.Create(
        CultureInfo.InvariantCulture,
        $"ingest: wrote {string.Join(", ", result.Splits.Select(s => $"{s.Value} {s.Key}"))} rows "
        + $"to {options.Output} in {result.Seconds:0.00} s"));
    return ExitCodes.Success;
}));

var parsed = root.Parse(args);
if (await JobHost.HandleUsageAsync("ingest", parsed) is { } exitCode)
{
    return exitCode;
}

return await parsed.InvokeAsync();
