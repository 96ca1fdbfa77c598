namespace SparkJobs.Oozie.Store;

/// <summary>Workflow job statuses.</summary>
public enum JobStatus
{
    /// <summary>Submitted, not started.</summary>
    PREP,

    /// <summary>Running.</summary>
    RUNNING,

    /// <summary>Suspended: no transitions happen.</summary>
    SUSPENDED,

    /// <summary>Reached the end node.</summary>
    SUCCEEDED,

    /// <summary>Reached a kill node or was killed.</summary>
    KILLED,

    /// <summary>Failed inside oozie-lite, for example with EL_ERROR.</summary>
    FAILED,
}

/// <summary>Workflow action statuses.</summary>
public enum ActionStatus
{
    /// <summary>Not started.</summary>
    PREP,

    /// <summary>Running.</summary>
    RUNNING,

    /// <summary>Finished; the outcome is being decided.</summary>
    DONE,

    /// <summary>Finished successfully; ok@to was followed.</summary>
    OK,

    /// <summary>Finished with an error; error@to was followed.</summary>
    ERROR,

    /// <summary>Waiting to be retried after a retryable error.</summary>
    USER_RETRY,

    /// <summary>Waiting to be retried after a transient start failure.</summary>
    START_RETRY,

    /// <summary>Waiting for someone to resume it after a start failure.</summary>
    START_MANUAL,

    /// <summary>Waiting to be retried after a transient end failure.</summary>
    END_RETRY,

    /// <summary>Waiting for someone to resume it after an end failure.</summary>
    END_MANUAL,

    /// <summary>Killed.</summary>
    KILLED,

    /// <summary>Failed inside oozie-lite; the job fails too.</summary>
    FAILED,
}

/// <summary>A stored workflow job.</summary>
/// <param name="Id">The Oozie-style job id.</param>
/// <param name="AppName">The resolved workflow name.</param>
/// <param name="AppPath">The application path.</param>
/// <param name="Status">The status.</param>
/// <param name="Run">The run number, 0 unless rerun.</param>
/// <param name="User">The owner.</param>
/// <param name="Group">The group, or null.</param>
/// <param name="Created">When it was submitted.</param>
/// <param name="Started">When it started running.</param>
/// <param name="LastModified">When it last changed.</param>
/// <param name="Ended">When it reached a final status.</param>
/// <param name="Configuration">The resolved configuration.</param>
/// <param name="Definition">The workflow.xml text.</param>
public sealed record WorkflowJobRecord(
    string Id,
    string AppName,
    string AppPath,
    JobStatus Status,
    int Run,
    string User,
    string? Group,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset LastModified,
    DateTimeOffset? Ended,
    IReadOnlyDictionary<string, string> Configuration,
    string Definition);

/// <summary>A stored workflow action (every visited node, control nodes included).</summary>
/// <param name="Id">The action id, <c>jobId@name</c>.</param>
/// <param name="JobId">The job id.</param>
/// <param name="Name">The node name.</param>
/// <param name="Type">The node type, for example <c>shell</c> or <c>:START:</c>.</param>
/// <param name="Status">The status.</param>
public sealed record WorkflowActionRecord(string Id, string JobId, string Name, string Type, ActionStatus Status)
{
    /// <summary>Gets the transition taken, if any.</summary>
    public string? Transition { get; init; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Gets when it ended.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Gets the error code, if it failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the error message, if it failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the captured output data.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the external id (the process id for shell actions).</summary>
    public string? ExternalId { get; init; }

    /// <summary>
    /// Gets the start time of the process named by <see cref="ExternalId"/>, as the operating system reports it,
    /// so that a later oozie-lite can tell that process from another one that reused its pid.
    /// </summary>
    public long? ProcessStart { get; init; }

    /// <summary>Gets the external status, for example SUCCEEDED or FAILED/KILLED.</summary>
    public string? ExternalStatus { get; init; }

    /// <summary>Gets the number of user retries done.</summary>
    public int Retries { get; init; }

    /// <summary>Gets the path of the action's log file, if it has one.</summary>
    public string? LogPath { get; init; }
}
