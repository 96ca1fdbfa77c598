using System.Reflection;
using CliWrap;
using CliWrap.Buffered;

namespace SparkJobs.Testing;

/// <summary>Runs a built job (train or evaluate) as a real process, the way Oozie's shell action does.</summary>
internal static class JobProcess
{
    public static Task<BufferedCommandResult> RunAsync(string job, params string[] arguments) =>
        RunAsync(job, new Dictionary<string, string?>(), arguments);

    /// <summary>Runs a job with extra environment variables, such as <c>HADOOP_CONF_DIR</c>.</summary>
    public static async Task<BufferedCommandResult> RunAsync(
        string job, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var dll = typeof(JobProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == job).Value!;
        return await Cli.Wrap("dotnet")
            .WithArguments([dll, .. arguments])
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
    }
}
