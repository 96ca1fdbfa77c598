using System.CommandLine;
using System.Globalization;
using SparkJobs.DataFrame;
using SparkJobs.Hosting;
using SparkJobs.Preprocess;
using SparkJobs.Storage;

var input = new Option<string>("--input")
{
    Description = "The landing directory written by ingest (train/ and optionally test/ CSVs).",
    Required = true,
};
var output = new Option<string>("--output") { Description = "The prepared directory to write.", Required = true };
var percent = new Option<int>("--validation-percent")
{
    Description = "Percentage of train rows moved to validation/.",
    DefaultValueFactory = _ => 10,
};
var seed = new Option<int>("--seed") { Description = "Seed of the train/validation split.",
    DefaultValueFactory = _ => 42 };
var engine = new Option<string>("--engine")
{
    Description = $"The data engine: {string.Join(", ", DataSession.EngineNames)}.",
    DefaultValueFactory = _ => "embedded",
};
var emitPlan = new Option<string?>("--emit-plan")
{
    Description = "Contact no engine: write the Spark Connect plan of each query and command as "
        + "<dir>/001.plan.bin, 002.plan.bin, ... (binary spark.connect.Plan).",
};
var explain = new Option<bool>("--explain")
{
    Description = "Contact no engine: print each query and command as a tree.",
};
var root = new RootCommand(
    "Cleans, derives features, scales and splits landed CSVs into Parquet: <output>/{train,validation,test}/, "
    + "<output>/stats.json, <output>/_SUCCESS.")
{
    input, output, percent, seed, engine, emitPlan, explain,
};
root.SetAction((parse, _) => JobHost.RunAsync("preprocess", async cancellationToken =>
{
    var options = new PreprocessOptions(
        parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(percent), parse.GetValue(seed),
        parse.GetValue(engine)!, parse.GetValue(emitPlan), parse.GetValue(explain) ? Console.Out : null);
    var stats = await PreprocessJob.RunAsync(options, FileSystems.CreateDefault(), cancellationToken);
    if (options.DryRun)
    {
        if (options.EmitPlan is { } directory)
        {
            await Console.Error.WriteLineAsync(
                $"preprocess: wrote {Directory.GetFiles(directory, "*.plan.bin").Length} plans to {directory}");
        }

        return ExitCodes.Success;
    }

    Console.WriteLine($"rows_in={stats.RowsIn}");
    Console.WriteLine($"rows_out={stats.RowsOut}");
    foreach (var (split, s) in stats.Splits)
    {
        Console.WriteLine($"{split}_rows={s.Rows}");
    }

    foreach (var (name, s) in stats.Inputs)
    {
        await Console.Error.WriteLineAsync(
            $"preprocess: {name}: {s.RowsIn} rows in, {s.RowsOut} out; dropped {s.Dropped.MissingValues} with "
            + $"missing values, {s.Dropped.LabelOutOfRange} with a label outside 0-9, "
            + $"{s.Dropped.PixelOutOfRange} with a pixel outside 0-255");
    }

    await Console.Error.WriteLineAsync(string.Create(
        CultureInfo.InvariantCulture,
        $"preprocess: wrote {string.Join(", ", stats.Splits.Select(s => $"{s.Key} {s.Value.Rows}"))} rows to "
        + $"{options.Output} in {stats.Seconds:0.00} s ({stats.Engine} engine)"));
    return ExitCodes.Success;
}));

var parsed = root.Parse(args);
if (await JobHost.HandleUsageAsync("preprocess", parsed) is { } exitCode)
{
    return exitCode;
}

return await parsed.InvokeAsync();
