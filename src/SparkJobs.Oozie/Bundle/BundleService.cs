using System.Text.Json;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Properties;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Bundle;

/// <summary>One stored bundle job; PauseTime and EndTime are set by <c>-change</c>.</summary>
internal sealed record BundleJobRecord(string Id, string Name, string Status, string User, DateTimeOffset KickOff,
    DateTimeOffset Created, IReadOnlyDictionary<string, string> Configuration, DateTimeOffset? PauseTime = null,
    DateTimeOffset? EndTime = null)
{
    /// <summary>Gets the bundle application path the job was submitted with, its variables expanded.</summary>
    public string AppPath => Configuration.GetValueOrDefault(BundleLoader.AppPathProperty) is { } raw
        ? PropertyResolver.Expand(raw.Trim(), Configuration, PropertyResolver.SystemProperties(User))
        : "-";
}

/// <summary>One coordinator of a stored bundle; CoordinatorId is null until the bundle has kicked off.</summary>
internal sealed record BundleCoordinatorRecord(string Name, string? CoordinatorId, bool Critical, bool Enabled);

/// <summary>What a bundle rerun selects and how the coordinators rerun their actions.</summary>
/// <param name="Coordinators">Coordinator names or ids, comma-separated; null for every coordinator.</param>
/// <param name="Dates">Nominal times and ranges, as <c>2026-01-01T06:00Z::2026-01-03T06:00Z</c>; null for the whole
/// window of each coordinator.</param>
/// <param name="Refresh">Re-resolves latest and future instances instead of reusing the materialized ones.</param>
/// <param name="NoCleanup">Keeps the output-event directories instead of deleting them first.</param>
internal sealed record BundleRerun(string? Coordinators, string? Dates, bool Refresh, bool NoCleanup);

/// <summary>The actions one coordinator of a bundle reruns.</summary>
internal sealed record BundleCoordinatorRerun(string Name, string CoordinatorId, IReadOnlyList<int> Actions);

/// <summary>What a bundle rerun or change did per coordinator, and the coordinators it passed over.</summary>
internal sealed record BundleOperationResult<T>(IReadOnlyList<T> Done, IReadOnlyList<BundleSkip> Skipped);

/// <summary>A coordinator a bundle rerun or change passed over, and why.</summary>
internal sealed record BundleSkip(string Name, string Reason);

/// <summary>
/// Bundles: submission, kick-off (which submits each enabled coordinator with its configuration), status roll-up
/// from the coordinators, and kill, suspend, resume, rerun and change passed down to them.
/// </summary>
internal sealed class BundleService(CoordinatorStore store, TimeProvider time, FileSystems fileSystems)
{
    /// <summary>
    /// Gets a check each coordinator application path must pass at kick-off; it throws an
    /// <see cref="OozieException"/>. A server confines paths with it.
    /// </summary>
    public Action<string>? CoordinatorPathCheck { get; init; }

