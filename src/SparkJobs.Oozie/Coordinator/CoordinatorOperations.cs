using System.Globalization;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>What a coordinator rerun selects and how it treats outputs and inputs.</summary>
/// <param name="Actions">Action numbers and ranges, as <c>1-3,5</c>; or null when dates are given.</param>
/// <param name="Dates">Nominal times and ranges, as <c>2026-01-01T00:00Z::2026-01-03T00:00Z</c>; or null.</param>
/// <param name="Refresh">Re-resolves latest and future instances instead of reusing the materialized ones.</param>
/// <param name="NoCleanup">Keeps the output-event directories instead of deleting them first.</param>
/// <param name="Failed">Reruns only the failed nodes of each action's workflow.</param>
internal sealed record CoordinatorRerun(string? Actions, string? Dates, bool Refresh, bool NoCleanup, bool Failed);

/// <summary>
/// The coordinator job operations of Oozie's CLI: change, kill, suspend, resume, ignore and rerun, with Oozie's
/// rules on which statuses allow each.
/// </summary>
internal sealed class CoordinatorOperations(CoordinatorStore store, TimeProvider time, FileSystems fileSystems)
{
    private static readonly HashSet<string> Terminal = ["SUCCEEDED", "DONEWITHERROR", "KILLED", "FAILED", "IGNORED"];

    /// <summary>Applies <c>-change -value endtime=...;concurrency=...;pausetime=...</c>.</summary>
    public void Change(string id, string value) => PlanChange(id, value)();

