// sparkjobs-deploy: uploads an Oozie application directory to HDFS (or any path) with AppDeployer.
//   sparkjobs-deploy <app dir> <target dir> [-D name=value]...
// Hadoop settings come from $HADOOP_CONF_DIR; -D adds or overrides properties, for example
//   -D user.name=alice -D webhdfs.address.namenode:8020=http://localhost:9870
using SparkJobs.Storage;
using SparkJobs.Storage.Deployment;
using SparkJobs.Storage.WebHdfs;

const string Usage = "usage: sparkjobs-deploy <app dir> <target dir> [-D name=value]...";
var positional = new List<string>();
var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "-D" && i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal))
    {
        var pair = args[++i];
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        overrides[pair[..eq]] = pair[(eq + 1)..];
    }
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine(Usage);
        return 0;
    }
    else
    {
        positional.Add(args[i]);
    }
}

if (positional.Count != 2)
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop between requests; a rerun continues where this one stopped.
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var fileSystems = FileSystems.CreateDefault(HadoopConfiguration.Load(null, overrides));
    var progress = new ConsoleProgress();
    var summary = await AppDeployer.DeployAsync(
        StoragePath.Parse(positional[0]), StoragePath.Parse(positional[1]), fileSystems, progress, cancel.Token);
    Console.WriteLine(summary);
    return 0;
}
catch (StorageException e)
{
    await Console.Error.WriteLineAsync("sparkjobs-deploy: " + e.Message);
    return 1;
}
catch (OperationCanceledException)
{
    await Console.Error.WriteLineAsync("sparkjobs-deploy: cancelled; run it again to finish the deployment.");
    return 130;
}

/// <summary>Prints one line per file as the deployment goes.</summary>
internal sealed class ConsoleProgress : IProgress<DeployProgress>
{
    public void Report(DeployProgress value)
    {
        if (value.Step != DeployStep.Uploading)
        {
            var step = value.Step.ToString().ToLowerInvariant();
            Console.WriteLine($"  {step,-8} {value.RelativePath} ({value.Length:N0} bytes)");
        }
    }
}