    /// <summary>Gets the bundle.xml a bundle was submitted with, or null when there is no such bundle.</summary>
    public string? Definition(string id)
    {
        using var c = store.Connect();
        using var cmd = CoordinatorStore.Cmd(c, null, "SELECT definition FROM bundle_jobs WHERE id = $id",
            ("$id", id));
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>
    /// Starts a PREP bundle now, as <c>oozie job -start</c> does: its coordinators are submitted without waiting
    /// for the kick-off time.
    /// </summary>
    public async Task StartAsync(string id, CancellationToken cancellationToken = default)
    {
        var bundle = Get(id, "E0604");
        if (bundle.Status != "PREP")
        {
            throw new OozieException("E1100", $"Not able to start bundle {id}: it is {bundle.Status}; only a PREP " +
                "bundle can be started.");
        }

        await KickOffAsync(bundle, cancellationToken);
        Set(id, "RUNNING");
    }
    /// <summary>Reads bundle.xml from <c>oozie.bundle.application.path</c> and stores the bundle in PREP.</summary>
    public async Task<string> SubmitAsync(IReadOnlyDictionary<string, string> jobProperties,
        IReadOnlyDictionary<string, string> overrides, string user, string configSource,
        CancellationToken cancellationToken = default)
    {
        var conf = new Dictionary<string, string>(jobProperties, StringComparer.Ordinal);
        foreach (var (k, v) in overrides)
        {
            conf[k] = v;
        }

        var sys = PropertyResolver.SystemProperties(user);
        var raw = conf.GetValueOrDefault(BundleLoader.AppPathProperty)?.Trim() ?? string.Empty;
        var appPath = StoragePath.Parse(PropertyResolver.Expand(raw, conf, sys));
        var fs = fileSystems.For(appPath);
        var status = await fs.GetStatusAsync(appPath, cancellationToken) ?? throw new OozieException("E0505",
            $"{configSource}: the bundle application '{appPath}' ({BundleLoader.AppPathProperty}) does not exist.");
        var file = status.IsDirectory ? appPath.Combine("bundle.xml") : appPath;
        var text = await fs.ReadAllTextAsync(file, cancellationToken);
        var errors = new List<WorkflowError>();
        var app = BundleParser.Parse(text, file.ToString(), errors);
        if (app is null || errors.Count > 0)
        {
            throw new WorkflowValidationException(errors);
        }

        foreach (var p in app.Parameters)
        {
            if (!conf.ContainsKey(p.Name))
            {
                conf[p.Name] = p.DefaultValue ?? throw new OozieException("E0738",
                    $"{file}: parameter [{p.Name}] has no value; pass -D{p.Name}=... or set it in {configSource}.");
            }
        }

        var kickOff = time.GetUtcNow();
        if (app.KickOffTime is { } kick)
        {
            var expanded = PropertyResolver.Expand(kick, conf, sys);
            kickOff = OozieTime.TryParse(expanded, out var t) ? t : throw new OozieException("E1310",
                $"{file}: kick-off-time [{expanded}] is not an Oozie datetime such as 2026-01-01T00:00Z.");
        }

        var id = store.Jobs.NextJobId(user)[..^1] + "B";
        using var c = store.Connect();
        using var tx = c.BeginTransaction();
        CoordinatorStore.Exec(c, tx, "INSERT INTO bundle_jobs (id, name, status, definition, file, conf, user, " +
            "kickoff, created) VALUES ($id, $name, 'PREP', $def, $file, $conf, $user, $kick, $now)",
            ("$id", id), ("$name", app.Name), ("$def", text), ("$file", file.ToString()),
            ("$conf", JsonSerializer.Serialize(conf)), ("$user", user), ("$kick", CoordinatorStore.F(kickOff)),
            ("$now", CoordinatorStore.F(time.GetUtcNow())));
        foreach (var coordinator in app.Coordinators)
        {
            CoordinatorStore.Exec(c, tx, "INSERT INTO bundle_coords VALUES ($id, $name, NULL, $critical, $enabled)",
                ("$id", id), ("$name", coordinator.Name), ("$critical", coordinator.Critical ? 1 : 0),
                ("$enabled", coordinator.Enabled ? 1 : 0));
        }

        tx.Commit();
        return id;
    }

    /// <summary>Kicks off bundles whose time has come and rolls every live bundle's status up.</summary>
    public async Task TickAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        foreach (var bundle in Jobs().Where(b => !CoordinatorOperations.IsFinished(b.Status)))
        {
            // A bundle that reaches its pause time before kick-off waits in PREPPAUSED, as in Oozie.
            var paused = bundle.PauseTime is { } pause && pause <= now;
            var status = (bundle.Status, paused) switch
            {
                ("PREP", true) => "PREPPAUSED",
                ("PREPPAUSED", false) => "PREP",
                _ => bundle.Status,
            };
            if (status != bundle.Status)
            {
                TrySet(bundle.Id, bundle.Status, status);
            }

            if (status == "PREP" && bundle.KickOff <= now)
            {
                await KickOffAsync(bundle, cancellationToken);
                if (!TrySet(bundle.Id, status, "RUNNING") && Get(bundle.Id, "E0604").Status == "KILLED")
                {
                    // Killed while it kicked off: the coordinators it just started go too.
                    ControlCoordinators(bundle.Id, "kill");
                }
            }
            else if (status is "RUNNING" or "RUNNINGWITHERROR" or "PAUSED" or "PAUSEDWITHERROR")
            {
                RollUp(bundle, paused);
            }
        }
    }

