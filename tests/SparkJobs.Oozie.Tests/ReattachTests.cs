using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

/// <summary>
/// Resuming a job whose runner died while a shell action ran: the store is set to the state such a crash leaves,
/// with the files the launcher writes beside the attempt's log, and the resumed run must finish the attempt from
/// them rather than run it again.
/// </summary>
public sealed class ReattachTests : IDisposable
{
    private const string DeadRunner = "2147483000:1";

    private readonly TempDir _dir = new();
    private readonly JobStore _store;
    private readonly WorkflowEngine _engine;

    public ReattachTests()
    {
        _store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
        _engine = new WorkflowEngine(_store, TimeProvider.System,
            new EngineOptions { ControlPollInterval = TimeSpan.FromMilliseconds(20) });
    }

    public void Dispose() => _dir.Dispose();

    private string Marker => Path.Combine(_dir.Path, "b-started");

    private async Task<string> RunThenInterruptAsync(string retry = "", string capture = "<capture-output/>")
    {
        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="reattach">
              <start to="b"/>
              <action name="b" {retry}><shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec>
                <argument>-c</argument><argument>echo x >> {Marker}; echo k=first</argument>{capture}</shell>
                <ok to="end"/><error to="k"/></action>
              <kill name="k"><message>[${"{"}wf:errorCode('b'){"}"}]</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        var prepared = await WorkflowLoader.PrepareAsync(
            new Dictionary<string, string> { [WorkflowLoader.AppPathProperty] = Path.Combine(_dir.Path, "app") },
            new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default);
        var id = _engine.Submit(prepared);
        Assert.Equal(JobStatus.SUCCEEDED, await _engine.RunAsync(id));

        // What a SIGKILL of the runner while b ran leaves: the job and b RUNNING, b's process recorded.
        _store.SaveJob(_store.GetJob(id)! with { Status = JobStatus.RUNNING, Ended = null });
        _store.SetRunner(id, DeadRunner);
        var b = _store.GetActions(id).Single(a => a.Name == "b");
        _store.SaveAction(b with
        {
            Status = ActionStatus.RUNNING, Transition = null, EndTime = null, Data = new Dictionary<string, string>(),
            ExternalId = "2147483000", ProcessStart = 1,
        });
        foreach (var extension in new[] { ".exit-code", ".stdout", ".stderr" })
        {
            File.Delete(Path.ChangeExtension(b.LogPath!, extension));
        }

        return id;
    }

    private WorkflowActionRecord B(string id) => _store.GetActions(id).Single(a => a.Name == "b");

    private void Leave(string id, string extension, string text) =>
        File.WriteAllText(Path.ChangeExtension(B(id).LogPath!, extension), text);

    [Fact]
    public async Task A_process_that_ended_with_an_exit_code_is_finished_from_its_files()
    {
        var id = await RunThenInterruptAsync();
        Leave(id, ".stdout", "k=reattached\n");
        Leave(id, ".stderr", "a warning\n");
        Leave(id, ".exit-code", "0\n");

        Assert.Equal([id], _engine.FindInterrupted());
        Assert.Equal(JobStatus.SUCCEEDED, await _engine.ResumeInterruptedAsync(id));

        var b = B(id);
        Assert.Equal(ActionStatus.OK, b.Status);
        Assert.Equal("reattached", b.Data["k"]);
        Assert.Single(File.ReadAllLines(Marker));
        var log = File.ReadAllText(b.LogPath!);
        Assert.Contains("Reattached to process 2147483000", log, StringComparison.Ordinal);
        Assert.Contains("[stderr] a warning", log, StringComparison.Ordinal);
        Assert.Null(_store.GetRunner(id));
    }

