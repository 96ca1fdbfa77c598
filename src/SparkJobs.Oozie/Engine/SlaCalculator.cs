using System.Collections.Concurrent;
using System.Globalization;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Parsing;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// How a workflow job or action fared against its <c>sla:info</c>, in the shape of Oozie's SLA summary.
/// Times are UTC; durations are milliseconds, -1 when not defined or not known yet.
/// </summary>
public sealed record SlaSummary
{
    /// <summary>Gets the job id, or the action id (<c>jobId@name</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the parent's id: the job for an action, the coordinator action for a job, else null.</summary>
    public string? ParentId { get; init; }

    /// <summary>Gets WORKFLOW_JOB or WORKFLOW_ACTION.</summary>
    public required string AppType { get; init; }

    /// <summary>Gets the job's application name, or the action's node name.</summary>
    public required string AppName { get; init; }

    /// <summary>Gets the job's user.</summary>
    public required string User { get; init; }

    /// <summary>Gets NOT_STARTED, IN_PROCESS, MET or MISS.</summary>
    public required string SlaStatus { get; init; }

    /// <summary>Gets the events so far, for example START_MET and END_MISS.</summary>
    public required IReadOnlyList<string> EventStatus { get; init; }

    /// <summary>Gets the job or action status: RUNNING, SUCCEEDED, FAILED, KILLED, ...</summary>
    public required string JobStatus { get; init; }

    /// <summary>Gets the nominal time.</summary>
    public required DateTimeOffset NominalTime { get; init; }

    /// <summary>Gets the time by which it should have started, if should-start is set.</summary>
    public DateTimeOffset? ExpectedStart { get; init; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset? ActualStart { get; init; }

    /// <summary>Gets the time by which it should have ended.</summary>
    public required DateTimeOffset ExpectedEnd { get; init; }

    /// <summary>Gets when it ended.</summary>
    public DateTimeOffset? ActualEnd { get; init; }

    /// <summary>Gets the longest it should run, in milliseconds; -1 when max-duration is not set.</summary>
    public long ExpectedDuration { get; init; } = -1;

    /// <summary>Gets how long it ran (or has run so far), in milliseconds; -1 before it starts.</summary>
    public long ActualDuration { get; init; } = -1;

    /// <summary>Gets the minutes it started late (negative when early), if both times are known.</summary>
    public long? StartDelay { get; init; }

    /// <summary>Gets the minutes it ended late (negative when early), if it ended.</summary>
    public long? EndDelay { get; init; }

    /// <summary>Gets the minutes it ran longer than max-duration (negative when shorter), if both are known.</summary>
    public long? DurationDelay { get; init; }

    /// <summary>Gets the notification-msg text.</summary>
    public string? NotificationMessage { get; init; }

    /// <summary>Gets the upstream-apps text.</summary>
    public string? UpstreamApps { get; init; }

    /// <summary>Gets the alert-contact addresses.</summary>
    public IReadOnlyList<string> AlertContacts { get; init; } = [];

    /// <summary>Gets the miss events that are mailed to the contacts (START_MISS, END_MISS, DURATION_MISS).</summary>
    public IReadOnlyList<string> AlertEvents { get; init; } = [];
}

/// <summary>
/// Computes SLA summaries from a stored job: its definition's <c>sla:info</c> elements, evaluated with the
/// job's configuration, against the recorded start and end times. Nothing extra is stored, so the figures are
/// the same from the CLI, the server and after a restart.
/// </summary>
public static class SlaCalculator
{
    // Oozie mails END_MISS when alert-contact is set and alert-events is not.
    private static readonly string[] DefaultAlertEvents = ["END_MISS"];

    /// <summary>Tells cheaply whether a job's definition can hold any <c>sla:info</c> at all.</summary>
    /// <param name="job">The job.</param>
    /// <returns>False when it certainly has none.</returns>
    public static bool HasSla(WorkflowJobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Definition.Contains(WorkflowParser.SlaNamespacePrefix, StringComparison.Ordinal);
    }