    /// <summary>Lists the stored bundles, or the one with the given id.</summary>
    public IReadOnlyList<BundleJobRecord> Jobs(string? id = null)
    {
        using var c = store.Connect();
        using var cmd = CoordinatorStore.Cmd(c, null,
            "SELECT * FROM bundle_jobs WHERE $id IS NULL OR id = $id ORDER BY id", ("$id", id));
        using var r = cmd.ExecuteReader();
        var list = new List<BundleJobRecord>();
        while (r.Read())
        {
            list.Add(new BundleJobRecord(CoordinatorStore.S(r, "id")!, CoordinatorStore.S(r, "name")!,
                CoordinatorStore.S(r, "status")!, CoordinatorStore.S(r, "user")!,
                CoordinatorStore.T(r, "kickoff")!.Value, CoordinatorStore.T(r, "created")!.Value,
                JsonSerializer.Deserialize<Dictionary<string, string>>(CoordinatorStore.S(r, "conf")!)!,
                CoordinatorStore.T(r, "pause"), CoordinatorStore.T(r, "end_time")));
        }

        return list;
    }

    /// <summary>Lists a bundle's coordinators in bundle.xml order.</summary>
    public IReadOnlyList<BundleCoordinatorRecord> Coordinators(string bundleId)
    {
        using var c = store.Connect();
        using var cmd = CoordinatorStore.Cmd(c, null,
            "SELECT * FROM bundle_coords WHERE bundle_id = $id ORDER BY rowid", ("$id", bundleId));
        using var r = cmd.ExecuteReader();
        var list = new List<BundleCoordinatorRecord>();
        while (r.Read())
        {
            list.Add(new BundleCoordinatorRecord(CoordinatorStore.S(r, "name")!, CoordinatorStore.S(r, "coord_id"),
                r.GetInt32(r.GetOrdinal("critical")) != 0, r.GetInt32(r.GetOrdinal("enabled")) != 0));
        }

        return list;
    }

    /// <summary>Kills, suspends or resumes a bundle and every coordinator it started.</summary>
    public void Control(string id, string operation)
    {
        var bundle = Get(id, "E0604");
        var next = CoordinatorOperations.NextStatus(operation, bundle.Status);
        if (next is null)
        {
            throw new OozieException("E1018", $"Cannot {operation} bundle {id} in status {bundle.Status}; " +
                "kill needs a live bundle, suspend a PREP, RUNNING or PAUSED one, resume a suspended one.");
        }

        ControlCoordinators(id, operation);
        Set(id, next);
    }

    private void ControlCoordinators(string id, string operation)
    {
        var operations = new CoordinatorOperations(store, time, fileSystems);
        foreach (var coordinator in Coordinators(id).Where(x => x.CoordinatorId is not null))
        {
            var status = store.GetJob(coordinator.CoordinatorId!)!.Status;
            if (CoordinatorOperations.NextStatus(operation, status) is not null)
            {
                operations.Control(coordinator.CoordinatorId!, operation);
            }
        }
    }

