using SparkJobs.Oozie.Bundle;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>Change, ignore, rerun, suspend and pause on live coordinators, on the fake clock.</summary>
public sealed partial class ExecutionTests
{
    private static CoordinatorOperations Operations(CoordinatorStore store,
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) => new(store, clock, FileSystems.Default);

    private async Task RunAllDaysAsync(CoordinatorService service,
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        for (var day = 1; day <= 3; day++)
        {
            Land(day);
        }

        clock.SetUtcNow(Coord.Time("2026-01-03T06:01Z"));
        await TickAsync(service);
        await TickAsync(service);
        await TickAsync(service);
    }

    [Fact]
    public async Task Change_validates_as_oozie_and_extending_a_succeeded_job_runs_it_again()
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-01T05:30Z");
        var (service, store, id) = Submit(Coordinator(string.Empty), clock);
        var ops = Operations(store, clock);

        var before = Assert.Throws<OozieException>(() => ops.Change(id, "endtime=2025-12-31T00:00Z"));
        var past = Assert.Throws<OozieException>(() => ops.Change(id, "pausetime=2026-01-01T05:00Z"));
        var unknown = Assert.Throws<OozieException>(() => ops.Change(id, "starttime=2026-01-01T05:00Z"));
        Assert.Equal(["E1015", "E1015", "E1015"], new[] { before, past, unknown }.Select(e => e.ErrorCode));
        Assert.Contains("before the start time 2026-01-01T06:00Z", before.Message, StringComparison.Ordinal);
        Assert.Contains("in the past", past.Message, StringComparison.Ordinal);

        await RunAllDaysAsync(service, clock);
        Assert.Equal("SUCCEEDED", store.GetJob(id)!.Status);

