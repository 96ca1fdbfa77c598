using System.Collections.Concurrent;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>Runs workflow jobs on background tasks so that HTTP calls return at once.</summary>
internal sealed class JobRunner(JobStore store, WorkflowEngine engine, TextWriter? progress) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _kills = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public JobStore Store => store;

    public WorkflowEngine Engine => engine;

    public void Start(string id) => Track(id, token => Task.Run(() => engine.RunAsync(id, token), token));

    // Takes over every RUNNING job whose oozie-lite process is gone (or just this one) and finishes it here.
    public IReadOnlyList<string> RecoverInterrupted(string? only = null)
    {
        var claimed = engine.FindInterrupted()
            .Where(id => only is null || id == only)
            .Where(engine.TryClaimInterrupted)
            .ToList();
        foreach (var id in claimed)
        {
            progress?.WriteLine($"Resuming interrupted job {id}");
            Track(id, token => engine.ResumeInterruptedAsync(id, token));
        }

        return claimed;
    }

    // A kill that lands while the engine is still starting the job would be overwritten by its RUNNING,
    // so a kill of a job this server runs also cancels the run, which the engine records as KILLED.
    public void Kill(string id)
    {
        if (_kills.TryGetValue(id, out var kill))
        {
            kill.Cancel();
        }
    }

    public void Track(string id, Func<CancellationToken, Task<JobStatus>> run)
    {
        var kill = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        Task<JobStatus> started;
        try
        {
            // Called here so that a precondition the engine checks up front fails the HTTP call.
            started = run(kill.Token);
        }
        catch
        {
            kill.Dispose();
            throw;
        }

        _kills[id] = kill;
        var task = Task.Run(async () =>
        {
            try
            {
                var status = await started;
                progress?.WriteLine($"Job {id} {status}");
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // The server is stopping; the store keeps the job for the next start to resume.
            }
#pragma warning disable CA1031 // A failing job must not take the server down; the store records the failure.
            catch (Exception e)
#pragma warning restore CA1031
            {
                store.AppendLog(id, $"Job {id} stopped: {e.Message}");
                progress?.WriteLine($"Job {id} stopped: {e.Message}");
            }
            finally
            {
                _running.TryRemove(id, out _);
                _kills.TryRemove(id, out _);
                kill.Dispose();
            }
        });
        _running[id] = task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values);
        _stopping.Dispose();
    }
}