    /// <summary>
    /// Reruns actions of the bundle's coordinators, as <c>job -rerun &lt;bundle&gt; [-coordinator ...] [-date ...]</c>:
    /// the named coordinators (every one when none is named) over the given dates (each one's whole window when
    /// none are given). Everything is checked before anything changes; a coordinator that was named but cannot be
    /// rerun is an error, one that was only implied is passed over and reported.
    /// </summary>
    public async Task<BundleOperationResult<BundleCoordinatorRerun>> RerunAsync(string id, BundleRerun rerun,
        CancellationToken cancellationToken = default)
    {
        var bundle = Get(id, "E0604");
        if (bundle.Status is "KILLED" or "FAILED" or "IGNORED"
            || bundle.Status.StartsWith("PREP", StringComparison.Ordinal))
        {
            throw new OozieException("E1100", $"Not able to rerun bundle {id}: it is {bundle.Status}. Only a bundle " +
                "that has kicked off and was not killed, failed or ignored can be rerun.");
        }

        var operations = new CoordinatorOperations(store, time, fileSystems);
        var service = new CoordinatorService(store, time, fileSystems);
        var plans = new List<(BundleCoordinatorRerun Rerun, IReadOnlyList<CoordActionRecord> Actions)>();
        var skipped = new List<BundleSkip>();
        foreach (var (coordinator, named) in Targets(id, rerun.Coordinators, "-coordinator"))
        {
            if (coordinator.CoordinatorId is not { } coordId)
            {
                var why = NotStarted(coordinator);
                if (named)
                {
                    throw new OozieException("E1018", $"Coordinator '{coordinator.Name}' of bundle {id} {why}, so " +
                        "it has no actions to rerun.");
                }

                skipped.Add(new BundleSkip(coordinator.Name, why));
                continue;
            }

            var job = store.GetJob(coordId)!;
            if (!named && !CoordinatorOperations.CanRerun(job.Status))
            {
                skipped.Add(new BundleSkip(coordinator.Name, $"is {job.Status}"));
                continue;
            }

            var definition = service.Definition(job);
            var dates = rerun.Dates ?? $"{OozieTime.Format(definition.Start)}::{OozieTime.Format(definition.End)}";
            IReadOnlyList<CoordActionRecord> actions;
            try
            {
                var selection = new CoordinatorRerun(null, dates, rerun.Refresh, rerun.NoCleanup, Failed: false);
                actions = operations.PlanRerun(coordId, selection, allowNone: !named);
            }
            catch (OozieException e)
            {
                throw new OozieException(e.ErrorCode, $"Coordinator '{coordinator.Name}' of bundle {id}: {e.Message}");
            }

            if (actions.Count == 0)
            {
                skipped.Add(new BundleSkip(coordinator.Name, $"has no actions in [{dates}]"));
                continue;
            }

            plans.Add((new BundleCoordinatorRerun(coordinator.Name, coordId, [.. actions.Select(a => a.Number)]),
                actions));
        }

        if (plans.Count == 0)
        {
            throw new OozieException("E1018", $"Nothing to rerun in bundle {id}: " +
                string.Join("; ", skipped.Select(s => $"'{s.Name}' {s.Reason}")) +
                $". See 'oozie-lite job -info {id}' for its coordinators.");
        }

        foreach (var (plan, actions) in plans)
        {
            await operations.ApplyRerunAsync(plan.CoordinatorId, actions,
                new CoordinatorRerun(null, rerun.Dates, rerun.Refresh, rerun.NoCleanup, Failed: false),
                cancellationToken);
        }

        // A finished bundle runs again and rolls up anew; a suspended or paused one keeps its status, as in Oozie.
        if (CoordinatorOperations.IsFinished(bundle.Status))
        {
            Set(id, "RUNNING");
        }

        return new([.. plans.Select(p => p.Rerun)], skipped);
    }

