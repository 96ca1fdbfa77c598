using System.Collections.Concurrent;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class RetryTests
{
    /// <summary>A clock whose timers fire at once and remember how long they were asked to wait.</summary>
    private sealed class InstantTimeProvider : TimeProvider
    {
        public ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                Waits.Enqueue(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private static async Task<(JobStore Store, string Id, JobStatus Status)> RunAsync(
        TempDir dir,
        InstantTimeProvider time,
        string attributes,
        string script,
        Dictionary<string, string>? extra = null)
    {
        dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:0.5" name="r">
              <start to="a"/>
              <action name="a" {attributes}>
                <shell xmlns="uri:oozie:shell-action:0.3"><exec>/bin/sh</exec><argument>-c</argument>
                  <argument>{script}</argument></shell>
                <ok to="end"/><error to="k"/>
              </action>
              <kill name="k"><message>m</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>(extra ?? [])
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(dir.Path, "app"),
        };
        var prepared = await WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(dir.Path, "home"), TimeProvider.System);
        var engine = new WorkflowEngine(store, time);
        var id = engine.Submit(prepared);
        return (store, id, await engine.RunAsync(id));
    }

    [Fact]
    public async Task Exit_codes_outside_the_retry_list_are_not_retried()
    {
        using var dir = new TempDir();
        var time = new InstantTimeProvider();

        var (store, id, status) = await RunAsync(dir, time, "retry-max=\"3\" retry-interval=\"1\"", "exit 1");

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal(0, store.GetActions(id).Single(a => a.Name == "a").Retries);
        Assert.Empty(time.Waits);
    }

    [Fact]
    public async Task Listed_codes_are_retried_up_to_retry_max_with_exponential_waits()
    {
        using var dir = new TempDir();
        var time = new InstantTimeProvider();
        var counter = Path.Combine(dir.Path, "count");
        var script = $"echo x >> {counter}; [ $(wc -l &lt; {counter}) -ge 3 ]";

        var (store, id, status) = await RunAsync(dir, time,
            "retry-max=\"5\" retry-interval=\"2\" retry-policy=\"exponential\"", script,
            new() { ["oozie.service.LiteWorkflowStoreService.user.retry.error.code.ext"] = "1" });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Equal(3, File.ReadAllLines(counter).Length);
        var a = store.GetActions(id).Single(x => x.Name == "a");
        Assert.Equal((ActionStatus.OK, 2), (a.Status, a.Retries));
        Assert.Equal([TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], time.Waits);
        Assert.EndsWith("r0-a2.log", a.LogPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_max_is_capped_at_three()
    {
        using var dir = new TempDir();
        var time = new InstantTimeProvider();

        var (store, id, status) = await RunAsync(dir, time, "retry-max=\"10\" retry-interval=\"1\"", "exit 7",
            new() { ["oozie.service.LiteWorkflowStoreService.user.retry.error.code.ext"] = "ALL" });

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal(3, store.GetActions(id).Single(a => a.Name == "a").Retries);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMinutes(1), 3), time.Waits);
    }
}
