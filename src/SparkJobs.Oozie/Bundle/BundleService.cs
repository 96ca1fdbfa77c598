using System.Text.Json;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Properties;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Bundle;

/// <summary>One stored bundle job.</summary>
internal sealed record BundleJobRecord(string Id, string Name, string Status, string User, DateTimeOffset KickOff,
    DateTimeOffset Created, IReadOnlyDictionary<string, string> Configuration);

/// <summary>One coordinator of a stored bundle; CoordinatorId is null until the bundle has kicked off.</summary>
internal sealed record BundleCoordinatorRecord(string Name, string? CoordinatorId, bool Critical, bool Enabled);

/// <summary>
/// Bundles: submission, kick-off (which submits each enabled coordinator with its configuration), status roll-up
/// from the coordinators, and kill, suspend and resume passed down to them.
/// </summary>
internal sealed class BundleService(CoordinatorStore store, TimeProvider time, FileSystems fileSystems)
{
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
        CoordinatorStore.Exec(c, tx, "INSERT INTO bundle_jobs VALUES ($id, $name, 'PREP', $def, $file, $conf, $user, " +
            "$kick, $now)", ("$id", id), ("$name", app.Name), ("$def", text), ("$file", file.ToString()),
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
        foreach (var bundle in Jobs().Where(b => !CoordinatorOperations.IsFinished(b.Status)))
        {
            if (bundle.Status == "PREP" && bundle.KickOff <= time.GetUtcNow())
            {
                await KickOffAsync(bundle, cancellationToken);
                Set(bundle.Id, "RUNNING");
            }
            else if (bundle.Status is "RUNNING" or "RUNNINGWITHERROR")
            {
                RollUp(bundle);
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
                JsonSerializer.Deserialize<Dictionary<string, string>>(CoordinatorStore.S(r, "conf")!)!));
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
        var bundle = Jobs(id) is [var b] ? b : throw new OozieException("E0604",
            $"Job [{id}] does not exist; list bundles with 'oozie-lite jobs -jobtype bundle'.");
        var next = bundle.Status.Contains("PAUSED", StringComparison.Ordinal) ? null
            : CoordinatorOperations.NextStatus(operation, bundle.Status);
        if (next is null)
        {
            throw new OozieException("E1018", $"Cannot {operation} bundle {id} in status {bundle.Status}; " +
                "kill needs a live bundle, suspend a PREP or RUNNING one, resume a suspended one.");
        }

        var operations = new CoordinatorOperations(store, time, fileSystems);
        foreach (var coordinator in Coordinators(id).Where(x => x.CoordinatorId is not null))
        {
            var status = store.GetJob(coordinator.CoordinatorId!)!.Status;
            if (CoordinatorOperations.NextStatus(operation, status) is not null)
            {
                operations.Control(coordinator.CoordinatorId!, operation);
            }
        }

        Set(id, next);
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
            conf["oozie.bundle.id"] = bundle.Id;
            var prepared = await CoordinatorLoader.PrepareAsync(conf, new Dictionary<string, string>(), bundle.User,
                $"{file} coordinator '{coordinator.Name}'", fileSystems, time, cancellationToken);
            var coordId = coordinators.Submit(prepared);
            using var c = store.Connect();
            CoordinatorStore.Exec(c, null, "UPDATE bundle_coords SET coord_id = $c WHERE bundle_id = $b AND name = $n",
                ("$c", coordId), ("$b", bundle.Id), ("$n", coordinator.Name));
        }
    }

    private void RollUp(BundleJobRecord bundle)
    {
        var statuses = Coordinators(bundle.Id).Where(c => c.CoordinatorId is not null)
            .Select(c => (store.GetJob(c.CoordinatorId!)!.Status, c.Critical)).ToList();
        var status = Final(statuses) ?? (statuses.Any(s => s.Status is "FAILED" or "KILLED" or "DONEWITHERROR"
            || s.Status.EndsWith("WITHERROR", StringComparison.Ordinal)) ? "RUNNINGWITHERROR" : "RUNNING");
        if (status != bundle.Status)
        {
            Set(bundle.Id, status);
        }
    }

    private void Set(string id, string status)
    {
        using var c = store.Connect();
        CoordinatorStore.Exec(c, null, "UPDATE bundle_jobs SET status = $s WHERE id = $id", ("$s", status),
            ("$id", id));
    }
}
