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

    /// <summary>Prints a coordinator job and its actions, paged by -offset and -len, as oozie job -info.</summary>
    public int Info(string id, CliArguments args)
    {
        var store = Store();
        var job = store.GetJob(id) ?? throw new OozieException("E0604",
            $"Job [{id}] does not exist; list jobs with 'oozie-lite jobs -jobtype coordinator'.");
        var d = new CoordinatorService(store, time, FileSystems.Default).Definition(job);
        var view = new CoordinatorJobView(job.Id, job.Name,
            job.Configuration.GetValueOrDefault(CoordinatorLoader.AppPathProperty) ?? job.File, job.Status, d.Start,
            d.End, job.Pause, d.Concurrency == int.MaxValue ? -1 : d.Concurrency);
        var actions = args.Page(store.Actions(id)).Select(a => new CoordinatorActionView(a.Id, a.Number,
            a.Status.ToString(), a.WorkflowId, a.WorkflowId is { } wf ? store.Jobs.GetJob(wf)?.Status.ToString() : null,
            a.ErrorCode, a.ErrorMessage, a.JobId, a.Created, a.NominalTime, a.LastModified));
        InfoTables.WriteCoordinator(stdout, view, actions, args.Has("verbose"));
        return ExitCodes.Success;
    }

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
        var service = new CoordinatorService(store, time, FileSystems.Default);
        InfoTables.WriteCoordinatorList(stdout, store.ListJobs().Select(job => new CoordinatorListView(job.Id,
            job.Name, job.Status, job.Created, job.Materialized ? null
                : new Materializer(service.Definition(job), time).NextNominalTime(job.LastActionNumber,
                    job.LastNominal))));
        return ExitCodes.Success;
    }

    private static string Actions(string id, IEnumerable<int> numbers) =>
        string.Join(",", numbers.Select(n => $"{id}@{n}"));
}