    /// <summary>Computes the summaries of a job and of its actions that carry <c>sla:info</c>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="actions">The job's actions.</param>
    /// <param name="now">The current time, for misses of jobs still running.</param>
    /// <param name="problems">Receives one line per SLA that cannot be evaluated (bad EL or datetime).</param>
    /// <returns>The summaries, the job's first.</returns>
    public static IReadOnlyList<SlaSummary> ForJob(
        WorkflowJobRecord job, IReadOnlyList<WorkflowActionRecord> actions, DateTimeOffset now,
        ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(actions);
        if (!HasSla(job))
        {
            return [];
        }

        var (app, _) = WorkflowLoader.Check(job.Definition, job.AppPath + "/workflow.xml", validateForkJoin: false);
        if (app is null)
        {
            return [];
        }

        var byName = new ConcurrentDictionary<string, WorkflowActionRecord>(
            actions.Select(a => KeyValuePair.Create(a.Name, a)), StringComparer.Ordinal);
        var context = new SlaElContext(new WorkflowElContext(job, byName, () => null, TimeProvider.System));
        var list = new List<SlaSummary>();
        if (app.Sla is { } jobSla)
        {
            Add(jobSla, job.Id, job.Configuration.GetValueOrDefault("oozie.coord.action.id"), "WORKFLOW_JOB",
                job.AppName, job.Started, job.Ended, job.Status.ToString(), job.Status == Store.JobStatus.SUCCEEDED);
        }

        foreach (var node in app.Nodes.OfType<ActionNode>().Where(n => n.Sla is not null))
        {
            var record = byName.GetValueOrDefault(node.Name);
            var status = record?.Status switch
            {
                null => "CREATED",
                ActionStatus.OK => "SUCCEEDED",
                ActionStatus.ERROR or ActionStatus.FAILED => "FAILED",
                ActionStatus.KILLED => "KILLED",
                _ => "RUNNING",
            };
            Add(node.Sla!, $"{job.Id}@{node.Name}", job.Id, "WORKFLOW_ACTION", node.Name, record?.StartTime,
                record?.EndTime, status, record?.Status == ActionStatus.OK);
        }

        return list;

        void Add(SlaInfo sla, string id, string? parent, string type, string name, DateTimeOffset? started,
            DateTimeOffset? ended, string status, bool succeeded)
        {
            try
            {
                var expected = Compute(sla, context) with
                {
                    Id = id, ParentId = parent, AppType = type, AppName = name, User = job.User,
                };
                list.Add(Measure(expected, started, ended, status, succeeded, now));
            }
            catch (ElException e)
            {
                problems?.Add($"SLA of {id} is not tracked: {e.Message}");
            }
        }
    }

    /// <summary>Evaluates an <c>sla:info</c> into its expected times, before anything is measured.</summary>
    private static SlaSummary Compute(SlaInfo sla, IElContext context)
    {
        var nominalText = ElEvaluator.EvaluateText(sla.NominalTime, context).Trim();
        if (!OozieTime.TryParse(nominalText, out var nominal))
        {
            throw new ElException(
                $"nominal-time '{nominalText}' at {sla.Location} is not an Oozie datetime such as 2026-01-01T06:00Z.");
        }

        double? Minutes(string? text, string element)
        {
            if (text is null)
            {
                return null;
            }

            var value = ElEvaluator.Evaluate(text, context);
            return value switch
            {
                long l => l,
                double d => d,
                string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => throw new ElException(
                    $"{element} '{ElValues.ToText(value)}' at {sla.Location} is not a number of minutes; write for " +
                    "example ${30 * MINUTES} or ${2 * HOURS}."),
            };
        }

        var shouldStart = Minutes(sla.ShouldStart, "should-start");
        var shouldEnd = Minutes(sla.ShouldEnd, "should-end")!.Value;
        var maxDuration = Minutes(sla.MaxDuration, "max-duration");
        var contacts = sla.AlertContact is null
            ? []
            : ElEvaluator.EvaluateText(sla.AlertContact, context)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var events = sla.AlertEvents is null
            ? DefaultAlertEvents
            : ElEvaluator.EvaluateText(sla.AlertEvents, context)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(e => e.ToUpperInvariant()).ToArray();
        return new SlaSummary
        {
            Id = string.Empty,
            AppType = string.Empty,
            AppName = string.Empty,
            User = string.Empty,
            SlaStatus = "NOT_STARTED",
            EventStatus = [],
            JobStatus = string.Empty,
            NominalTime = nominal,
            ExpectedStart = shouldStart is { } s ? nominal.AddMinutes(s) : null,
            ExpectedEnd = nominal.AddMinutes(shouldEnd),
            ExpectedDuration = maxDuration is { } m ? (long)(m * 60_000) : -1,
            NotificationMessage = sla.NotificationMessage is null
                ? null
                : ElEvaluator.EvaluateText(sla.NotificationMessage, context),
            UpstreamApps = sla.UpstreamApps is null ? null : ElEvaluator.EvaluateText(sla.UpstreamApps, context),
            AlertContacts = contacts,
            AlertEvents = events,
        };
    }