    /// <summary>
    /// Applies <c>-change -value endtime=...;pausetime=...</c> to the bundle and every coordinator it started that
    /// can still change, checking all of them first; coordinators not started yet take the new values at kick-off.
    /// </summary>
    public BundleOperationResult<string> Change(string id, string value)
    {
        var bundle = Get(id, "E1314");
        var now = time.GetUtcNow();
        DateTimeOffset? pause = bundle.PauseTime, end = bundle.EndTime;
        var pairs = new List<string>();
        foreach (var pair in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var (key, text) = eq > 0 ? (pair[..eq].Trim(), pair[(eq + 1)..].Trim()) : (pair, string.Empty);
            switch (key)
            {
                case "pausetime":
                    if (bundle.Status is "SUCCEEDED" or "DONEWITHERROR" or "FAILED" or "KILLED" or "IGNORED")
                    {
                        throw new OozieException("E1312", $"Bundle {id} is {bundle.Status}; the pause time of a " +
                            "finished bundle cannot be changed.");
                    }

                    pause = text.Length == 0 ? null : Time(key, text);
                    if (pause <= now)
                    {
                        throw Invalid($"pausetime [{text}] must be a future time (now {OozieTime.Format(now)})");
                    }

                    break;
                case "endtime":
                    if (bundle.Status == "KILLED")
                    {
                        throw new OozieException("E1312", $"Bundle {id} is KILLED; its end time cannot be changed.");
                    }

                    end = Time(key, text);
                    if (end < bundle.KickOff)
                    {
                        throw Invalid($"endtime [{text}] is before the kick-off time " +
                            OozieTime.Format(bundle.KickOff));
                    }

                    break;
                default:
                    throw Invalid($"'{key}' cannot be changed on a bundle; the keys are endtime and pausetime");
            }

            pairs.Add($"{key}={text}");
        }

        if (pairs.Count == 0)
        {
            throw Invalid($"[{value}] names nothing to change");
        }

        // Check every coordinator's change before applying any, so a bundle is never left half changed.
        var operations = new CoordinatorOperations(store, time, fileSystems);
        var steps = new List<(string Name, Action Apply)>();
        var skipped = new List<BundleSkip>();
        foreach (var coordinator in Coordinators(id))
        {
            var status = coordinator.CoordinatorId is { } cid ? store.GetJob(cid)!.Status : null;
            if (status is null or "KILLED" or "FAILED" or "IGNORED")
            {
                var why = status is null ? NotStarted(coordinator) : $"is {status}";
                skipped.Add(new BundleSkip(coordinator.Name, why));
                continue;
            }

            try
            {
                var apply = operations.PlanChange(coordinator.CoordinatorId!, string.Join(";", pairs));
                steps.Add((coordinator.Name, apply));
            }
            catch (OozieException e)
            {
                throw new OozieException(e.ErrorCode, $"Coordinator '{coordinator.Name}' of bundle {id}: {e.Message}");
            }
        }

        SetColumn(id, "pause", CoordinatorStore.F(pause));
        SetColumn(id, "end_time", CoordinatorStore.F(end));
        steps.ForEach(step => step.Apply());
        if (end != bundle.EndTime && CoordinatorOperations.IsFinished(bundle.Status))
        {
            // A new end time can give the coordinators more to do; the next roll-up settles the status.
            Set(id, "RUNNING");
        }

        return new([.. steps.Select(s => s.Name)], skipped);

        static DateTimeOffset Time(string key, string text) => OozieTime.TryParse(text, out var t)
            ? t : throw Invalid($"{key} [{text}] is not an Oozie datetime such as 2026-01-01T06:00Z");

        static OozieException Invalid(string what) =>
            new("E1317", $"Invalid bundle -change value: {what}; write -value endtime=<t>;pausetime=<t>.");
    }

    /// <summary>
    /// Oozie's bundle roll-up: all coordinators ended alike gives that status, any mix DONEWITHERROR; here a critical
    /// coordinator that FAILED or was KILLED decides the bundle's final status, since the bundle cannot do its job.
    /// </summary>
    public static string? Final(IReadOnlyList<(string Status, bool Critical)> coordinators)
    {
        if (coordinators.Any(c => !CoordinatorOperations.IsFinished(c.Status)))
        {
            return null;
        }

        if (coordinators.FirstOrDefault(c => c.Critical && c.Status is "FAILED" or "KILLED") is { Status: { } s })
        {
            return s;
        }

        var distinct = coordinators.Select(c => c.Status).Distinct().ToList();
        return distinct.Count switch
        {
            0 => "SUCCEEDED",
            1 when distinct[0] != "IGNORED" => distinct[0],
            _ => "DONEWITHERROR",
        };
    }

    private static string NotStarted(BundleCoordinatorRecord coordinator) =>
        coordinator.Enabled ? "has not been started" : "is disabled (enabled=\"false\")";

    // The coordinators a rerun targets, and whether each was named; names and ids may be mixed.
    private List<(BundleCoordinatorRecord Coordinator, bool Named)> Targets(string id, string? selection,
        string option)
    {
        var all = Coordinators(id);
        if (selection is null)
        {
            return [.. all.Select(c => (c, false))];
        }

        var names = selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new OozieException("E1018", $"{option} is empty; name coordinators of bundle {id}: " +
                $"{string.Join(",", all.Select(c => c.Name))}.");
        }

        var targets = new List<(BundleCoordinatorRecord, bool)>();
        foreach (var name in names)
        {
            var match = all.FirstOrDefault(c => c.Name == name || c.CoordinatorId == name) ?? throw new OozieException(
                "E1018", $"{option} [{name}]: bundle {id} has no coordinator of that name or id; its coordinators " +
                $"are {string.Join(",", all.Select(c => c.Name))}.");
            if (!targets.Any(t => t.Item1.Name == match.Name))
            {
                targets.Add((match, true));
            }
        }

