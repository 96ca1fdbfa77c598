using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Tests;

/// <summary>
/// SIGKILLs a real oozie-lite process at many points and checks that the next command recovers the job: it
/// reaches a final status, no action that completed runs again, and a shell action that was running is
/// reattached (its marker shows one start) or, when its process died too, handled by its retry policy.
/// </summary>
public sealed partial class CrashRecoveryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Shells = ["s1", "p1", "p2", "s2", "s3"];

    private readonly TempDir _dir = new();

    public void Dispose()
    {
        // Opens every gate so that no shell action of a failed test is left waiting.
        foreach (var step in Shells)
        {
            Touch(Gate(step));
        }

        _dir.Dispose();
    }

    private string Markers => Path.Combine(_dir.Path, "markers");

    private string Home => Path.Combine(_dir.Path, "home");

    private string Gate(string step) => Path.Combine(Markers, step + ".go");

    // s1, a fork of p1 and p2, then s2 (capture-output, checked by a decision), then s3. A gated step waits for
    // its .go file (at most 30 s, so nothing outlives a failed test for long).
    private void WriteApp(string? gated = null, string s2Exit = "0", string s2Retry = "")
    {
        string Shell(string name, string to, string attributes = "", string extra = "", string exit = "0")
        {
            var wait = name == gated
                ? $"i=0; while [ ! -e {Gate(name)} ] &amp;&amp; [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; "
                : "sleep 0.2; ";
            var script = $"echo x &gt;&gt; {Markers}/{name}.started; {wait}" +
                $"echo x &gt;&gt; {Markers}/{name}.done; echo k=v; exit {exit}";
            return $"""
                <action name="{name}" {attributes}>
                  <shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec><argument>-c</argument>
                    <argument>{script}</argument>
                    {extra}
                  </shell>
                  <ok to="{to}"/><error to="fail"/>
                </action>
                """;
        }

        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="crash">
              <start to="s1"/>
              {Shell("s1", "forking")}
              <fork name="forking"><path start="p1"/><path start="p2"/></fork>
              {Shell("p1", "joining")}
              {Shell("p2", "joining")}
              <join name="joining" to="s2"/>
              {Shell("s2", "check", s2Retry, "<capture-output/>", s2Exit)}
              <decision name="check">
                <switch><case to="s3">${"{"}wf:actionData('s2')['k'] eq 'v'{"}"}</case><default to="fail"/></switch>
              </decision>
              {Shell("s3", "end")}
              <kill name="fail"><message>failed [${"{"}wf:errorCode(wf:lastErrorNode()){"}"}]</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        _dir.Write("job.properties", "oozie.wf.application.path=${user.dir}/app\n");
        Directory.CreateDirectory(Markers);
    }

    private ProcessStartInfo OozieLite(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OOZIE_LITE_HOME"] = Home;
        info.Environment.Remove("OOZIE_URL");
        return info;
    }

    private async Task<BufferedCommandResult> OozieLiteAsync(params string[] args) =>
        await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"), .. args])
            .WithWorkingDirectory(_dir.Path)
            .WithEnvironmentVariables(e => e.Set("OOZIE_LITE_HOME", Home).Set("OOZIE_URL", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    private int Count(string step, string kind)
    {
        var file = Path.Combine(Markers, $"{step}.{kind}");
        return File.Exists(file) ? File.ReadAllLines(file).Length : 0;
    }

    private static void Touch(string path)
    {
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.WriteAllText(path, string.Empty);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }

    private JobStore Store() => JobStore.Open(Home, TimeProvider.System);

    // Starts job -run, waits for the given marker (or for the job id when step is null), then SIGKILLs it.
    private async Task<string> RunAndKillAsync(string? step, string kind = "started")
    {
        using var run = Process.Start(OozieLite("job", "-run", "-config", "job.properties"))!;
        var id = (await run.StandardOutput.ReadLineAsync())!["job: ".Length..];
        _ = run.StandardError.ReadToEndAsync();
        if (step is not null)
        {
            await WaitUntilAsync(() => Count(step, kind) > 0 || run.HasExited, $"{step}.{kind}");
        }

        Assert.False(run.HasExited, "the job ended before the kill point");
        run.Kill();
        await run.WaitForExitAsync();
        return id;
    }

    // Waits for the job to end and for the background processes that recovered it to exit.
    private async Task<WorkflowJobRecord> FinalAsync(string id, params string[] outputs)
    {
        var store = Store();
        await WaitUntilAsync(() => store.GetJob(id)!.Status is JobStatus.SUCCEEDED or JobStatus.KILLED
            or JobStatus.FAILED && store.GetRunner(id) is null, $"job {id} to end");
        foreach (var output in outputs)
        {
            foreach (Match match in RecovererPid().Matches(output))
            {
                var pid = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                await WaitUntilAsync(() => ProcessIdentity.Of(pid) is null, $"recovery process {pid} to exit");
            }
        }

        return store.GetJob(id)!;
    }

    private void AssertEveryStepRanOnce()
    {
        foreach (var step in Shells)
        {
            Assert.True(Count(step, "started") == 1, $"{step} started {Count(step, "started")} times");
            Assert.True(Count(step, "done") == 1, $"{step} finished {Count(step, "done")} times");
        }
    }

    private static ProcessIdentity ProcessOf(WorkflowActionRecord action) =>
        new(int.Parse(action.ExternalId!, CultureInfo.InvariantCulture), action.ProcessStart!.Value);

    [GeneratedRegex("oozie-lite process (\\d+) is finishing it")]
    private static partial Regex RecovererPid();

    [Theory]
    [InlineData(null, "started", "job", "-info")]
    [InlineData("s1", "started", "job", "-info")]
    [InlineData("s1", "done", "jobs")]
    [InlineData("p1", "started", "job", "-log")]
    [InlineData("p2", "done", "job", "-info")]
    [InlineData("s2", "started", "jobs")]
    [InlineData("s2", "done", "job", "-info")]
    [InlineData("s3", "started", "job", "-resume")]
    public async Task A_job_killed_with_sigkill_is_finished_by_the_next_command(
        string? step, string kind, params string[] command)
    {
        WriteApp();
        var id = await RunAndKillAsync(step, kind);

        var next = await OozieLiteAsync([.. command, .. command.Length == 2 ? new[] { id } : []]);

        Assert.Equal(0, next.ExitCode);
        var job = await FinalAsync(id, next.StandardError);
        Assert.Equal(JobStatus.SUCCEEDED, job.Status);
        AssertEveryStepRanOnce();
        var actions = Store().GetActions(id);
        Assert.All(actions.Where(a => Shells.Contains(a.Name)), a => Assert.Equal(ActionStatus.OK, a.Status));
        Assert.Equal("v", actions.Single(a => a.Name == "s2").Data["k"]);
    }

    [Fact]
    public async Task A_shell_action_still_running_is_reattached_and_its_output_captured()
    {
        WriteApp(gated: "s2");
        var id = await RunAndKillAsync("s2");

        var info = await OozieLiteAsync("job", "-info", id);

        // The read command shows the job as it stands, without waiting for it.
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("Status        : RUNNING", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Note: job {id} was interrupted", info.StandardError, StringComparison.Ordinal);
        var store = Store();
        await WaitUntilAsync(() => store.GetLog(id).Any(l => l.Contains("s2 was RUNNING", StringComparison.Ordinal)),
            "the recovery to reattach s2");
        Assert.Equal(0, Count("s2", "done"));
        Touch(Gate("s2"));

        var job = await FinalAsync(id, info.StandardError);
        Assert.Equal(JobStatus.SUCCEEDED, job.Status);
        AssertEveryStepRanOnce();
        var s2 = store.GetActions(id).Single(a => a.Name == "s2");
        Assert.Equal("v", s2.Data["k"]);
        Assert.Contains("Reattached to process", File.ReadAllText(s2.LogPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shell_action_that_ended_while_no_oozie_lite_ran_keeps_its_exit_code()
    {
        WriteApp(gated: "s2", s2Exit: "3");
        var id = await RunAndKillAsync("s2");
        var exitCodeFile = Path.ChangeExtension(
            Store().GetActions(id).Single(a => a.Name == "s2").LogPath!, ".exit-code");
        Touch(Gate("s2"));
        await WaitUntilAsync(() => File.Exists(exitCodeFile), "s2 to end on its own");

        var jobs = await OozieLiteAsync("jobs");

        Assert.Equal(0, jobs.ExitCode);
        var job = await FinalAsync(id, jobs.StandardError);
        Assert.Equal(JobStatus.KILLED, job.Status);
        var actions = Store().GetActions(id);
        Assert.Equal("3", actions.Single(a => a.Name == "s2").ErrorCode);
        Assert.Equal("failed [3]", actions.Single(a => a.Name == "fail").ErrorMessage);
        Assert.Equal(1, Count("s2", "started"));
        Assert.Equal(0, Count("s3", "started"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task A_shell_action_killed_with_its_launcher_goes_through_its_retry_policy(int retryMax)
    {
        WriteApp(gated: "s2", s2Retry: $"retry-max=\"{retryMax}\" retry-interval=\"0\"");
        var id = await RunAndKillAsync("s2");
        var s2 = Store().GetActions(id).Single(a => a.Name == "s2");
        var process = ProcessOf(s2);
        Assert.True(process.KillGroup());
        await WaitUntilAsync(() => !process.IsAlive, "the shell action's process group to die");
        Touch(Gate("s2"));

        var info = await OozieLiteAsync("job", "-info", id);

        var job = await FinalAsync(id, info.StandardError);
        s2 = Store().GetActions(id).Single(a => a.Name == "s2");
        if (retryMax == 1)
        {
            Assert.Equal(JobStatus.SUCCEEDED, job.Status);
            Assert.Equal(1, s2.Retries);
            Assert.Equal(2, Count("s2", "started"));
            Assert.Equal(1, Count("s3", "started"));
        }
        else
        {
            Assert.Equal(JobStatus.KILLED, job.Status);
            Assert.Equal(LocalProcess.LostErrorCode, s2.ErrorCode);
            Assert.Equal(1, Count("s2", "started"));
        }

        Assert.Equal(1, Count("s1", "started"));
    }

    [Fact]
    public async Task Concurrent_recovering_commands_take_the_job_over_once()
    {
        WriteApp(gated: "s2");
        var id = await RunAndKillAsync("s2");

        var commands = await Task.WhenAll(
            OozieLiteAsync("jobs"), OozieLiteAsync("job", "-info", id), OozieLiteAsync("jobs"));

        var store = Store();
        await WaitUntilAsync(() => store.GetLog(id).Any(l => l.Contains("s2 was RUNNING", StringComparison.Ordinal)),
            "the recovery to reattach s2");
        Touch(Gate("s2"));
        var job = await FinalAsync(id, [.. commands.Select(c => c.StandardError)]);
        Assert.Equal(JobStatus.SUCCEEDED, job.Status);
        Assert.Single(store.GetLog(id), l => l.Contains("Resuming interrupted job", StringComparison.Ordinal));
        AssertEveryStepRanOnce();
    }

    [Fact]
    public async Task Killing_an_interrupted_job_kills_its_shell_process_group()
    {
        WriteApp(gated: "s2");
        var id = await RunAndKillAsync("s2");
        var s2 = Store().GetActions(id).Single(a => a.Name == "s2");
        var process = ProcessOf(s2);
        Assert.True(process.IsAlive);

        var kill = await OozieLiteAsync("job", "-kill", id);

        Assert.Equal(0, kill.ExitCode);
        await WaitUntilAsync(() => !process.IsAlive, "the shell action's process group to be killed");
        var job = await FinalAsync(id, kill.StandardError);
        Assert.Equal(JobStatus.KILLED, job.Status);
        Assert.Equal(ActionStatus.KILLED, Store().GetActions(id).Single(a => a.Name == "s2").Status);
        Assert.Equal(0, Count("s2", "done"));
        Assert.Equal(0, Count("s3", "started"));
    }
}