    /// <summary>Applies Oozie's rules: the end decides MET or MISS, and a job that did not succeed misses its end.</summary>
    private static SlaSummary Measure(
        SlaSummary sla, DateTimeOffset? started, DateTimeOffset? ended, string status, bool succeeded,
        DateTimeOffset now)
    {
        var events = new List<string>();
        if (sla.ExpectedStart is { } expectedStart)
        {
            if (started is { } s)
            {
                events.Add(s <= expectedStart ? "START_MET" : "START_MISS");
            }
            else if (now > expectedStart)
            {
                events.Add("START_MISS");
            }
        }

        long actualDuration = -1;
        if (started is { } start)
        {
            actualDuration = (long)((ended ?? now) - start).TotalMilliseconds;
            if (sla.ExpectedDuration >= 0)
            {
                if (actualDuration > sla.ExpectedDuration)
                {
                    events.Add("DURATION_MISS");
                }
                else if (ended is not null)
                {
                    events.Add("DURATION_MET");
                }
            }
        }

        string? endEvent = null;
        if (ended is { } end)
        {
            endEvent = succeeded && end <= sla.ExpectedEnd ? "END_MET" : "END_MISS";
        }
        else if (now > sla.ExpectedEnd)
        {
            endEvent = "END_MISS";
        }

        if (endEvent is not null)
        {
            events.Add(endEvent);
        }

        static long Minutes(TimeSpan span) => (long)Math.Round(span.TotalMinutes, MidpointRounding.AwayFromZero);
        return sla with
        {
            JobStatus = status,
            ActualStart = started,
            ActualEnd = ended,
            ActualDuration = actualDuration,
            EventStatus = events,
            SlaStatus = endEvent switch
            {
                "END_MET" => "MET",
                "END_MISS" => "MISS",
                _ => started is null ? "NOT_STARTED" : "IN_PROCESS",
            },
            StartDelay = started is { } a && sla.ExpectedStart is { } e ? Minutes(a - e) : null,
            EndDelay = ended is { } b ? Minutes(b - sla.ExpectedEnd) : null,
            DurationDelay = actualDuration >= 0 && sla.ExpectedDuration >= 0
                ? Minutes(TimeSpan.FromMilliseconds(actualDuration - sla.ExpectedDuration))
                : null,
        };
    }

    /// <summary>Adds the SLA time units to the job's EL: durations are in minutes.</summary>
    private sealed class SlaElContext(IElContext inner) : IElContext
    {
        public bool TryGetVariable(string name, out object? value)
        {
            value = name switch
            {
                "MINUTES" => 1L,
                "HOURS" => 60L,
                "DAYS" => 1440L,
                _ => null,
            };
            return value is not null || inner.TryGetVariable(name, out value);
        }

        public bool TryGetFunction(string name, out ElFunction? callable) => inner.TryGetFunction(name, out callable);
    }
}
