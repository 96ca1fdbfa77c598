using SparkJobs.Hosting;
using SparkJobs.Oozie;
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
        var prepared = await CoordinatorLoader.PrepareAsync(properties, defines, Environment.UserName, configFile,
            FileSystems.Default, time);
        stdout.WriteLine($"job: {Service().Submit(prepared)}");
        return ExitCodes.Success;
    }

    /// <summary>Runs the scheduler: with -once one pass (waiting for the workflows it starts), else until stopped.</summary>
    public async Task<int> ServerAsync(bool once, TimeSpan interval, CancellationToken cancellationToken)
    {
        var service = Service();
        do
        {
            await service.TickAsync(cancellationToken);
            if (once)
            {
                await service.WhenWorkflowsDoneAsync();
                await service.TickAsync(cancellationToken);
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

    /// <summary>Prints a coordinator job and its actions, as <c>oozie job -info</c> does.</summary>
    public int Info(string id)
    {
        var store = new CoordinatorStore(JobStore.Open(JobStore.DefaultHome(), time), time);
        var job = store.GetJob(id) ?? throw new OozieException("E0604",
            $"Job [{id}] does not exist; list jobs with 'oozie-lite jobs -jobtype coordinator'.");
        stdout.WriteLine($"Job ID : {job.Id}");
        stdout.WriteLine($"Job Name    : {job.Name}");
        stdout.WriteLine($"Status      : {job.Status}");
        foreach (var a in store.Actions(id))
        {
            stdout.WriteLine($"{a.Id,-60}{a.Status,-11}{a.WorkflowId ?? "-",-45}{OozieTime.Format(a.NominalTime)}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Kills, suspends or resumes a coordinator job.</summary>
    public int Control(string id, string operation)
    {
        var store = new CoordinatorStore(JobStore.Open(JobStore.DefaultHome(), time), time);
        var job = store.GetJob(id) ?? throw new OozieException("E0604", $"Job [{id}] does not exist.");
        var next = (operation, job.Status) switch
        {
            ("kill", not ("SUCCEEDED" or "KILLED" or "FAILED" or "DONEWITHERROR")) => "KILLED",
            ("suspend", "PREP") => "PREPSUSPENDED",
            ("suspend", "RUNNING" or "RUNNINGWITHERROR") => job.Status.Replace("RUNNING", "SUSPENDED",
                StringComparison.Ordinal),
            ("resume", "PREPSUSPENDED") => "PREP",
            ("resume", "SUSPENDED" or "SUSPENDEDWITHERROR") => job.Status.Replace("SUSPENDED", "RUNNING",
                StringComparison.Ordinal),
            _ => throw new OozieException("E1018",
                $"Cannot {operation} coordinator {id} in status {job.Status}."),
        };
        store.SetJob(id, "status", next);
        if (next == "KILLED")
        {
            foreach (var a in store.Actions(id).Where(a => a.Status is CoordActionStatus.WAITING
                or CoordActionStatus.READY))
            {
                store.SetAction(id, a.Number, CoordActionStatus.KILLED);
            }
        }

        return ExitCodes.Success;
    }
}
