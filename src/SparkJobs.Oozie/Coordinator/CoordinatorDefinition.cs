namespace SparkJobs.Oozie.Coordinator;

/// <summary>How READY actions are ordered when concurrency limits how many run.</summary>
internal enum ExecutionOrder
{
    /// <summary>Oldest first (the default).</summary>
    FIFO,

    /// <summary>Newest first.</summary>
    LIFO,

    /// <summary>Only the newest; older waiting ones are SKIPPED once the next nominal time has passed.</summary>
    LAST_ONLY,

    /// <summary>None late: an action is SKIPPED once its nominal time plus a minute has passed.</summary>
    NONE,
}

/// <summary>A dataset with its attributes resolved.</summary>
internal sealed record ResolvedDataset(
    string Name,
    Frequency Frequency,
    DateTimeOffset InitialInstance,
    TimeZoneInfo Zone,
    string UriTemplate,
    string? DoneFlag)
{
    /// <summary>Gets the file whose existence makes an instance available: _SUCCESS without a done-flag.</summary>
    public string DoneFlagOrDefault => DoneFlag ?? "_SUCCESS";
}

/// <summary>A coordinator job with every submission-time value resolved: what materialization works from.</summary>
internal sealed record CoordinatorDefinition(
    CoordinatorApp App,
    string Name,
    Frequency Frequency,
    DateTimeOffset Start,
    DateTimeOffset End,
    TimeZoneInfo Zone,
    int TimeoutMinutes,
    int Concurrency,
    ExecutionOrder Execution,
    int Throttle,
    IReadOnlyDictionary<string, ResolvedDataset> Datasets,
    IReadOnlyDictionary<string, string> Configuration,
    string User)
{
    /// <summary>Oozie's cap on a timeout (oozie.service.coord.default.max.timeout): 60 days in minutes.</summary>
    public const int MaxTimeoutMinutes = 86_400;

    /// <summary>The default timeout (oozie.service.coord.normal.default.timeout) in minutes.</summary>
    public const int DefaultTimeoutMinutes = 120;
}

/// <summary>The instances one data-in of one action needs; entries are datetimes or echoed latest/future EL.</summary>
internal sealed record DataInInstances(string Name, string Dataset, IReadOnlyList<string> Instances, bool IsRange);

/// <summary>One action as materialization creates it.</summary>
internal sealed record MaterializedAction(
    int Number,
    DateTimeOffset NominalTime,
    IReadOnlyList<DataInInstances> DataIn,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> DataOut);
