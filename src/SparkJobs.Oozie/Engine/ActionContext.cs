using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>What an executor gets for one attempt of one action.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Node">The action node.</param>
/// <param name="Configuration">The job configuration.</param>
/// <param name="AppDirectory">The workflow application directory.</param>
/// <param name="WorkingDirectory">A fresh directory for this attempt.</param>
/// <param name="LogPath">The action log file for this attempt.</param>
/// <param name="CacheDirectory">Where unpacked archives are cached across jobs.</param>
/// <param name="Evaluate">Evaluates EL text for this action.</param>
/// <param name="FileSystems">The file systems paths resolve through.</param>
internal sealed record ActionContext(
    string JobId,
    ActionNode Node,
    IReadOnlyDictionary<string, string> Configuration,
    StoragePath AppDirectory,
    string WorkingDirectory,
    string LogPath,
    string CacheDirectory,
    Func<string, string> Evaluate,
    FileSystems FileSystems)
{
    /// <summary>Gets the workflow's global section, if any.</summary>
    public GlobalSection? Global { get; init; }
}

/// <summary>How one action attempt ended.</summary>
/// <param name="Ok">Whether ok@to is followed.</param>
/// <param name="ErrorCode">The error code when not OK.</param>
/// <param name="ErrorMessage">The error message when not OK.</param>
/// <param name="Data">Captured output.</param>
/// <param name="ExternalStatus">The external status, for example SUCCEEDED.</param>
internal sealed record ActionOutcome(
    bool Ok, string? ErrorCode, string? ErrorMessage, IReadOnlyDictionary<string, string> Data, string ExternalStatus)
{
    public static ActionOutcome Succeeded(IReadOnlyDictionary<string, string>? data = null) =>
        new(true, null, null, data ?? new Dictionary<string, string>(), "SUCCEEDED");

    public static ActionOutcome Failed(string code, string message) =>
        new(false, code, message, new Dictionary<string, string>(), "FAILED/KILLED");
}

/// <summary>Runs one action type.</summary>
internal interface IActionExecutor
{
    /// <summary>Runs an attempt; reports the external id (a pid, with its start time) as soon as it is known.</summary>
    Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes an attempt that an oozie-lite process which has since died left RUNNING in the store.
    /// </summary>
    /// <returns>The outcome, or null when nothing external was started for the attempt, so it is run afresh.</returns>
    Task<ActionOutcome?> ReattachAsync(
        ActionContext context, WorkflowActionRecord running, CancellationToken cancellationToken) =>
        Task.FromResult<ActionOutcome?>(null);
}
