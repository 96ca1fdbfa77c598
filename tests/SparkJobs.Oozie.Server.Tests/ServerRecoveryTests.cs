using System.Diagnostics;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>A server finishes interrupted jobs: those it finds at start-up and those interrupted while it runs.</summary>
public sealed class ServerRecoveryTests
{
    [Fact]
    public async Task A_job_whose_oozie_lite_was_sigkilled_before_the_server_started_is_finished_by_it()
    {
        using var dir = new TempDir();
        var markers = Path.Combine(dir.Path, "markers");
        Directory.CreateDirectory(markers);
        var gate = Path.Combine(markers, "a.go");
        WriteApp(dir, markers, gate);
        var home = Path.Combine(dir.Path, "store");
        var id = await RunAndKillAsync(dir, markers, home);

        try
        {
            await using var server = await OozieServer.StartAsync(new OozieServerOptions
            {
                Port = 0, AppRoots = [dir.Path], StoreHome = home,
            }, CancellationToken.None);
            var store = await ReleaseAndFinishAsync(server, home, id, markers, gate);
            Assert.Single(store.GetLog(id), l => l.Contains("Resuming interrupted job", StringComparison.Ordinal));
        }
        finally
        {
            File.WriteAllText(gate, string.Empty);
        }
    }

    [Fact]
    public async Task A_job_whose_oozie_lite_is_sigkilled_while_the_server_runs_is_taken_over_at_its_next_scan()
    {
        using var dir = new TempDir();
        var markers = Path.Combine(dir.Path, "markers");
        Directory.CreateDirectory(markers);
        var gate = Path.Combine(markers, "a.go");
        WriteApp(dir, markers, gate);
        var home = Path.Combine(dir.Path, "store");
        try
        {
            await using var server = await OozieServer.StartAsync(new OozieServerOptions
            {
                Port = 0, AppRoots = [dir.Path], StoreHome = home, RecoveryInterval = TimeSpan.FromMilliseconds(100),
            }, CancellationToken.None);
            var id = await RunAndKillAsync(dir, markers, home);
            await ReleaseAndFinishAsync(server, home, id, markers, gate);
        }
        finally
        {
            File.WriteAllText(gate, string.Empty);
        }
    }

    // Once the server has reattached to action a, lets a finish and checks that each action ran exactly once.
    private static async Task<JobStore> ReleaseAndFinishAsync(
        OozieServer server, string home, string id, string markers, string gate)
    {
        var store = JobStore.Open(home, TimeProvider.System);
        await WaitUntilAsync(() => store.GetLog(id).Any(l => l.Contains("a was RUNNING", StringComparison.Ordinal)));
        File.WriteAllText(gate, string.Empty);
        using var http = new HttpClient();

        var status = await ServerEndToEndTests.WaitForFinalAsync(http, server.BaseUri.ToString(), id);

        Assert.Equal("SUCCEEDED", status);
        Assert.Single(File.ReadAllLines(Path.Combine(markers, "a.started")));
        Assert.Single(File.ReadAllLines(Path.Combine(markers, "b.started")));
        return store;
    }

    // Action a waits for its gate (at most 30 s, so nothing outlives a failed test for long); b marks that it ran.
    private static void WriteApp(TempDir dir, string markers, string gate)
    {
        var waitForGate = $"i=0; while [ ! -e {gate} ] &amp;&amp; [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done";
        dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="recover">
              <start to="a"/>
              <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec><argument>-c</argument>
                <argument>echo x &gt;&gt; {markers}/a.started; {waitForGate}</argument>
              </shell><ok to="b"/><error to="fail"/></action>
              <action name="b"><shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec><argument>-c</argument>
                <argument>echo x &gt;&gt; {markers}/b.started</argument>
              </shell><ok to="end"/><error to="fail"/></action>
              <kill name="fail"><message>failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
    }

    // Runs the workflow with a real oozie-lite process and SIGKILLs it once action a has started.
    private static async Task<string> RunAndKillAsync(TempDir dir, string markers, string home)
    {
        dir.Write("job.properties", $"oozie.wf.application.path={Path.Combine(dir.Path, "app")}\n");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"), "job", "-run",
            "-config", "job.properties" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OOZIE_LITE_HOME"] = home;
        info.Environment.Remove("OOZIE_URL");
        string id;
        using (var run = Process.Start(info)!)
        {
            id = (await run.StandardOutput.ReadLineAsync())!["job: ".Length..];
            _ = run.StandardError.ReadToEndAsync();
            await WaitUntilAsync(() => File.Exists(Path.Combine(markers, "a.started")));
            run.Kill();
            await run.WaitForExitAsync();
        }

        return id;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
