using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class SuspendOnNodesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("b", new[] { "b" })]
    [InlineData("*", new[] { "a", "b" })]
    public async Task The_job_suspends_before_listed_nodes_and_resume_continues_it(string list, string[] stops)
    {
        _dir.Write("app/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="bp">
              <start to="a"/>
              <action name="a"><fs><mkdir path="${wf:conf('out')}/a"/></fs><ok to="b"/><error to="fail"/></action>
              <action name="b"><fs><mkdir path="${wf:conf('out')}/b"/></fs><ok to="end"/><error to="fail"/></action>
              <kill name="fail"><message>failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(_dir.Path, "app"),
            ["out"] = Path.Combine(_dir.Path, "out"),
            ["oozie.suspend.on.nodes"] = list,
        };
        var prepared = await WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System,
            new EngineOptions { ControlPollInterval = TimeSpan.FromMilliseconds(20) });
        var id = engine.Submit(prepared);

        var run = engine.RunAsync(id);
        foreach (var stop in stops)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (store.GetJob(id)!.Status != JobStatus.SUSPENDED)
            {
                await Task.Delay(10, timeout.Token);
            }

            Assert.False(Directory.Exists(Path.Combine(_dir.Path, "out", stop)));
            Assert.DoesNotContain(store.GetActions(id), a => a.Name == stop);
            Assert.True(store.TryChangeStatus(id, [JobStatus.SUSPENDED], JobStatus.RUNNING));
        }

        Assert.Equal(JobStatus.SUCCEEDED, await run);
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "out", "b")));
    }
}