    [Fact]
    public async Task A_non_zero_exit_code_left_behind_follows_the_error_transition()
    {
        var id = await RunThenInterruptAsync();
        Leave(id, ".stderr", "boom\n");
        Leave(id, ".exit-code", "3\n");

        Assert.Equal(JobStatus.KILLED, await _engine.ResumeInterruptedAsync(id));

        Assert.Equal("3", B(id).ErrorCode);
        Assert.Contains("last stderr: boom", B(id).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Captured_output_over_the_limit_fails_the_same_way_after_a_reattach()
    {
        var id = await RunThenInterruptAsync();
        Leave(id, ".stdout", "k=" + new string('v', ShellExecutor.DefaultMaxOutputData) + "\n");
        Leave(id, ".exit-code", "0\n");

        Assert.Equal(JobStatus.KILLED, await _engine.ResumeInterruptedAsync(id));

        Assert.Equal("JA010", B(id).ErrorCode);
    }

    [Fact]
    public async Task A_process_gone_without_an_exit_code_is_lost_and_fails_without_a_retry_policy()
    {
        var id = await RunThenInterruptAsync();

        Assert.Equal(JobStatus.KILLED, await _engine.ResumeInterruptedAsync(id));

        Assert.Equal(LocalProcess.LostErrorCode, B(id).ErrorCode);
        Assert.Contains("without writing its exit code", B(id).ErrorMessage, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(Marker));
    }

    [Fact]
    public async Task A_lost_attempt_is_retried_when_the_action_has_retry_max()
    {
        var id = await RunThenInterruptAsync("retry-max=\"1\" retry-interval=\"0\"");

        Assert.Equal(JobStatus.SUCCEEDED, await _engine.ResumeInterruptedAsync(id));

        var b = B(id);
        Assert.Equal(ActionStatus.OK, b.Status);
        Assert.Equal(1, b.Retries);
        Assert.EndsWith("r0-a1.log", b.LogPath, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Marker).Length);
    }

    [Fact]
    public async Task A_live_process_is_waited_for_and_then_finished()
    {
        var id = await RunThenInterruptAsync(capture: string.Empty);
        using var sleeper = System.Diagnostics.Process.Start("sleep", "30")!;
        try
        {
            var identity = ProcessIdentity.Of(sleeper.Id)!.Value;
            _store.SaveAction(B(id) with
            {
                ExternalId = sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ProcessStart = identity.StartTicks,
            });
            var resumed = _engine.ResumeInterruptedAsync(id);

            // Still RUNNING while the process lives without an exit code; finished once its wrapper writes one.
            await Task.Delay(300);
            Assert.False(resumed.IsCompleted);
            Assert.Equal(ActionStatus.RUNNING, B(id).Status);
            Leave(id, ".exit-code", "0\n");

            Assert.Equal(JobStatus.SUCCEEDED, await resumed.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Single(File.ReadAllLines(Marker));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public async Task Only_one_claim_on_a_dead_runner_wins()
    {
        var id = await RunThenInterruptAsync();

        Assert.True(_store.TryClaim(id, DeadRunner, "1:1"));
        Assert.False(_store.TryClaim(id, DeadRunner, "2:2"));
        Assert.Equal("1:1", _store.GetRunner(id));
    }

    [Fact]
    public async Task A_job_run_by_a_live_process_is_not_interrupted()
    {
        var id = await RunThenInterruptAsync();
        _store.SetRunner(id, ProcessIdentity.Current.ToString());

        Assert.Empty(_engine.FindInterrupted());
        var other = new WorkflowEngine(_store, TimeProvider.System);
        Assert.Empty(other.FindInterrupted());
    }

    [Fact]
    public void A_reused_pid_does_not_count_as_the_same_process()
    {
        var self = ProcessIdentity.Current;

        Assert.True(self.IsAlive);
        Assert.Equal(self, ProcessIdentity.Parse(self.ToString()));
        Assert.False((self with { StartTicks = self.StartTicks + 1 }).IsAlive);
        Assert.False(ProcessIdentity.IsRunning("2147483000:1"));
        Assert.False(ProcessIdentity.IsRunning("not a runner"));
    }
}
