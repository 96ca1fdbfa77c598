using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class RerunAndControlTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly JobStore _store;
    private readonly WorkflowEngine _engine;

    public RerunAndControlTests()
    {
        _store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
        _engine = new WorkflowEngine(_store, TimeProvider.System,
            new EngineOptions { ControlPollInterval = TimeSpan.FromMilliseconds(20) });
    }

    public void Dispose() => _dir.Dispose();

    private string Count => Path.Combine(_dir.Path, "a-count");

    private string Fixed => Path.Combine(_dir.Path, "fixed");

    private Task<PreparedWorkflow> PrepareAsync(string secondScript, Dictionary<string, string>? extra = null)
    {
        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="rr">
              <start to="a"/>
              <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec>
                <argument>-c</argument><argument>echo x >> {Count}</argument></shell>
                <ok to="b"/><error to="k"/></action>
              <action name="b"><shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec>
                <argument>-c</argument><argument>{secondScript}</argument></shell>
                <ok to="end"/><error to="k"/></action>
              <kill name="k"><message>b failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>(extra ?? [])
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(_dir.Path, "app"),
        };
        return WorkflowLoader.PrepareAsync(props, new Dictionary<string, string>(), "u", "job.properties",
            FileSystems.Default);
    }

    [Fact]
    public async Task Rerun_with_failnodes_skips_what_succeeded_and_keeps_the_id()
    {
        var id = _engine.Submit(await PrepareAsync($"[ -e {Fixed} ]"));
        Assert.Equal(JobStatus.KILLED, await _engine.RunAsync(id));
        File.WriteAllText(Fixed, string.Empty);

        var status = await _engine.RerunAsync(id,
            await PrepareAsync($"[ -e {Fixed} ]", new() { ["oozie.wf.rerun.failnodes"] = "true" }));

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Single(File.ReadAllLines(Count));
        var job = _store.GetJob(id)!;
        Assert.Equal(1, job.Run);
        Assert.Equal(ActionStatus.OK, _store.GetActions(id).Single(a => a.Name == "b").Status);
        Assert.Contains(_store.GetLog(id), l => l.Contains("a skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rerun_starts_from_the_previous_configuration_without_the_previous_reruns_switches()
    {
        var previous = new Dictionary<string, string>
        {
            ["x"] = "1", ["y"] = "old", ["oozie.wf.rerun.failnodes"] = "true", ["oozie.wf.rerun.skip.nodes"] = "a",
        };

        var merged = WorkflowLoader.RerunConfiguration(previous,
            new Dictionary<string, string> { ["y"] = "2", ["oozie.wf.rerun.skip.nodes"] = "b" });

        Assert.Equal(new Dictionary<string, string>
        {
            ["x"] = "1", ["y"] = "2", ["oozie.wf.rerun.skip.nodes"] = "b",
        }, merged);
    }

    [Fact]
    public async Task Rerun_without_skipping_runs_everything_again()
    {
        var id = _engine.Submit(await PrepareAsync("true"));
        await _engine.RunAsync(id);

        Assert.Equal(JobStatus.SUCCEEDED, await _engine.RerunAsync(id, await PrepareAsync("true")));

        Assert.Equal(2, File.ReadAllLines(Count).Length);
    }

    [Theory]
    [InlineData("oozie.wf.rerun.skip.nodes", "a", "oozie.wf.rerun.failnodes", "true", "E0404")]
    [InlineData("oozie.wf.rerun.skip.nodes", "nothere", "x", "y", "E0807")]
    [InlineData("oozie.wf.rerun.skip.nodes", "k", "oozie.wf.rerun.failnodes", "false", "")]
    public async Task Rerun_checks_its_configuration(string k1, string v1, string k2, string v2, string code)
    {
        var id = _engine.Submit(await PrepareAsync("exit 1"));
        await _engine.RunAsync(id);

        var rerun = await PrepareAsync("exit 1", new() { [k1] = v1, [k2] = v2 });

        if (code.Length == 0)
        {
            Assert.Equal(JobStatus.KILLED, await _engine.RerunAsync(id, rerun));
            return;
        }

        var e = await Assert.ThrowsAsync<OozieException>(() => _engine.RerunAsync(id, rerun));
        Assert.Equal(code, e.ErrorCode);
    }

    [Fact]
    public async Task Rerun_of_an_unfinished_job_is_E0805_and_a_failed_node_cannot_be_skipped()
    {
        var prepared = await PrepareAsync("echo ${undefinedVar}");
        var pending = _engine.Submit(prepared);
        var e = await Assert.ThrowsAsync<OozieException>(() => _engine.RerunAsync(pending, prepared));
        Assert.Equal("E0805", e.ErrorCode);

        var id = _engine.Submit(prepared);
        Assert.Equal(JobStatus.FAILED, await _engine.RunAsync(id));
        var skipFailed = await PrepareAsync("true", new() { ["oozie.wf.rerun.skip.nodes"] = "b" });
        var e2 = await Assert.ThrowsAsync<OozieException>(() => _engine.RerunAsync(id, skipFailed));
        Assert.Equal("E0806", e2.ErrorCode);
    }

    [Fact]
    public async Task Kill_from_another_store_instance_stops_the_running_job()
    {
        var id = _engine.Submit(await PrepareAsync("sleep 30"));
        var run = _engine.RunAsync(id);
        var other = JobStore.Open(_store.Home, TimeProvider.System);

        // Wait for the state the kill must interrupt: action b running.
        while (other.GetActions(id).FirstOrDefault(a => a.Name == "b")?.ExternalId is null)
        {
            Assert.False(run.IsCompleted, "the job ended before action b started");
            await Task.Delay(20);
        }

        Assert.True(other.TryChangeStatus(id, [JobStatus.RUNNING], JobStatus.KILLED));

        Assert.Equal(JobStatus.KILLED, await run);
        Assert.Equal(ActionStatus.KILLED, other.GetActions(id).Single(a => a.Name == "b").Status);
        Assert.False(other.TryChangeStatus(id, [JobStatus.SUSPENDED], JobStatus.RUNNING));
    }

    [Fact]
    public async Task Interrupted_jobs_resume_without_rerunning_finished_actions()
    {
        var id = _engine.Submit(await PrepareAsync($"[ -e {Fixed} ]"));
        await _engine.RunAsync(id);

        // Make the store look like its runner died while b was starting, before its process was launched.
        _store.SaveJob(_store.GetJob(id)! with { Status = JobStatus.RUNNING, Ended = null });
        _store.SetRunner(id, "2147483000:1");
        var b = _store.GetActions(id).Single(a => a.Name == "b");
        _store.SaveAction(b with
        {
            Status = ActionStatus.RUNNING, Transition = null, ErrorCode = null, ExternalId = null, ProcessStart = null,
        });
        File.WriteAllText(Fixed, string.Empty);

        var other = new WorkflowEngine(JobStore.Open(_store.Home, TimeProvider.System), TimeProvider.System);
        Assert.Equal([id], other.FindInterrupted());
        Assert.Equal(JobStatus.SUCCEEDED, await other.ResumeInterruptedAsync(id));

        Assert.Single(File.ReadAllLines(Count));
        Assert.Empty(other.FindInterrupted());
        Assert.Equal(ActionStatus.OK, _store.GetActions(id).Single(a => a.Name == "b").Status);
    }
}