    /// <summary>
    /// Checks a <c>-change</c> value against the job without changing anything; the returned step applies it.
    /// A bundle checks every coordinator this way before changing any of them.
    /// </summary>
    public Action PlanChange(string id, string value)
    {
        var job = Get(id);
        if (job.Status is "KILLED" or "FAILED" or "IGNORED")
        {
            throw new OozieException("E1016", $"Coordinator {id} is {job.Status}; only live or finished-ok jobs " +
                "can be changed.");
        }

        var d = new CoordinatorService(store, time, fileSystems).Definition(job);
        var now = time.GetUtcNow();
        var lastNominal = store.Actions(id).Select(a => (DateTimeOffset?)a.NominalTime).Max();
        var steps = new List<Action>();
        foreach (var pair in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var (key, text) = eq > 0 ? (pair[..eq].Trim(), pair[(eq + 1)..].Trim()) : (pair, string.Empty);
            switch (key)
            {
                case "endtime":
                    var end = Time(key, text);
                    if (end < d.Start)
                    {
                        throw Invalid($"endtime [{text}] is before the start time {OozieTime.Format(d.Start)}");
                    }

                    if (lastNominal is { } last && end <= last)
                    {
                        throw Invalid($"endtime [{text}] is not after the last materialized action " +
                            $"({OozieTime.Format(last)})");
                    }

                    steps.Add(() =>
                    {
                        store.SetJob(id, "end_override", CoordinatorStore.F(end));
                        if (end > d.End)
                        {
                            // A longer window has more actions to create; a finished job goes back to running.
                            store.SetJob(id, "materialized", 0);
                            if (job.Status is "SUCCEEDED" or "DONEWITHERROR")
                            {
                                store.SetJob(id, "status", job.Status == "SUCCEEDED" ? "RUNNING" : "RUNNINGWITHERROR");
                            }
                        }
                    });
                    break;
                case "concurrency":
                    if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c)
                        || c < -1 || c == 0)
                    {
                        throw Invalid($"concurrency [{text}] is not a positive number or -1 (unlimited)");
                    }

                    steps.Add(() => store.SetJob(id, "concurrency", c));
                    break;
                case "pausetime" when text.Length == 0:
                    steps.Add(() => store.SetJob(id, "pause", null));
                    break;
                case "pausetime":
                    var pause = Time(key, text);
                    if (pause <= now)
                    {
                        throw Invalid($"pausetime [{text}] is in the past (now {OozieTime.Format(now)})");
                    }

                    steps.Add(() =>
                    {
                        store.SetJob(id, "pause", CoordinatorStore.F(pause));
                        if (lastNominal is { } l && pause <= l)
                        {
                            store.DeleteActionsAfter(id, pause);
                        }
                    });
                    break;
                default:
                    throw Invalid($"'{key}' cannot be changed; the keys are endtime, concurrency and pausetime");
            }
        }

        return () => steps.ForEach(step => step());

        static DateTimeOffset Time(string key, string text) => OozieTime.TryParse(text, out var t)
            ? t : throw Invalid($"{key} [{text}] is not an Oozie datetime such as 2026-01-01T06:00Z");

        static OozieException Invalid(string what) =>
            new("E1015", $"Invalid -change value: {what}; write -value endtime=<t>;concurrency=<n>;pausetime=<t>.");
    }

    /// <summary>Kills, suspends or resumes a coordinator job, its actions and their workflows.</summary>
    public void Control(string id, string operation)
    {
        var job = Get(id);
        var next = NextStatus(operation, job.Status) ?? throw new OozieException("E1018",
            $"Cannot {operation} coordinator {id} in status {job.Status}; kill needs a live job, suspend a PREP, " +
            "RUNNING or PAUSED one, resume a suspended one.");
        store.SetJob(id, "status", next);
        foreach (var a in store.Actions(id))
        {
            switch (operation, a.Status)
            {
                case ("kill", CoordActionStatus.WAITING or CoordActionStatus.READY):
                    store.SetAction(id, a.Number, CoordActionStatus.KILLED);
                    break;
                case ("kill", CoordActionStatus.RUNNING or CoordActionStatus.SUSPENDED) when a.WorkflowId is { } wf:
                    store.Jobs.TryChangeStatus(wf, [JobStatus.PREP, JobStatus.RUNNING, JobStatus.SUSPENDED],
                        JobStatus.KILLED);
                    break;
                case ("suspend", CoordActionStatus.RUNNING) when a.WorkflowId is { } wf:
                    store.Jobs.TryChangeStatus(wf, [JobStatus.RUNNING], JobStatus.SUSPENDED);
                    store.SetAction(id, a.Number, CoordActionStatus.SUSPENDED);
                    break;
                case ("resume", CoordActionStatus.SUSPENDED) when a.WorkflowId is { } wf:
                    store.Jobs.TryChangeStatus(wf, [JobStatus.SUSPENDED], JobStatus.RUNNING);
                    store.SetAction(id, a.Number, CoordActionStatus.RUNNING);
                    break;
            }
        }
    }

    /// <summary>The status kill, suspend or resume moves a coordinator or bundle to; null when not allowed.</summary>
    public static string? NextStatus(string operation, string status) => (operation, status) switch
    {
        ("kill", var s) when !IsFinished(s) => "KILLED",
        ("suspend", "PREP" or "PREPPAUSED") => "PREPSUSPENDED",
        ("suspend", "RUNNING" or "PAUSED") => "SUSPENDED",
        ("suspend", "RUNNINGWITHERROR" or "PAUSEDWITHERROR") => "SUSPENDEDWITHERROR",
        ("resume", "PREPSUSPENDED") => "PREP",
        ("resume", "SUSPENDED") => "RUNNING",
        ("resume", "SUSPENDEDWITHERROR") => "RUNNINGWITHERROR",
        _ => null,
    };

    /// <summary>Whether a coordinator or bundle status is final.</summary>
    public static bool IsFinished(string status) => Terminal.Contains(status);

    /// <summary>Marks a FAILED or KILLED job, or the given failed, killed or timed-out actions, IGNORED.</summary>
    public IReadOnlyList<int> Ignore(string id, string? actions)
    {
        var job = Get(id);
        if (actions is null)
        {
            if (job.Status is not ("FAILED" or "KILLED"))
            {
                throw new OozieException("E1024", $"Coordinator {id} is {job.Status}; only FAILED or KILLED jobs " +
                    "can be ignored. Ignore single actions with -action.");
            }

            store.SetJob(id, "status", "IGNORED");
            return [];
        }

        var selected = Select(id, actions, null);
        foreach (var a in selected)
        {
            if (a.Status is not (CoordActionStatus.FAILED or CoordActionStatus.KILLED or CoordActionStatus.TIMEDOUT))
            {
                throw new OozieException("E1024", $"Action {a.Id} is {a.Status}; only FAILED, KILLED or TIMEDOUT " +
                    "actions can be ignored.");
            }
        }

        foreach (var a in selected)
        {
            store.SetAction(id, a.Number, CoordActionStatus.IGNORED);
        }

        return [.. selected.Select(a => a.Number)];
    }

    /// <summary>Puts the selected finished actions back to WAITING; the scheduler then runs them again.</summary>
    public async Task<IReadOnlyList<int>> RerunAsync(string id, CoordinatorRerun rerun,
        CancellationToken cancellationToken = default)
    {
        var selected = PlanRerun(id, rerun);
        await ApplyRerunAsync(id, selected, rerun, cancellationToken);
        return [.. selected.Select(a => a.Number)];
    }

    /// <summary>Whether a coordinator in this status may rerun actions: not PREP, KILLED, FAILED or IGNORED.</summary>
    public static bool CanRerun(string status) =>
        status is not ("KILLED" or "FAILED" or "IGNORED") && !status.StartsWith("PREP", StringComparison.Ordinal);

    /// <summary>
    /// Checks a rerun without changing anything and returns the actions it selects; with <paramref name="allowNone"/>
    /// a selection that matches no action gives an empty list instead of an error.
    /// </summary>
    public IReadOnlyList<CoordActionRecord> PlanRerun(string id, CoordinatorRerun rerun, bool allowNone = false)
    {
        var job = Get(id);
        if (!CanRerun(job.Status))
        {
            throw new OozieException("E1018", $"Coordinator {id} is {job.Status}; its actions cannot be rerun.");
        }

        var selected = Select(id, rerun.Actions, rerun.Dates, allowNone);
        foreach (var a in selected)
        {
            if (a.Status is CoordActionStatus.WAITING or CoordActionStatus.READY or CoordActionStatus.SUBMITTED
                or CoordActionStatus.RUNNING or CoordActionStatus.SUSPENDED)
            {
                throw new OozieException("E1018", $"Action {a.Id} is {a.Status}; only finished actions can be rerun.");
            }
        }

        return selected;
    }

    /// <summary>Reruns the actions <see cref="PlanRerun"/> chose: cleans outputs, puts them back to WAITING.</summary>
    public async Task ApplyRerunAsync(string id, IReadOnlyList<CoordActionRecord> selected, CoordinatorRerun rerun,
        CancellationToken cancellationToken = default)
    {
        var job = Get(id);
        var d = new CoordinatorService(store, time, fileSystems).Definition(job);
        var materializer = new Materializer(d, time);
        var keep = d.App.Outputs.Where(o => o.NoCleanup).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var a in selected)
        {
            if (!rerun.NoCleanup)
            {
                foreach (var uri in a.DataOut.Where(o => !keep.Contains(o.Key)).SelectMany(o => o.Value))
                {
                    var path = StoragePath.Parse(uri);
                    await fileSystems.For(path).DeleteAsync(path, recursive: true, cancellationToken);
                }
            }

            var dataIn = rerun.Refresh ? materializer.Materialize(a.Number, a.NominalTime, time.GetUtcNow()).DataIn
                : null;
            store.ResetAction(id, a.Number, dataIn, rerun.Failed && a.WorkflowId is not null);
        }

        if (Terminal.Contains(job.Status))
        {
            store.SetJob(id, "status", "RUNNING");
        }
    }

    private List<CoordActionRecord> Select(string id, string? numbers, string? dates, bool allowNone = false)
    {
        var actions = store.Actions(id);
        var selected = new List<CoordActionRecord>();
        if (numbers is not null)
        {
            foreach (var (from, to) in Ranges(numbers, "-", Number))
            {
                selected.AddRange(actions.Where(a => a.Number >= from && a.Number <= to));
            }
        }
        else if (dates is not null)
        {
            foreach (var (from, to) in Ranges(dates, "::", Date))
            {
                selected.AddRange(actions.Where(a => a.NominalTime >= from && a.NominalTime <= to));
            }
        }
        else
        {
            throw new OozieException("E1018", "Say which actions: -action 1-3,5 or -date <from>::<to>.");
        }

        selected = [.. selected.DistinctBy(a => a.Number).OrderBy(a => a.Number)];
        return selected.Count > 0 || allowNone ? selected : throw new OozieException("E1018",
            $"No actions of {id} match -action/-date [{numbers ?? dates}]; see 'oozie-lite job -info {id}'.");

        // "a,b-c" for numbers, "a,b::c" for dates: single values and inclusive ranges.
        static IEnumerable<(T From, T To)> Ranges<T>(string text, string separator, Func<string, T> parse) =>
            text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
                part.IndexOf(separator, 1, StringComparison.Ordinal) is var at and > 0
                    ? (parse(part[..at]), parse(part[(at + separator.Length)..]))
                    : (parse(part), parse(part)));

        static int Number(string text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new OozieException("E1018", $"-action [{text}] is not an action number; write 1-3,5.");

        static DateTimeOffset Date(string text) => OozieTime.TryParse(text, out var t) ? t
            : throw new OozieException("E1018", $"-date [{text}] is not an Oozie datetime such as 2026-01-01T06:00Z.");
    }

    private CoordJobRecord Get(string id) => store.GetJob(id) ?? throw new OozieException("E0604",
        $"Job [{id}] does not exist; list jobs with 'oozie-lite jobs -jobtype coordinator'.");
}
