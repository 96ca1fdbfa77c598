using CliWrap;
using CliWrap.Buffered;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Tests;

/// <summary>Runs the real oozie-lite executable as separate processes sharing one store.</summary>
public sealed class CliProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<BufferedCommandResult> OozieLiteAsync(params string[] args) =>
        await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"), .. args])
            .WithWorkingDirectory(_dir.Path)
            .WithEnvironmentVariables(e => e
                .Set("OOZIE_LITE_HOME", Path.Combine(_dir.Path, "home"))
                .Set("OOZIE_URL", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    private void WriteApp(string script)
    {
        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="cli-${"{"}suffix{"}"}">
              <start to="step"/>
              <action name="step">
                <shell xmlns="uri:oozie:shell-action:1.0">
                  <exec>/bin/sh</exec><argument>-c</argument><argument>{script}</argument>
                </shell>
                <ok to="end"/><error to="fail"/>
              </action>
              <kill name="fail"><message>step failed: ${"{"}wf:errorCode('step'){"}"}</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        _dir.Write("job.properties", "suffix = one\noozie.wf.application.path=${user.dir}/app\n");
    }

    [Fact]
    public async Task A_store_held_open_here_sees_what_another_process_writes_and_shares_its_id_counter()
    {
        WriteApp("echo done");
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);

        // Both calls leave a connection in this process's pool before the other process writes.
        var first = store.NextJobId("tester");
        var missing = store.GetJob("0000002-" + store.Epoch + "-oozie-tester-W");
        var run = await OozieLiteAsync("job", "-run", "-config", "job.properties");
        var id = run.StandardOutput.Trim()["job: ".Length..];
        var seen = store.GetJob(id);
        var next = store.NextJobId("tester");

        Assert.Equal(0, run.ExitCode);
        Assert.Null(missing);
        Assert.StartsWith("0000001-", first, StringComparison.Ordinal);
        Assert.StartsWith("0000002-", id, StringComparison.Ordinal);
        Assert.Equal(JobStatus.SUCCEEDED, seen?.Status);
        Assert.Contains(store.GetActions(id), a => a is { Name: "step", Status: ActionStatus.OK });
        Assert.StartsWith("0000003-", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_then_info_and_log_from_other_processes()
    {
        WriteApp("echo working on it >&amp;2; echo done");

        var run = await OozieLiteAsync("job", "-run", "-config", "job.properties", "-D", "suffix=two");

        Assert.Equal(0, run.ExitCode);
        var id = run.StandardOutput.Trim()["job: ".Length..];
        Assert.Matches("^0000001-\\d{15}-oozie-.+-W$", id);
        Assert.Contains("step RUNNING", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("step OK in ", run.StandardError, StringComparison.Ordinal);

        var info = await OozieLiteAsync("job", "-info", id);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("Workflow Name : cli-two", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Status        : SUCCEEDED", info.StandardOutput, StringComparison.Ordinal);
        Assert.Matches($"{id}@step +OK +\\d+ +SUCCEEDED +-", info.StandardOutput);

        var log = await OozieLiteAsync("job", "-log", id);
        Assert.Contains("[stderr] working on it", log.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("SUCCEEDED", log.StandardOutput, StringComparison.Ordinal);

        var definition = await OozieLiteAsync("job", "-definition", id);
        Assert.StartsWith("<workflow-app", definition.StandardOutput, StringComparison.Ordinal);

        var jobs = await OozieLiteAsync("jobs", "-filter", "status=SUCCEEDED");
        Assert.Contains(id, jobs.StandardOutput, StringComparison.Ordinal);
        var none = await OozieLiteAsync("jobs", "-filter", "status=KILLED");
        Assert.DoesNotContain(id, none.StandardOutput, StringComparison.Ordinal);
        var bad = await OozieLiteAsync("jobs", "-filter", "status=BANANA");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("E0420", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_shows_the_output_of_a_shell_action_that_is_still_running()
    {
        var gate = Path.Combine(_dir.Path, "go");
        var started = Path.Combine(_dir.Path, "started");
        WriteApp($"echo progress 1 of 2; echo warming up >&amp;2; touch {started}; " +
            $"i=0; while [ ! -e {gate} ] &amp;&amp; [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done");
        var run = OozieLiteAsync("job", "-run", "-config", "job.properties");
        try
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (!File.Exists(started))
                {
                    await Task.Delay(20, timeout.Token);
                }
            }

            var id = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System).ListJobs(1, [], [])[0].Id;

            var log = await OozieLiteAsync("job", "-log", id);

            Assert.Contains("progress 1 of 2", log.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("[stderr] warming up", log.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(gate, string.Empty);
        }

        Assert.Equal(0, (await run).ExitCode);
    }

    [Fact]
    public async Task Failed_run_exits_non_zero_with_a_one_line_reason()
    {
        WriteApp("exit 4");

        var run = await OozieLiteAsync("job", "-run", "-config", "job.properties");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("KILLED at fail [E0729] step failed: 4", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_workflow_stops_before_running_and_names_file_line_and_node()
    {
        WriteApp("echo hi");
        var xml = File.ReadAllText(Path.Combine(_dir.Path, "app", "workflow.xml"))
            .Replace("to=\"end\"", "to=\"ending\"", StringComparison.Ordinal);
        _dir.Write("app/workflow.xml", xml);

        var run = await OozieLiteAsync("job", "-run", "-config", "job.properties");
        var validate = await OozieLiteAsync("validate", "app");

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("job:", run.StandardOutput, StringComparison.Ordinal);
        Assert.Matches("app/workflow.xml:7:\\d+: E0708: Node 'step' has a transition to 'ending'", run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, validate.ExitCode);
        Assert.StartsWith("app/workflow.xml:7:", validate.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_warns_about_el_that_does_not_parse_and_rejects_a_broken_config_default()
    {
        WriteApp("echo hi");
        var xml = File.ReadAllText(Path.Combine(_dir.Path, "app", "workflow.xml"))
            .Replace("step failed: ${wf:errorCode('step')}", "step failed: ${unclosed", StringComparison.Ordinal);
        _dir.Write("app/workflow.xml", xml);

        var warned = await OozieLiteAsync("validate", "app");
        _dir.Write("app/config-default.xml", "<configuration><property><name>a</name></configuration>");
        var broken = await OozieLiteAsync("validate", "app");

        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("warning W0002", warned.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("${unclosed", warned.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("config-default.xml:1:", broken.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", broken.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dryrun_prints_ok_and_creates_no_job()
    {
        WriteApp("echo hi");

        var dry = await OozieLiteAsync("job", "-dryrun", "-config", "job.properties");
        var jobs = await OozieLiteAsync("jobs");

        Assert.Equal(0, dry.ExitCode);
        Assert.Equal("OK", dry.StandardOutput.Trim());
        Assert.DoesNotContain("-W", jobs.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("job", "-run")]
    [InlineData("job", "-run", "-config")]
    [InlineData("bogus")]
    [InlineData("jobs", "-oozie", "not-a-url")]
    [InlineData("jobs", "-oozie", "ftp://127.0.0.1:1/oozie")]
    public async Task Bad_arguments_exit_2_with_a_hint(params string[] args)
    {
        var result = await OozieLiteAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.Contains("oozie-lite help", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_and_unknown_job_ids()
    {
        Assert.Contains("NORMAL", (await OozieLiteAsync("admin", "-status")).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("build version", (await OozieLiteAsync("admin", "-version")).StandardOutput,
            StringComparison.Ordinal);
        var missing = await OozieLiteAsync("job", "-info", "0000009-000000000000000-oozie-x-W");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("E0604", missing.StandardError, StringComparison.Ordinal);
    }
}
