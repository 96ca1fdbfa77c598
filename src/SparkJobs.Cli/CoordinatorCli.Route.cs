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
                return BundleJob(id, op);
            }

            if (!id.EndsWith("-C", StringComparison.Ordinal))
            {
                return null;
            }

            return op switch
            {
                "info" => Info(id),
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

    private int BundleJob(string id, string operation)
    {
        var bundles = Bundles();
        if (operation != "info")
        {
            bundles.Control(id, operation is "kill" or "suspend" or "resume" ? operation
                : throw new UsageException($"-{operation} is not available for bundles; use -info, -kill, " +
                    "-suspend or -resume."));
            return ExitCodes.Success;
        }

        var job = bundles.Jobs(id) is [var b] ? b : throw new OozieException("E0604",
            $"Job [{id}] does not exist; list bundles with 'oozie-lite jobs -jobtype bundle'.");
        stdout.WriteLine($"Job ID : {job.Id}");
        stdout.WriteLine($"Job Name : {job.Name}");
        stdout.WriteLine($"Status   : {job.Status}");
        stdout.WriteLine($"Kickoff time   : {OozieTime.Format(job.KickOff)}");
        stdout.WriteLine($"{"Coordinator",-25}{"Job ID",-45}{"Status",-19}Critical");
        var store = new CoordinatorStore(JobStore.Open(JobStore.DefaultHome(), time), time);
        foreach (var c in bundles.Coordinators(id))
        {
            var status = c.CoordinatorId is { } cid ? store.GetJob(cid)!.Status : c.Enabled ? "PREP" : "DISABLED";
            stdout.WriteLine($"{c.Name,-25}{c.CoordinatorId ?? "-",-45}{status,-19}{(c.Critical ? "yes" : "no")}");
        }

        return ExitCodes.Success;
    }

    private int ListBundles()
    {
        stdout.WriteLine($"{"Job ID",-45}{"Bundle Name",-25}{"Status",-19}Kickoff");
        foreach (var b in Bundles().Jobs())
        {
            stdout.WriteLine($"{b.Id,-45}{b.Name,-25}{b.Status,-19}{OozieTime.Format(b.KickOff)}");
        }

        return ExitCodes.Success;
    }
}
