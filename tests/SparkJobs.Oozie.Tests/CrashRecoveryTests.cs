using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Tests;

/// <summary>SIGKILLs a real oozie-lite process at many points and checks that the next command recovers.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private static readonly string[] Steps = ["s1", "s2", "s3"];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Markers => Path.Combine(_dir.Path, "markers");

    private void WriteApp()
    {
        var actions = string.Concat(Steps.Select((s, i) => $"""
            <action name="{s}">
              <shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec><argument>-c</argument>
                <argument>echo x &gt;&gt; {Markers}/{s}.started; sleep 0.4; echo x &gt;&gt; {Markers}/{s}.done</argument>
              </shell>
              <ok to="{(i + 1 < Steps.Length ? Steps[i + 1] : "end")}"/><error to="fail"/>
            </action>
            """));
        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="crash">
              <start to="{Steps[0]}"/>
              {actions}
              <kill name="fail"><message>failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        _dir.Write("job.properties", "oozie.wf.application.path=${user.dir}/app\n");
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

        info.Environment["OOZIE_LITE_HOME"] = Path.Combine(_dir.Path, "home");
        info.Environment.Remove("OOZIE_URL");
        return info;
    }

    private int Count(string step, string kind)
    {
        var file = Path.Combine(Markers, $"{step}.{kind}");
        return File.Exists(file) ? File.ReadAllLines(file).Length : 0;
    }

    [Theory]
    [InlineData("s1", "started")]
    [InlineData("s1", "done")]
    [InlineData("s2", "started")]
    [InlineData("s2", "done")]
    [InlineData("s3", "started")]
    public async Task A_job_killed_with_sigkill_is_finished_by_the_next_command(string step, string kind)
    {
        WriteApp();
        Directory.CreateDirectory(Markers);
        using var run = Process.Start(OozieLite("job", "-run", "-config", "job.properties"))!;
        var id = (await run.StandardOutput.ReadLineAsync())!["job: ".Length..];
        _ = run.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Count(step, kind) == 0)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        run.Kill();
        await run.WaitForExitAsync();
        var okBeforeCrash = Store().GetActions(id).Where(a => a.Status == ActionStatus.OK).Select(a => a.Name).ToList();

        var next = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"), "job", "-resume", id])
            .WithWorkingDirectory(_dir.Path)
            .WithEnvironmentVariables(e => e.Set("OOZIE_LITE_HOME", Path.Combine(_dir.Path, "home"))
                .Set("OOZIE_URL", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        Assert.Equal(0, next.ExitCode);
        var store = Store();
        Assert.Equal(JobStatus.SUCCEEDED, store.GetJob(id)!.Status);
        Assert.All(store.GetActions(id).Where(a => Steps.Contains(a.Name)),
            a => Assert.Equal(ActionStatus.OK, a.Status));
        foreach (var s in Steps)
        {
            // A step that was complete in the store is never run again; the one cut off may run once more.
            Assert.InRange(Count(s, "started"), 1, okBeforeCrash.Contains(s) ? 1 : 2);
        }
    }

    private JobStore Store() => JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
}
