using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Cli;

/// <summary>Submitting and controlling coordinator jobs, and the scheduler server.</summary>
internal sealed partial class CoordinatorCli
{
    private CoordinatorService Service() =>
        new(new CoordinatorStore(JobStore.Open(JobStore.DefaultHome(), time), time), time, FileSystems.Default);

    /// <summary>Submits a coordinator to the store, where the server's scheduler picks it up.</summary>
    public async Task<int> SubmitAsync(IReadOnlyDictionary<string, string> properties,
        IReadOnlyDictionary<string, string> defines, string configFile)
    {
        if (properties.ContainsKey(BundleLoader.AppPathProperty) || defines.ContainsKey(BundleLoader.AppPathProperty))
        {
            stdout.WriteLine($"job: {await Bundles().SubmitAsync(properties, defines, Environment.UserName,
                configFile)}");
            return ExitCodes.Success;
        }

        var prepared = await CoordinatorLoader.PrepareAsync(properties, defines, Environment.UserName, configFile,
            FileSystems.Default, time);
        stdout.WriteLine($"job: {Service().Submit(prepared)}");
        return ExitCodes.Success;
    }

    /// <summary>Runs the scheduler: with -once one pass (waiting for its workflows), else until stopped.</summary>
    public async Task<int> ServerAsync(bool once, TimeSpan interval, CancellationToken cancellationToken)
    {
        var service = Service();
        var bundles = Bundles();
        do
        {
            await bundles.TickAsync(cancellationToken);
            await service.TickAsync(cancellationToken);
            if (once)
            {
                await service.WhenWorkflowsDoneAsync();
                await service.TickAsync(cancellationToken);
                await bundles.TickAsync(cancellationToken);
                return ExitCodes.Success;
            }

            try
            {
                await Task.Delay(interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        while (!cancellationToken.IsCancellationRequested);

        await service.WhenWorkflowsDoneAsync();
        return ExitCodes.Success;
    }

    /// <summary>
    /// Prints a coordinator job and its actions as <c>oozie job -info</c> does: the job's fields, then one row per
    /// action (ID, Status, Ext ID, Err Code, Created, Nominal Time, Last Mod), paged by -offset and -len; -verbose
    /// prints every action field, tab-separated.
    /// </summary>
    public int Info(string id, CliArguments args)
    {
        var store = Store();
        var job = store.GetJob(id) ?? throw new OozieException("E0604",
            $"Job [{id}] does not exist; list jobs with 'oozie-lite jobs -jobtype coordinator'.");
        var d = new CoordinatorService(store, time, FileSystems.Default).Definition(job);
        var actions = args.Page(store.Actions(id)).ToList();
        stdout.WriteLine($"Job ID : {job.Id}");
        stdout.WriteLine(OozieCli.Ruler);
        stdout.WriteLine($"Job Name    : {job.Name}");
        stdout.WriteLine($"App Path    : {job.Configuration.GetValueOrDefault(CoordinatorLoader.AppPathProperty)
            ?? job.File}");
        stdout.WriteLine($"Status      : {job.Status}");
        stdout.WriteLine($"Start Time  : {OozieCli.Date(d.Start)}");
        stdout.WriteLine($"End Time    : {OozieCli.Date(d.End)}");
        stdout.WriteLine($"Pause Time  : {OozieCli.Date(job.Pause)}");
        stdout.WriteLine($"Concurrency : {(d.Concurrency == int.MaxValue ? -1 : d.Concurrency)}");
        stdout.WriteLine(OozieCli.Ruler);
        if (args.Has("verbose"))
        {
            stdout.WriteLine(string.Join('\t', "ID", "Action Number", "Console URL", "Error Code", "Error Message",
                "External ID", "External Status", "Job ID", "Tracker URI", "Created", "Nominal Time", "Status",
                "Last Modified", "Missing Dependencies"));
            stdout.WriteLine(OozieCli.Ruler);
            foreach (var a in actions)
            {
                var external = a.WorkflowId is { } wf ? store.Jobs.GetJob(wf)?.Status.ToString() : null;
                stdout.WriteLine(string.Join('\t', a.Id, a.Number, "-", a.ErrorCode ?? "-", a.ErrorMessage ?? "-",
                    a.WorkflowId ?? "-", external ?? "-", a.JobId, "-", OozieCli.Date(a.Created),
                    OozieCli.Date(a.NominalTime), a.Status, OozieCli.Date(a.LastModified), "-"));
                stdout.WriteLine(OozieCli.Ruler);
            }

            return ExitCodes.Success;
        }

        stdout.WriteLine(ActionRow("ID", "Status", "Ext ID", "Err Code", "Created", "Nominal Time", "Last Mod"));
        foreach (var a in actions)
        {
            stdout.WriteLine(ActionRow(a.Id, a.Status.ToString(), a.WorkflowId ?? "-", a.ErrorCode ?? "-",
                OozieCli.Date(a.Created), OozieCli.Date(a.NominalTime), OozieCli.Date(a.LastModified)));
            stdout.WriteLine(OozieCli.Ruler);
        }

        return ExitCodes.Success;
    }

    // Oozie's coordinator action columns.
    private static string ActionRow(string id, string status, string extId, string code, string created,
        string nominal, string modified) =>
        Cell(id, 43) + Cell(status, 10) + Cell(extId, 37) + Cell(code, 10) + Cell(created, 21) + Cell(nominal, 21)
        + modified;

    // Pads to Oozie's column width, keeping one space after a value that fills it (ids with long user names do).
    private static string Cell(string text, int width) => text.Length < width ? text.PadRight(width) : text + " ";

    private CoordinatorStore Store() => new(JobStore.Open(JobStore.DefaultHome(), time), time);

    private CoordinatorOperations Operations() => new(Store(), time, FileSystems.Default);

    /// <summary>Kills, suspends or resumes a coordinator job.</summary>
    public int Control(string id, string operation)
    {
        Operations().Control(id, operation);
        return ExitCodes.Success;
    }

    /// <summary>Changes a coordinator's end time, concurrency or pause time.</summary>
    public int Change(string id, string value)
    {
        Operations().Change(id, value);
        stdout.WriteLine($"Changed {id}: {value}");
        return ExitCodes.Success;
    }

    /// <summary>Marks a coordinator, or some of its actions, IGNORED.</summary>
    public int Ignore(string id, string? actions)
    {
        var numbers = Operations().Ignore(id, actions);
        stdout.WriteLine(numbers.Count == 0 ? $"Ignored {id}" : $"Ignored {Actions(id, numbers)}");
        return ExitCodes.Success;
    }

    /// <summary>Puts the selected actions back to WAITING for the scheduler to run again.</summary>
    public async Task<int> RerunAsync(string id, CoordinatorRerun rerun)
    {
        var numbers = await Operations().RerunAsync(id, rerun);
        stdout.WriteLine($"Rerun {Actions(id, numbers)}");
        return ExitCodes.Success;
    }

    /// <summary>Lists coordinator jobs, as <c>oozie jobs -jobtype coordinator</c> does.</summary>
    public int ListCoordinators()
    {
        var store = Store();
        stdout.WriteLine($"{"Job ID",-45}{"App Name",-25}{"Status",-19}{"Created",-19}Next Materialized");
        foreach (var job in store.ListJobs())
        {
            var next = job.Materialized ? "-" : job.LastNominal is { } t ? OozieTime.Format(t) : "-";
            stdout.WriteLine($"{job.Id,-45}{job.Name,-25}{job.Status,-19}{OozieTime.Format(job.Created),-19}{next}");
        }

        return ExitCodes.Success;
    }

    private static string Actions(string id, IEnumerable<int> numbers) =>
        string.Join(",", numbers.Select(n => $"{id}@{n}"));
}
