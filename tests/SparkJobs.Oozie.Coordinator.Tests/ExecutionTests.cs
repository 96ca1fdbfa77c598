using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>The scheduler on a fake clock with real SQLite, real files and real shell processes.</summary>
public sealed partial class ExecutionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void WriteStandInWorkflow() => _dir.Write("apps/wf/workflow.xml", """
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="stand-in">
          <start to="train"/>
          <action name="train">
            <shell xmlns="uri:oozie:shell-action:1.0">
              <exec>/bin/sh</exec><argument>-c</argument>
              <argument>o="\${1#file://}"; mkdir -p "$o" &amp;&amp;
                ls "\${0#file://}" > "$o/inputs.txt" &amp;&amp; touch "$o/_SUCCESS"</argument>
              <argument>${input}</argument><argument>${output}</argument>
            </shell>
            <ok to="end"/><error to="fail"/>
          </action>
          <kill name="fail"><message>failed</message></kill>
          <end name="end"/>
        </workflow-app>
        """);

    private string Coordinator(string doneFlag, string execution = "FIFO") => Coord.App(
        "frequency=\"${coord:days(1)}\" start=\"2026-01-01T06:00Z\" end=\"2026-01-04T06:00Z\" timezone=\"UTC\"",
        $"""
        <controls><timeout>-1</timeout><concurrency>1</concurrency><execution>{execution}</execution></controls>
        <datasets>
          <dataset name="landing" frequency="${"{"}coord:days(1){"}"}" initial-instance="2026-01-01T00:00Z"
            timezone="UTC">
            <uri-template>{_dir.Uri}/landing/${"{"}YEAR{"}"}/${"{"}MONTH{"}"}/${"{"}DAY{"}"}</uri-template>{doneFlag}
          </dataset>
          <dataset name="out" frequency="${"{"}coord:days(1){"}"}" initial-instance="2026-01-01T00:00Z" timezone="UTC">
            <uri-template>{_dir.Uri}/out/${"{"}DAY{"}"}</uri-template>
          </dataset>
        </datasets>
        <input-events><data-in name="in" dataset="landing"><instance>${"{"}coord:current(0){"}"}</instance></data-in>
        </input-events>
        <output-events><data-out name="o" dataset="out"><instance>${"{"}coord:current(0){"}"}</instance></data-out>
        </output-events>
        """).Replace("file:///apps/wf", _dir.Uri + "/apps/wf", StringComparison.Ordinal).Replace(
        "</workflow></action>", "<configuration><property><name>input</name><value>${coord:dataIn('in')}</value>" +
        "</property><property><name>output</name><value>${coord:dataOut('o')}</value></property></configuration>" +
        "</workflow></action>", StringComparison.Ordinal);

    private (CoordinatorService Service, CoordinatorStore Store, string Id) Submit(string xml,
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        _dir.Write("coord/coordinator.xml", xml);
        var store = new CoordinatorStore(JobStore.Open(Path.Combine(_dir.Path, "home"), clock), clock);
        var service = new CoordinatorService(store, clock, FileSystems.Default);
        var prepared = CoordinatorLoader.PrepareAsync(
            new Dictionary<string, string> { ["oozie.coord.application.path"] = _dir.Uri + "/coord" },
            new Dictionary<string, string>(), "tester", "job.properties", FileSystems.Default, clock).Result;
        return (service, store, service.Submit(prepared));
    }

    private void Land(int day, string marker = "_SUCCESS")
    {
        _dir.Write($"landing/2026/01/{day:00}/part-0", "data");
        if (marker.Length > 0)
        {
            _dir.Write($"landing/2026/01/{day:00}/{marker}", string.Empty);
        }
    }

    private static async Task TickAsync(CoordinatorService service)
    {
        await service.TickAsync();
        await service.WhenWorkflowsDoneAsync();
        await service.TickAsync();
    }

    [Fact]
    public async Task Three_days_of_landed_data_give_three_workflow_runs_and_outputs()
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-01T05:30Z");
        var (service, store, id) = Submit(Coordinator(string.Empty), clock);

        await TickAsync(service);
        Assert.Matches("^0000001-\\d{15}-oozie-tester-C$", id);
        Assert.Equal([CoordActionStatus.WAITING], store.Actions(id).Select(a => a.Status));

        for (var day = 1; day <= 3; day++)
        {
            Land(day);
            clock.SetUtcNow(Coord.Time($"2026-01-{day:00}T06:00Z"));
            await TickAsync(service);
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        await TickAsync(service);

        var actions = store.Actions(id);
        Assert.Equal([1, 2, 3], actions.Select(a => a.Number));
        Assert.All(actions, a => Assert.Equal(CoordActionStatus.SUCCEEDED, a.Status));
        Assert.Equal("SUCCEEDED", store.GetJob(id)!.Status);
        Assert.Equal(3, actions.Select(a => a.WorkflowId).Distinct().Count());
        for (var day = 1; day <= 3; day++)
        {
            Assert.Equal("_SUCCESS\npart-0\n", File.ReadAllText(Path.Combine(_dir.Path, $"out/{day:00}/inputs.txt")));
        }
    }

    [Fact]
    public async Task Done_flag_variants_decide_when_an_instance_is_ready()
    {
        var clock = Coord.Clock("2026-01-01T06:00Z");
        var (_, defaultStore, defaultId) = Submit(Coordinator(string.Empty), clock);
        var def = new CoordinatorService(defaultStore, clock, FileSystems.Default)
            .Definition(defaultStore.GetJob(defaultId)!);
        var checker = new InputChecker(def, new Materializer(def, clock), FileSystems.Default);
        var uri = _dir.Uri + "/landing/2026/01/01";
        var dirOnly = def.Datasets["landing"] with { DoneFlag = string.Empty };
        var named = def.Datasets["landing"] with { DoneFlag = "READY" };

        Assert.False(await checker.ExistsAsync(dirOnly, uri, default));
        Land(1, marker: string.Empty);
        Assert.True(await checker.ExistsAsync(dirOnly, uri, default));
        Assert.False(await checker.ExistsAsync(def.Datasets["landing"], uri, default));
        Assert.False(await checker.ExistsAsync(named, uri, default));
        Land(1, marker: "READY");
        Assert.True(await checker.ExistsAsync(named, uri, default));
        Land(1);
        Assert.True(await checker.ExistsAsync(def.Datasets["landing"], uri, default));
    }

    [Fact]
    public async Task Negative_timeout_is_capped_at_sixty_days_and_then_times_out()
    {
        var clock = Coord.Clock("2026-01-01T06:00Z");
        var (service, store, id) = Submit(Coordinator(string.Empty), clock);
        Assert.Equal(CoordinatorDefinition.MaxTimeoutMinutes, service.Definition(store.GetJob(id)!).TimeoutMinutes);

        await TickAsync(service);
        clock.SetUtcNow(Coord.Time("2026-03-02T05:59Z"));
        await TickAsync(service);
        Assert.Equal(CoordActionStatus.WAITING, store.Actions(id)[0].Status);

        clock.SetUtcNow(Coord.Time("2026-03-02T06:00Z"));
        await TickAsync(service);
        Assert.Equal(CoordActionStatus.TIMEDOUT, store.Actions(id)[0].Status);
        Assert.Equal("RUNNINGWITHERROR", store.GetJob(id)!.Status);
    }

    [Theory]
    [InlineData("FIFO", new[] { 1 })]
    [InlineData("LIFO", new[] { 3 })]
    public async Task Execution_order_picks_which_ready_action_runs_first(string execution, int[] first)
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-04T05:00Z");
        var (service, store, id) = Submit(Coordinator(string.Empty, execution), clock);
        Land(1);
        Land(2);
        Land(3);

        await service.TickAsync();

        var started = store.Actions(id).Where(a => a.Status != CoordActionStatus.READY).Select(a => a.Number);
        Assert.Equal(first, started);
        await service.WhenWorkflowsDoneAsync();
    }

    [Fact]
    public async Task Last_only_skips_older_actions_once_the_next_nominal_time_has_passed()
    {
        var clock = Coord.Clock("2026-01-04T05:00Z");
        var (service, store, id) = Submit(Coordinator(string.Empty, "LAST_ONLY"), clock);

        await service.TickAsync();

        Assert.Equal([CoordActionStatus.SKIPPED, CoordActionStatus.SKIPPED, CoordActionStatus.WAITING],
            store.Actions(id).Select(a => a.Status));
    }

    [Fact]
    public async Task A_scheduler_killed_with_sigkill_mid_materialization_neither_loses_nor_duplicates_actions()
    {
        var home = Path.Combine(_dir.Path, "home");
        _dir.Write("coord/coordinator.xml", Coord.App(
            "frequency=\"60\" start=\"2000-01-01T00:00Z\" end=\"2001-01-01T00:00Z\" timezone=\"UTC\"",
            $"""
            <controls><throttle>500</throttle></controls>
            <datasets><dataset name="d" frequency="60" initial-instance="2000-01-01T00:00Z" timezone="UTC">
              <uri-template>{_dir.Uri}/never/${"{"}YEAR{"}"}${"{"}MONTH{"}"}${"{"}DAY{"}"}${"{"}HOUR{"}"}</uri-template>
            </dataset></datasets>
            <input-events><data-in name="in" dataset="d"><instance>${"{"}coord:current(0){"}"}</instance></data-in>
            </input-events>
            """));
        var props = _dir.Write("job.properties", $"oozie.coord.application.path={_dir.Uri}/coord\n");
        Assert.Equal(0, Oozie("job", "-run", "-config", props).WaitForExitAndCode());

        using var server = Oozie("server");
        var db = Path.Combine(home, "store.db");
        while (Count(db) < 20 && !server.HasExited)
        {
            await Task.Yield();
        }

        server.Kill();
        await server.WaitForExitAsync();
        var atKill = Count(db);

        Assert.Equal(0, Oozie("server", "-once").WaitForExitAndCode());

        var numbers = Numbers(db);
        Assert.True(atKill <= 500);
        Assert.Equal(Enumerable.Range(1, 500), numbers);

        Process Oozie(params string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir.Path, RedirectStandardOutput = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll"));
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["OOZIE_LITE_HOME"] = home;
            info.Environment.Remove("OOZIE_URL");
            return Process.Start(info)!;
        }
    }

    private static long Count(string db) => Numbers(db).Count;

    private static List<int> Numbers(string db)
    {
        if (!File.Exists(db))
        {
            return [];
        }

        try
        {
            using var c = new SqliteConnection($"Data Source={db};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT number FROM coord_actions ORDER BY number";
            using var r = cmd.ExecuteReader();
            var list = new List<int>();
            while (r.Read())
            {
                list.Add(r.GetInt32(0));
            }

            return list;
        }
        catch (SqliteException)
        {
            return [];
        }
    }
}

/// <summary>Process helpers for the crash test.</summary>
internal static class ProcessExtensions
{
    public static int WaitForExitAndCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
