using CliWrap;
using CliWrap.Buffered;
using SparkJobs.Oozie.Engine;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

/// <summary>Runs -submit, -start, -poll, -info paging and jobs -jobtype through the real executable.</summary>
public sealed class CliWorkflowCommandTests : IDisposable
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

    [Fact]
    public async Task Submit_then_start_then_poll_and_page_the_actions()
    {
        _dir.Write("app/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="two-step">
              <start to="a"/>
              <action name="a"><fs><mkdir path="${wf:conf('out')}/a"/></fs><ok to="b"/><error to="fail"/></action>
              <action name="b"><fs><mkdir path="${wf:conf('out')}/b"/></fs><ok to="end"/><error to="fail"/></action>
              <kill name="fail"><message>failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        _dir.Write("job.properties", $"oozie.wf.application.path=${{user.dir}}/app\nout={_dir.Path}/out\n");

        var submit = await OozieLiteAsync("job", "-submit", "-config", "job.properties");
        Assert.Equal(0, submit.ExitCode);
        var id = submit.StandardOutput.Trim()["job: ".Length..];
        var prep = await OozieLiteAsync("job", "-info", id);
        Assert.Contains("Status        : PREP", prep.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "out")));

        var start = await OozieLiteAsync("job", "-start", id);
        var poll = await OozieLiteAsync("job", "-poll", id, "-interval", "0.01", "-timeout", "1");
        var again = await OozieLiteAsync("job", "-start", id);
        var page = await OozieLiteAsync("job", "-info", id, "-offset", "2", "-len", "2", "-verbose");
        var jobs = await OozieLiteAsync("jobs", "-jobtype", "wf", "-len", "5");

        Assert.Equal(0, start.ExitCode);
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "out", "b")));
        Assert.Equal(0, poll.ExitCode);
        Assert.Equal($"{id} : SUCCEEDED", poll.StandardOutput.Trim());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("E0813", again.StandardError, StringComparison.Ordinal);
        var rows = page.StandardOutput.Split('\n').Where(l => l.StartsWith(id + "@", StringComparison.Ordinal))
            .ToList();
        Assert.Equal([id + "@a", id + "@b"], rows.Select(r => r.Split('\t')[0]));
        Assert.Contains("\tfs\t", rows[0], StringComparison.Ordinal);
        Assert.Contains(id, jobs.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_gives_up_after_its_timeout_on_a_job_that_does_not_finish()
    {
        _dir.Write("app/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="idle">
              <start to="end"/><end name="end"/>
            </workflow-app>
            """);
        _dir.Write("job.properties", "oozie.wf.application.path=${user.dir}/app\n");
        var id = (await OozieLiteAsync("job", "-submit", "-config", "job.properties")).StandardOutput.Trim()[5..];

        var poll = await OozieLiteAsync("job", "-poll", id, "-interval", "0.005", "-timeout", "0.01");

        Assert.Equal(1, poll.ExitCode);
        Assert.Equal($"{id} : PREP", poll.StandardOutput.Trim());
        Assert.Contains("-timeout", poll.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<shell xmlns=\"uri:oozie:shell-action:1.0\"><exec>true</exec></shell>", "", "E0701")]
    [InlineData("<shell xmlns=\"uri:oozie:shell-action:1.0\"><name-node>hdfs://nn</name-node><exec>true</exec></shell>",
        "", null)]
    [InlineData("<shell xmlns=\"uri:oozie:shell-action:1.0\"><exec>true</exec></shell>",
        "<global><name-node>hdfs://nn</name-node></global>", null)]
    [InlineData("<fs><mkdir path=\"/tmp/x\"/></fs>", "", null)]
    [InlineData("<sub-workflow><app-path>/x</app-path></sub-workflow>", "", null)]
    public async Task Actions_that_need_a_name_node_get_E0701_without_one(string body, string global, string? code)
    {
        _dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="nn">
              {global}
              <start to="a"/>
              <action name="a">{body}<ok to="end"/><error to="end"/></action>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(_dir.Path, "app"),
            ["oozie.actions.default.name-node"] = string.Empty,
        };

        var e = await Record.ExceptionAsync(() => WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default));

        if (code is null)
        {
            Assert.Null(e);
            return;
        }

        var error = Assert.Single(Assert.IsType<WorkflowValidationException>(e).Errors);
        Assert.Equal((code, "a", 4), (error.Code, error.Node, error.Location.Line));
        Assert.Contains("No name-node defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sla_lists_local_jobs_and_rejects_a_bad_filter_in_one_line()
    {
        _dir.Write("app/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:0.5" xmlns:sla="uri:oozie:sla:0.2" name="late-wf">
              <start to="a"/>
              <action name="a"><fs><mkdir path="${wf:conf('out')}"/></fs><ok to="end"/><error to="end"/></action>
              <end name="end"/>
              <sla:info><sla:nominal-time>2026-01-01T00:00Z</sla:nominal-time><sla:should-end>10</sla:should-end></sla:info>
            </workflow-app>
            """);
        _dir.Write("job.properties", $"oozie.wf.application.path=${{user.dir}}/app\nout={_dir.Path}/out\n");
        var run = await OozieLiteAsync("job", "-run", "-config", "job.properties");
        var id = run.StandardOutput.Trim()["job: ".Length..];

        var sla = await OozieLiteAsync("sla", "-filter", "sla_status=MISS");
        var bad = await OozieLiteAsync("sla", "-filter", "colour=red");

        Assert.Equal(0, sla.ExitCode);
        var row = Assert.Single(sla.StandardOutput.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Equal(["late-wf", "WORKFLOW_JOB", "MISS", "SUCCEEDED"], row.Split('\t')[1..5]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("E0420", bad.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.StandardError, StringComparison.Ordinal);
    }
}
