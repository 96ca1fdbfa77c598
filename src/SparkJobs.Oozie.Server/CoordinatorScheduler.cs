using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Server;

/// <summary>
/// The server's coordinator and bundle side: the services the API calls and the scheduler loop that materialises
/// actions, starts their workflows and kicks bundles off, one pass at a time.
/// </summary>
internal sealed class CoordinatorScheduler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TextWriter? _progress;
    private Task _loop = Task.CompletedTask;

    public CoordinatorScheduler(JobStore jobs, TimeProvider time, TextWriter? progress,
        Action<string> workflowPathCheck, Action<string> coordinatorPathCheck)
    {
        _progress = progress;
        Store = new CoordinatorStore(jobs, time);
        Coordinators = new CoordinatorService(Store, time, FileSystems.Default)
        {
            WorkflowPathCheck = workflowPathCheck,
        };
        Operations = new CoordinatorOperations(Store, time, FileSystems.Default);
        Bundles = new BundleService(Store, time, FileSystems.Default) { CoordinatorPathCheck = coordinatorPathCheck };
    }

    public CoordinatorStore Store { get; }

    public CoordinatorService Coordinators { get; }

    public CoordinatorOperations Operations { get; }

    public BundleService Bundles { get; }

    /// <summary>Runs a pass now, then one every interval until the scheduler is disposed.</summary>
    public void Start(TimeSpan interval, TimeProvider time) => _loop = RunAsync(interval, time, _stopping.Token);

    private async Task RunAsync(TimeSpan interval, TimeProvider time, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await PassAsync(stopping);
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    // One job that cannot be scheduled must not stop the others; the pass is retried at the next tick.
    private async Task PassAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Run(() => Bundles.TickAsync(stopping), stopping);
            await Task.Run(() => Coordinators.TickAsync(stopping), stopping);
        }
        catch (OozieException e)
        {
            _progress?.WriteLine($"Scheduler pass stopped: [{e.ErrorCode}] {e.Message}");
        }
        catch (StorageException e)
        {
            _progress?.WriteLine($"Scheduler pass stopped: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        await Coordinators.WhenWorkflowsDoneAsync();
        _stopping.Dispose();
    }
}
