using SparkJobs.Cli;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>
/// <c>job -info</c>, <c>-rerun</c> and <c>-change</c> on coordinators and bundles through the oozie-lite command line,
/// in-process against a store the test fills on the fake clock.
/// </summary>
[Collection(nameof(StoreHomeTests))]
public sealed class InfoCliTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string? _previousHome = Environment.GetEnvironmentVariable("OOZIE_LITE_HOME");
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Coord.Clock("2026-01-01T05:30Z");
    private readonly CoordinatorStore _store;

    public InfoCliTests()
    {
        Environment.SetEnvironmentVariable("OOZIE_LITE_HOME", Home);
        _store = new CoordinatorStore(JobStore.Open(Home, _clock), _clock);
    }

    private string Home => Path.Combine(_dir.Path, "home");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("OOZIE_LITE_HOME", _previousHome);
        _dir.Dispose();
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await new OozieCli(stdout, stderr, _clock).RunAsync(args);
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
    }

    // Three daily actions with no input events; the workflow is killed on the 2nd.
    private void WriteApps()
    {
        _dir.Write("apps/wf/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="day">
              <start to="check"/>
              <decision name="check">
                <switch><case to="stop">${day eq '02'}</case><default to="end"/></switch>
              </decision>
              <kill name="stop"><message>no data on day ${day}</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        _dir.Write("coord/coordinator.xml", Coord.App(
            "frequency=\"${coord:days(1)}\" start=\"2026-01-01T06:00Z\" end=\"${end}\" timezone=\"UTC\"",
            "<controls><concurrency>2</concurrency></controls>")
            .Replace("file:///apps/wf", _dir.Uri + "/apps/wf", StringComparison.Ordinal)
            .Replace("</workflow></action>", "<configuration><property><name>day</name>" +
                "<value>${coord:formatTime(coord:nominalTime(), 'dd')}</value></property></configuration>" +
                "</workflow></action>", StringComparison.Ordinal));
    }

    private async Task<string> RunCoordinatorAsync()
    {
        WriteApps();
        var service = new CoordinatorService(_store, _clock, FileSystems.Default);
        var prepared = await CoordinatorLoader.PrepareAsync(new Dictionary<string, string>
        {
            ["oozie.coord.application.path"] = _dir.Uri + "/coord", ["end"] = "2026-01-04T06:00Z",
        }, new Dictionary<string, string>(), "tester", "job.properties", FileSystems.Default, _clock);
        var id = service.Submit(prepared);
        _clock.SetUtcNow(Coord.Time("2026-01-03T06:00Z"));
        for (var pass = 0; pass < 3; pass++)
        {
            await service.TickAsync();
            await service.WhenWorkflowsDoneAsync();
        }

        await service.TickAsync();
        return id;
    }

    [Fact]
    public async Task Coordinator_info_prints_oozies_job_fields_and_action_table()
    {
        var id = await RunCoordinatorAsync();
        var actions = _store.Actions(id);

        var (code, output, err) = await RunAsync("job", "-info", id);

        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.Equal($"Job ID : {id}", lines[0]);
        Assert.Equal(new string('-', 132), lines[1]);
        Assert.Equal("Job Name    : test", lines[2]);
        Assert.Equal($"App Path    : {_dir.Uri}/coord", lines[3]);
        Assert.Equal("Status      : DONEWITHERROR", lines[4]);
        Assert.Equal("Start Time  : 2026-01-01 06:00 GMT", lines[5]);
        Assert.Equal("End Time    : 2026-01-04 06:00 GMT", lines[6]);
        Assert.Equal("Pause Time  : -", lines[7]);
        Assert.Equal("Concurrency : 2", lines[8]);
        Assert.Equal(new string('-', 132), lines[9]);
        Assert.Equal(string.Concat("ID".PadRight(43), "Status".PadRight(10), "Ext ID".PadRight(37),
            "Err Code".PadRight(10), "Created".PadRight(21), "Nominal Time".PadRight(21), "Last Mod"), lines[10]);
        Assert.StartsWith($"{id}@1", lines[11], StringComparison.Ordinal);
        Assert.Matches($@"^{id}@2\s+KILLED\s+{actions[1].WorkflowId}\s+E0729\s+2026-01-03 06:00 GMT\s+" +
            @"2026-01-02 06:00 GMT\s+2026-01-03 06:00 GMT$", lines[13]);
        Assert.Matches(@"\sSUCCEEDED\s", lines[15]);
        Assert.Equal(new string('-', 132), lines[16]);
        var (_, workflowInfo, _) = await RunAsync("job", "-info", actions[1].WorkflowId!);
        Assert.Contains($"CoordAction ID: {id}@2", workflowInfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coordinator_info_pages_with_offset_and_len_and_verbose_prints_every_field()
    {
        var id = await RunCoordinatorAsync();

        var (_, page, _) = await RunAsync("job", "-info", id, "-offset", "2", "-len", "1");
        var (_, verbose, _) = await RunAsync("job", "-info", id, "-verbose", "-len", "1");
        var (badCode, _, badLen) = await Usage("job", "-info", id, "-len", "0");

        Assert.Contains($"{id}@2 ", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"{id}@1 ", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"{id}@3 ", page, StringComparison.Ordinal);
        var header = verbose.Split('\n').First(l => l.StartsWith("ID\t", StringComparison.Ordinal));
        Assert.Equal(14, header.Split('\t').Length);
        var row = verbose.Split('\n').Single(l => l.StartsWith($"{id}@1\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal(["1", "-", "-", "-"], row[1..5]);
        Assert.Equal(["SUCCEEDED", id], row[6..8]);
        Assert.Equal((2, "-len 0 is not a positive number."), (badCode, badLen));
    }

    [Fact]
    public async Task Bundle_info_rerun_and_change_through_the_command_line()
    {
        WriteApps();
        _dir.Write("bundle/bundle.xml", $"""
            <bundle-app xmlns="uri:oozie:bundle:0.2" name="days">
              <controls><kick-off-time>2026-01-01T05:45Z</kick-off-time></controls>
              <coordinator name="daily"><app-path>{_dir.Uri}/coord</app-path>
                <configuration><property><name>end</name><value>2026-01-02T06:00Z</value></property></configuration>
              </coordinator>
              <coordinator name="later" enabled="false"><app-path>{_dir.Uri}/coord</app-path></coordinator>
            </bundle-app>
            """);
        var props = _dir.Write("job.properties", $"oozie.bundle.application.path={_dir.Uri}/bundle\n");
        var (_, submitted, _) = await RunAsync("job", "-run", "-config", props);
        var id = submitted.Trim()["job: ".Length..];
        var bundles = new BundleService(_store, _clock, FileSystems.Default);
        var service = new CoordinatorService(_store, _clock, FileSystems.Default);
        _clock.SetUtcNow(Coord.Time("2026-01-01T06:00Z"));
        await bundles.TickAsync();
        await service.TickAsync();
        await service.WhenWorkflowsDoneAsync();
        await service.TickAsync();
        await bundles.TickAsync();
        var coordId = bundles.Coordinators(id)[0].CoordinatorId!;

        var (_, info, _) = await RunAsync("job", "-info", id);
        var (actionCode, _, _) = await Usage("job", "-rerun", id, "-action", "1");
        var (bareCode, _, bareError) = await Usage("job", "-rerun", id);
        var (_, rerun, _) = await RunAsync("job", "-rerun", id, "-coordinator", "daily", "-date",
            "2026-01-01T06:00Z");
        var (_, changed, _) = await RunAsync("job", "-change", id, "-value", "pausetime=2026-01-20T00:00Z");

        var lines = info.Split('\n');
        Assert.Equal($"Job ID : {id}", lines[0]);
        Assert.Equal("Job Name : days", lines[2]);
        Assert.Equal($"App Path : {_dir.Uri}/bundle", lines[3]);
        Assert.Equal("Status   : SUCCEEDED", lines[4]);
        Assert.Equal("Kickoff time   : 2026-01-01 05:45 GMT", lines[5]);
        Assert.Matches(@"^Job ID\s+Status\s+Freq Unit\s+Started\s+Next Materialized\s+Name$", lines[7]);
        Assert.Matches($@"^{coordId}\s+SUCCEEDED\s+1\s+DAY\s+2026-01-01 06:00 GMT\s+-\s+daily$", lines[9]);
        Assert.Matches(@"^-\s+DISABLED\s+-\s+-\s+-\s+-\s+later$", lines[11]);
        Assert.Equal(2, actionCode);
        Assert.Equal(2, bareCode);
        Assert.Contains("-coordinator", bareError, StringComparison.Ordinal);
        Assert.Contains($"Coordinators [daily] of bundle {id} are scheduled to rerun", rerun, StringComparison.Ordinal);
        Assert.Contains($"Rerun daily: {coordId}@1", rerun, StringComparison.Ordinal);
        Assert.Contains("Skipped later: it is disabled (enabled=\"false\")", changed, StringComparison.Ordinal);
        Assert.Equal(CoordActionStatus.WAITING, _store.Actions(coordId)[0].Status);
        Assert.Equal(Coord.Time("2026-01-20T00:00Z"), _store.GetJob(coordId)!.Pause);
    }

    private async Task<(int Code, string Out, string Err)> Usage(params string[] args)
    {
        try
        {
            return await RunAsync(args);
        }
        catch (UsageException e)
        {
            return (2, string.Empty, e.Message);
        }
    }
}

/// <summary>Tests that point OOZIE_LITE_HOME at their own store run alone: the variable is process-wide.</summary>
[CollectionDefinition(nameof(StoreHomeTests), DisableParallelization = true)]
public sealed class StoreHomeTests;