        return targets;
    }

    private async Task KickOffAsync(BundleJobRecord bundle, CancellationToken cancellationToken)
    {
        // The bundle runs the definition it was submitted with, not whatever bundle.xml holds now.
        string text, file;
        using (var c = store.Connect())
        using (var cmd = CoordinatorStore.Cmd(c, null, "SELECT definition, file FROM bundle_jobs WHERE id = $id",
            ("$id", bundle.Id)))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (text, file) = (r.GetString(0), r.GetString(1));
        }

        var app = BundleParser.Parse(text, file, [])!;
        var sys = PropertyResolver.SystemProperties(bundle.User);
        var coordinators = new CoordinatorService(store, time, fileSystems);
        foreach (var coordinator in app.Coordinators.Where(x => x.Enabled))
        {
            // Each coordinator sees the bundle's configuration with its own configuration on top.
            var conf = new Dictionary<string, string>(bundle.Configuration, StringComparer.Ordinal);
            conf.Remove(BundleLoader.AppPathProperty);
            foreach (var (key, value) in coordinator.Configuration)
            {
                conf[key] = PropertyResolver.Expand(value, bundle.Configuration, sys);
            }

            conf[CoordinatorLoader.AppPathProperty] = PropertyResolver.Expand(coordinator.AppPath,
                bundle.Configuration, sys);
            CoordinatorPathCheck?.Invoke(conf[CoordinatorLoader.AppPathProperty]);
            conf["oozie.bundle.id"] = bundle.Id;
            var prepared = await CoordinatorLoader.PrepareAsync(conf, new Dictionary<string, string>(), bundle.User,
                $"{file} coordinator '{coordinator.Name}'", fileSystems, time, cancellationToken);
            var coordId = coordinators.Submit(prepared);

            // A pause or end time changed on the bundle before kick-off applies to its coordinators from the start.
            if (bundle.PauseTime is { } pause)
            {
                store.SetJob(coordId, "pause", CoordinatorStore.F(pause));
            }

            if (bundle.EndTime is { } end)
            {
                store.SetJob(coordId, "end_override", CoordinatorStore.F(end));
            }

            using var c = store.Connect();
            CoordinatorStore.Exec(c, null, "UPDATE bundle_coords SET coord_id = $c WHERE bundle_id = $b AND name = $n",
                ("$c", coordId), ("$b", bundle.Id), ("$n", coordinator.Name));
        }
    }

    private void RollUp(BundleJobRecord bundle, bool paused)
    {
        var statuses = Coordinators(bundle.Id).Where(c => c.CoordinatorId is not null)
            .Select(c => (store.GetJob(c.CoordinatorId!)!.Status, c.Critical)).ToList();
        var status = Final(statuses);
        if (status is null)
        {
            status = statuses.Any(s => s.Status is "FAILED" or "KILLED" or "DONEWITHERROR"
                || s.Status.EndsWith("WITHERROR", StringComparison.Ordinal)) ? "RUNNINGWITHERROR" : "RUNNING";
            if (paused)
            {
                status = status.Replace("RUNNING", "PAUSED", StringComparison.Ordinal);
            }
        }

        if (status != bundle.Status)
        {
            TrySet(bundle.Id, bundle.Status, status);
        }
    }

    private void Set(string id, string status) => SetColumn(id, "status", status);

    // The scheduler's own status moves apply only if no command changed the bundle since it was read.
    private bool TrySet(string id, string expected, string status)
    {
        using var c = store.Connect();
        return CoordinatorStore.Exec(c, null,
            "UPDATE bundle_jobs SET status = $s WHERE id = $id AND status = $expected",
            ("$s", status), ("$id", id), ("$expected", expected)) == 1;
    }

    private void SetColumn(string id, string column, object? value)
    {
        using var c = store.Connect();
        CoordinatorStore.Exec(c, null, $"UPDATE bundle_jobs SET {column} = $v WHERE id = $id", ("$v", value),
            ("$id", id));
    }

    private BundleJobRecord Get(string id, string code) => Jobs(id) is [var b] ? b : throw new OozieException(code,
        $"Job [{id}] does not exist; list bundles with 'oozie-lite jobs -jobtype bundle'.");
}
