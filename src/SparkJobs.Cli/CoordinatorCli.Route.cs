using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Cli;

/// <summary>Which <c>job</c> and <c>jobs</c> commands belong to coordinators and bundles.</summary>
internal sealed partial class CoordinatorCli
{
    private static readonly string[] Operations1 = ["info", "kill", "suspend", "resume", "change", "ignore", "rerun"];

    /// <summary>Runs a <c>job</c> operation on a coordinator (-C) or bundle (-B) id; null for workflows.</summary>
    public async Task<int?> TryJobAsync(CliArguments args)
    {
        foreach (var op in Operations1)
        {
            if (args.Options.GetValueOrDefault(op) is not { } id)
            {
                continue;
            }

            if (id.EndsWith("-B", StringComparison.Ordinal))
            {
                return await BundleJobAsync(id, op, args);
            }

            if (!id.EndsWith("-C", StringComparison.Ordinal))
            {
                return null;
            }

            return op switch
            {
                "info" => Info(id, args),
                "change" => Change(id, args.Required("value")),
                "ignore" => Ignore(id, args.Options.GetValueOrDefault("action")),
                "rerun" => await RerunAsync(id, new CoordinatorRerun(args.Options.GetValueOrDefault("action"),
                    args.Options.GetValueOrDefault("date"), args.Has("refresh"), args.Has("nocleanup"),
                    args.Has("failed"))),
                _ => Control(id, op),
            };
        }

        return null;
    }

    /// <summary>Lists coordinator or bundle jobs for <c>jobs -jobtype coordinator|bundle</c>.</summary>
    public int ListJobs(string jobType) => jobType switch
    {
        "coordinator" or "coord" => ListCoordinators(),
        "bundle" => ListBundles(),
        _ => throw new UsageException($"-jobtype {jobType} is not known; use wf, coordinator or bundle."),
    };

    private BundleService Bundles() =>
        new(new CoordinatorStore(JobStore.Open(JobStore.DefaultHome(), time), time), time, FileSystems.Default);

    private async Task<int> BundleJobAsync(string id, string operation, CliArguments args)
    {
        var bundles = Bundles();
        switch (operation)
        {
            case "info":
                return BundleInfo(bundles, id, args);
            case "rerun":
                return await BundleRerunAsync(bundles, id, args);
            case "change":
                var value = args.Required("value");
                var changed = bundles.Change(id, value);
                stdout.WriteLine($"Changed {id}: {value}");
                Report("Changed", changed.Done, changed.Skipped);
                return ExitCodes.Success;
            case "ignore":
                throw new UsageException("-ignore is not available for bundles; ignore a coordinator or its actions " +
                    "with -ignore <coord id> [-action 1-3].");
            default:
                bundles.Control(id, operation);
                return ExitCodes.Success;
        }
    }

    private async Task<int> BundleRerunAsync(BundleService bundles, string id, CliArguments args)
    {
        foreach (var option in new[] { "action", "failed" })
        {
            if (args.Has(option))
            {
                throw new UsageException($"-{option} is not valid for a bundle rerun; choose coordinators with " +
                    "-coordinator <names> and their actions with -date <from>::<to>, or rerun one coordinator " +
                    $"with -rerun <coord id> -{option} ....");
            }
        }

        var coordinators = args.Options.GetValueOrDefault("coordinator");
        var dates = args.Options.GetValueOrDefault("date");
        if (coordinators is null && dates is null)
        {
            // Oozie's CLI asks for one of them, and its server reruns nothing without them.
            throw new UsageException("-rerun of a bundle needs -coordinator <names or ids> or -date <from>::<to> " +
                "(or both); to rerun every coordinator over its whole window, name them all with -coordinator.");
        }

        var result = await bundles.RerunAsync(id, new BundleRerun(coordinators, dates, args.Has("refresh"),
            args.Has("nocleanup")));
        var range = dates is null ? "their whole windows" : $"date ranges [{dates}]";
        stdout.WriteLine(coordinators is null
            ? $"All coordinators of bundle {id} are scheduled to rerun on {range}."
            : $"Coordinators [{coordinators}] of bundle {id} are scheduled to rerun on {range}.");
        Report("Rerun", [.. result.Done.Select(r => $"{r.Name}: {Actions(r.CoordinatorId, r.Actions)}")],
            result.Skipped);
        return ExitCodes.Success;
    }

    private void Report(string verb, IReadOnlyList<string> done, IReadOnlyList<BundleSkip> skipped)
    {
        foreach (var line in done)
        {
            stdout.WriteLine($"{verb} {line}");
        }

        foreach (var skip in skipped)
        {
            stdout.WriteLine($"Skipped {skip.Name}: it {skip.Reason}");
        }
    }

    // Oozie's bundle -info: the job's fields, then one row per coordinator (with its name, which -coordinator takes).
    private int BundleInfo(BundleService bundles, string id, CliArguments args)
    {
        var job = bundles.Jobs(id) is [var b] ? b : throw new OozieException("E0604",
            $"Job [{id}] does not exist; list bundles with 'oozie-lite jobs -jobtype bundle'.");
        var store = Store();
        var service = new CoordinatorService(store, time, FileSystems.Default);
        var rows = args.Page(bundles.Coordinators(id)).Select(c =>
        {
            if (c.CoordinatorId is not { } cid || store.GetJob(cid) is not { } coordinator)
            {
                return new BundleCoordinatorView(null, c.Enabled ? "PREP" : "DISABLED", null, null, null, null,
                    c.Name);
            }

            var d = service.Definition(coordinator);
            var next = coordinator.Materialized ? null
                : new Materializer(d, time).NextNominalTime(coordinator.LastActionNumber, coordinator.LastNominal);
            return new BundleCoordinatorView(cid, coordinator.Status, d.Frequency.OozieValue,
                d.Frequency.OozieTimeUnit, d.Start, next, c.Name);
        });
        InfoTables.WriteBundle(stdout, new BundleJobView(job.Id, job.Name, job.AppPath, job.Status,
            job.KickOff), rows);
        return ExitCodes.Success;
    }

    private int ListBundles()
    {
        InfoTables.WriteBundleList(stdout,
            Bundles().Jobs().Select(b => new BundleListView(b.Id, b.Name, b.Status, b.KickOff)));
        return ExitCodes.Success;
    }
}
