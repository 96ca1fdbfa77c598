namespace SparkJobs.Cli;

/// <summary>Submitting and controlling coordinator jobs.</summary>
internal sealed partial class CoordinatorCli
{
    /// <summary>Submits a coordinator to the store, where the server's scheduler picks it up.</summary>
    public Task<int> SubmitAsync(IReadOnlyDictionary<string, string> properties,
        IReadOnlyDictionary<string, string> defines, string configFile)
    {
        _ = (properties, defines, configFile, stdout, stderr, time);
        throw new UsageException("job -run of a coordinator is not available in this build; use -dryrun.");
    }
}
