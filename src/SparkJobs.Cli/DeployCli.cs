using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Storage.Deployment;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Cli;

/// <summary><c>oozie-lite deploy &lt;app dir&gt; &lt;hdfs app path&gt;</c>: uploads an app, rerunnably.</summary>
internal static class DeployCli
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("deploy needs an application directory and a target path, for example "
                + "'oozie-lite deploy workflows/train hdfs://namenode:8020/user/me/apps/train'.");
        }

        var source = Path.GetFullPath(args.Positional[0]);
        if (!Directory.Exists(source))
        {
            throw new UsageException($"deploy: '{args.Positional[0]}' is not a directory; pass the application "
                + "directory that holds workflow.xml.");
        }

        StoragePath target;
        try
        {
            target = StoragePath.Parse(args.Positional[1]);
        }
        catch (StorageException e)
        {
            throw new UsageException($"deploy: target '{args.Positional[1]}': {e.Message}");
        }

        // -D settings (for example webhdfs.address.<nn>=http://host:9870 or user.name) win over the site files.
        var properties = new Dictionary<string, string>(HadoopConfiguration.Load().Properties, StringComparer.Ordinal);
        foreach (var (k, v) in args.Defines)
        {
            properties[k] = v;
        }

        var configuration = HadoopConfiguration.FromProperties(properties);

        try
        {
            var summary = await AppDeployer.DeployAsync(
                StoragePath.FromLocal(source), target, FileSystems.CreateDefault(configuration));
            stdout.WriteLine(summary.ToString());
            return ExitCodes.Success;
        }
        catch (StorageException e)
        {
            throw new UsageException($"deploy: {e.Message}");
        }
    }
}