        ops.Change(id, "endtime=2026-01-05T06:00Z;concurrency=2");
        Assert.Equal("RUNNING", store.GetJob(id)!.Status);
        Land(4);
        clock.SetUtcNow(Coord.Time("2026-01-04T06:01Z"));
        await TickAsync(service);
        await TickAsync(service);
        Assert.Equal([1, 2, 3, 4], store.Actions(id).Select(a => a.Number));
        Assert.Equal("SUCCEEDED", store.GetJob(id)!.Status);
        Assert.Equal(2, service.Definition(store.GetJob(id)!).Concurrency);
    }

    [Fact]
    public async Task A_pause_time_stops_materialization_and_pauses_the_job_until_it_is_cleared()
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-01T05:30Z");
        var (service, store, id) = Submit(SixHourly(), clock);
        clock.SetUtcNow(Coord.Time("2026-01-01T18:00Z"));
        await service.TickAsync();
        Assert.Equal([1, 2, 3], store.Actions(id).Select(a => a.Number));

        Operations(store, clock).Change(id, "pausetime=2026-01-01T18:30Z");
        clock.SetUtcNow(Coord.Time("2026-01-01T23:30Z"));
        await service.TickAsync();
        Assert.Equal("PAUSED", store.GetJob(id)!.Status);
        Assert.Equal(3, store.Actions(id).Count);

        Operations(store, clock).Change(id, "pausetime=");
        await service.TickAsync();
        Assert.Equal("RUNNING", store.GetJob(id)!.Status);
        Assert.Equal(4, store.Actions(id).Count);
    }

    [Fact]
    public async Task Moving_the_pause_time_before_materialized_actions_deletes_them()
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-01T17:30Z");
        var (service, store, id) = Submit(SixHourly(), clock);
        await service.TickAsync();
        Assert.Equal([1, 2, 3], store.Actions(id).Select(a => a.Number));

        Operations(store, clock).Change(id, "pausetime=2026-01-01T17:45Z");

        Assert.Equal([1, 2], store.Actions(id).Select(a => a.Number));
        Assert.Equal(2, store.GetJob(id)!.LastActionNumber);
    }

    private string SixHourly() => Coordinator(string.Empty).Replace("frequency=\"${coord:days(1)}\" start",
        "frequency=\"${coord:hours(6)}\" start", StringComparison.Ordinal);

    [Fact]
    public async Task Ignore_and_rerun_follow_oozie_rules_and_clean_outputs_unless_told_not_to()
    {
        WriteStandInWorkflow();
        var clock = Coord.Clock("2026-01-01T05:30Z");
        var (service, store, id) = Submit(Coordinator(string.Empty), clock);
        var ops = Operations(store, clock);
        Land(1);
        clock.SetUtcNow(Coord.Time("2026-01-01T06:00Z"));
        await TickAsync(service);
        Assert.Equal(CoordActionStatus.SUCCEEDED, store.Actions(id)[0].Status);
        Assert.Equal("E1024", Assert.Throws<OozieException>(() => ops.Ignore(id, "1")).ErrorCode);
        Assert.Equal("E1024", Assert.Throws<OozieException>(() => ops.Ignore(id, null)).ErrorCode);

        // Action 2 never gets its data and times out after the 60-day cap.
        clock.SetUtcNow(Coord.Time("2026-01-02T06:00Z"));
        await TickAsync(service);
        clock.SetUtcNow(Coord.Time("2026-03-10T00:00Z"));
        await TickAsync(service);
        Assert.Equal(CoordActionStatus.TIMEDOUT, store.Actions(id)[1].Status);
        Assert.Equal("E1024", Assert.Throws<OozieException>(() => ops.Ignore(id, "2-3")).ErrorCode);
        Assert.Equal([2], ops.Ignore(id, "2"));
        Assert.Equal(CoordActionStatus.IGNORED, store.Actions(id)[1].Status);

        var output = Path.Combine(_dir.Path, "out/01/inputs.txt");
        var firstWorkflow = store.Actions(id)[0].WorkflowId;
        await ops.RerunAsync(id, new CoordinatorRerun("1", null, Refresh: true, NoCleanup: false, Failed: false));
        Assert.False(File.Exists(output));
        Assert.Equal(CoordActionStatus.WAITING, store.Actions(id)[0].Status);
        await TickAsync(service);
        Assert.True(File.Exists(output));
        Assert.NotEqual(firstWorkflow, store.Actions(id)[0].WorkflowId);

        var second = store.Actions(id)[0].WorkflowId!;
        var run = store.Jobs.GetJob(second)!.Run;
        await ops.RerunAsync(id, new CoordinatorRerun(null, "2026-01-01T00:00Z::2026-01-01T12:00Z", Refresh: false,
            NoCleanup: true, Failed: true));
        Assert.True(File.Exists(output));
        await TickAsync(service);
        Assert.Equal(second, store.Actions(id)[0].WorkflowId);
        Assert.Equal(run + 1, store.Jobs.GetJob(second)!.Run);
        Assert.Equal(CoordActionStatus.SUCCEEDED, store.Actions(id)[0].Status);

        var running = Assert.Throws<OozieException>(() =>
            ops.RerunAsync(id, new CoordinatorRerun("9", null, false, false, false)).GetAwaiter().GetResult());
        Assert.Equal("E1018", running.ErrorCode);
    }

    [Fact]
    public async Task Suspend_and_resume_move_job_statuses_and_kill_ends_waiting_actions()
    {
        var clock = Coord.Clock("2026-01-01T06:00Z");
        var (service, store, id) = Submit(Coordinator(string.Empty), clock);
        var ops = Operations(store, clock);
        ops.Control(id, "suspend");
        Assert.Equal("PREPSUSPENDED", store.GetJob(id)!.Status);
        await service.TickAsync();
        Assert.Empty(store.Actions(id));
        ops.Control(id, "resume");
        await service.TickAsync();
        ops.Control(id, "suspend");
        Assert.Equal("SUSPENDED", store.GetJob(id)!.Status);
        Assert.Equal("E1018", Assert.Throws<OozieException>(() => ops.Control(id, "suspend")).ErrorCode);
        ops.Control(id, "resume");
        Assert.Equal("RUNNING", store.GetJob(id)!.Status);
        ops.Control(id, "kill");
        Assert.Equal("KILLED", store.GetJob(id)!.Status);
        Assert.All(store.Actions(id), a => Assert.Equal(CoordActionStatus.KILLED, a.Status));
        Assert.Equal("IGNORED", ops.Ignore(id, null) is [] ? store.GetJob(id)!.Status : "?");
    }

    [Theory]
    [InlineData("SUCCEEDED,SUCCEEDED", "no,no", "SUCCEEDED")]
    [InlineData("KILLED,KILLED", "no,no", "KILLED")]
    [InlineData("SUCCEEDED,FAILED", "no,no", "DONEWITHERROR")]
    [InlineData("SUCCEEDED,FAILED", "no,yes", "FAILED")]
    [InlineData("SUCCEEDED,RUNNING", "no,no", null)]
    public void Bundle_status_rolls_up_from_its_coordinators(string statuses, string critical, string? expected)
    {
        var list = statuses.Split(',').Zip(critical.Split(','), (s, c) => (s, c == "yes")).ToList();
        Assert.Equal(expected, BundleService.Final(list));
    }
}
