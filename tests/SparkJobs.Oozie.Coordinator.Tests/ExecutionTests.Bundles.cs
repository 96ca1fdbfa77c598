using Microsoft.Extensions.Time.Testing;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>Bundles on the fake clock: kick-off, roll-up, rerun and change passed down to their coordinators.</summary>
public sealed partial class ExecutionTests
{
    private sealed record BundleRun(BundleService Bundles, CoordinatorService Service, CoordinatorStore Store,
        FakeTimeProvider Clock, string Id)
    {
        public string Status => Bundles.Jobs(Id)[0].Status;

        public string CoordinatorId(int index) => Bundles.Coordinators(Id)[index].CoordinatorId!;

        public IReadOnlyList<CoordActionRecord> Actions(int index) => Store.Actions(CoordinatorId(index));
    }

    // Coordinator "one" (critical) runs day 1, "two" days 1 and 2, "off" is disabled; kick-off at 05:45.
    private async Task<BundleRun> SubmitBundleAsync()
    {
        WriteStandInWorkflow();
        _dir.Write("coord/coordinator.xml", Coordinator(string.Empty).Replace("2026-01-04T06:00Z", "${end}",
            StringComparison.Ordinal));
        _dir.Write("bundle/bundle.xml", $"""
            <bundle-app xmlns="uri:oozie:bundle:0.2" name="daily-bundle">
              <parameters><property><name>kick</name><value>2026-01-01T05:45Z</value></property></parameters>
              <controls><kick-off-time>${"{"}kick{"}"}</kick-off-time></controls>
              <coordinator name="one" critical="true"><app-path>{_dir.Uri}/coord</app-path>
                <configuration><property><name>end</name><value>2026-01-02T06:00Z</value></property></configuration>
              </coordinator>
              <coordinator name="two"><app-path>{_dir.Uri}/coord</app-path>
                <configuration><property><name>end</name><value>2026-01-03T06:00Z</value></property></configuration>
              </coordinator>
              <coordinator name="off" enabled="false"><app-path>{_dir.Uri}/coord</app-path></coordinator>
            </bundle-app>
            """);
        var clock = Coord.Clock("2026-01-01T05:30Z");
        var store = new CoordinatorStore(JobStore.Open(Path.Combine(_dir.Path, "home"), clock), clock);
        var bundles = new BundleService(store, clock, FileSystems.Default);
        var id = await bundles.SubmitAsync(
            new Dictionary<string, string> { [BundleLoader.AppPathProperty] = _dir.Uri + "/bundle" },
            new Dictionary<string, string>(), "tester", "job.properties");
        return new BundleRun(bundles, new CoordinatorService(store, clock, FileSystems.Default), store, clock, id);
    }

    private static async Task KickOffAsync(BundleRun run)
    {
        run.Clock.SetUtcNow(Coord.Time("2026-01-01T05:45Z"));
        await run.Bundles.TickAsync();
    }

    private async Task<BundleRun> SucceededBundleAsync()
    {
        var run = await SubmitBundleAsync();
        await KickOffAsync(run);
        await RunAllDaysAsync(run.Service, run.Clock);
        await run.Bundles.TickAsync();
        Assert.Equal("SUCCEEDED", run.Status);
        return run;
    }

    // Concurrency 1 starts one action per coordinator and pass, so two passes finish two actions each.
    private static async Task TickAllAsync(BundleRun run)
    {
        await run.Bundles.TickAsync();
        await TickAsync(run.Service);
        await TickAsync(run.Service);
        await run.Bundles.TickAsync();
    }

    [Fact]
    public async Task A_bundle_kicks_off_enabled_coordinators_with_their_configuration_and_rolls_up()
    {
        var run = await SubmitBundleAsync();

        await run.Bundles.TickAsync();
        Assert.Matches("-B$", run.Id);
        Assert.Equal("PREP", run.Status);
        Assert.All(run.Bundles.Coordinators(run.Id), c => Assert.Null(c.CoordinatorId));

        await KickOffAsync(run);
        var coords = run.Bundles.Coordinators(run.Id);
        Assert.Equal(["one", "two", "off"], coords.Select(c => c.Name));
        Assert.NotNull(coords[0].CoordinatorId);
        Assert.Null(coords[2].CoordinatorId);
        Assert.Equal(["2026-01-02T06:00Z", "2026-01-03T06:00Z"], coords.Take(2).Select(c =>
            OozieTime.Format(run.Service.Definition(run.Store.GetJob(c.CoordinatorId!)!).End)));

        run.Bundles.Control(run.Id, "suspend");
        Assert.Equal("PREPSUSPENDED", run.Store.GetJob(coords[1].CoordinatorId!)!.Status);
        run.Bundles.Control(run.Id, "resume");
        Assert.Equal("RUNNING", run.Status);

        await RunAllDaysAsync(run.Service, run.Clock);
        await run.Bundles.TickAsync();
        Assert.Equal("SUCCEEDED", run.Status);
        Assert.Equal("E1018", Assert.Throws<OozieException>(() => run.Bundles.Control(run.Id, "kill")).ErrorCode);
    }

    [Fact]
    public async Task Bundle_rerun_of_a_named_coordinator_and_date_reruns_those_actions_and_rolls_up_again()
    {
        var run = await SucceededBundleAsync();
        var output = Path.Combine(_dir.Path, "out/01/inputs.txt");
        var first = run.Actions(1)[0].WorkflowId;
        var untouched = run.Actions(0)[0].WorkflowId;

        var result = await run.Bundles.RerunAsync(run.Id,
            new BundleRerun("two", "2026-01-01T06:00Z", Refresh: false, NoCleanup: false));

        var done = Assert.Single(result.Done);
        Assert.Equal(("two", run.CoordinatorId(1)), (done.Name, done.CoordinatorId));
        Assert.Equal([1], done.Actions);
        Assert.Empty(result.Skipped);
        Assert.False(File.Exists(output));
        Assert.Equal([CoordActionStatus.WAITING, CoordActionStatus.SUCCEEDED],
            run.Actions(1).Select(a => a.Status));
        Assert.Equal("RUNNING", run.Status);
        Assert.Equal("RUNNING", run.Store.GetJob(run.CoordinatorId(1))!.Status);
        Assert.Equal("SUCCEEDED", run.Store.GetJob(run.CoordinatorId(0))!.Status);

        await TickAllAsync(run);

        Assert.True(File.Exists(output));
        Assert.NotEqual(first, run.Actions(1)[0].WorkflowId);
        Assert.Equal(untouched, run.Actions(0)[0].WorkflowId);
        Assert.Equal("SUCCEEDED", run.Status);
    }

    [Fact]
    public async Task Bundle_rerun_without_coordinator_or_date_reruns_every_started_coordinator_over_its_window()
    {
        var run = await SucceededBundleAsync();

        var result = await run.Bundles.RerunAsync(run.Id, new BundleRerun(null, null, Refresh: true,
            NoCleanup: true));

        Assert.Equal([("one", new[] { 1 }), ("two", new[] { 1, 2 })],
            result.Done.Select(d => (d.Name, d.Actions.ToArray())));
        Assert.Equal([new BundleSkip("off", "is disabled (enabled=\"false\")")], result.Skipped);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "out/02/inputs.txt")));
        Assert.All(run.Actions(0).Concat(run.Actions(1)), a => Assert.Equal(CoordActionStatus.WAITING, a.Status));

        await TickAllAsync(run);

        Assert.All(run.Actions(0).Concat(run.Actions(1)), a => Assert.Equal(CoordActionStatus.SUCCEEDED, a.Status));
        Assert.Equal("SUCCEEDED", run.Status);
    }

    [Fact]
    public async Task Bundle_rerun_errors_name_the_argument_and_change_nothing()
    {
        var run = await SubmitBundleAsync();
        var prep = await Assert.ThrowsAsync<OozieException>(() =>
            run.Bundles.RerunAsync(run.Id, new BundleRerun(null, null, false, false)));
        Assert.Equal("E1100", prep.ErrorCode);
        Assert.Contains("PREP", prep.Message, StringComparison.Ordinal);

        await KickOffAsync(run);
        await RunAllDaysAsync(run.Service, run.Clock);
        await run.Bundles.TickAsync();

        async Task<OozieException> Fails(string? coordinators, string? dates) =>
            await Assert.ThrowsAsync<OozieException>(() =>
                run.Bundles.RerunAsync(run.Id, new BundleRerun(coordinators, dates, false, false)));

        var unknown = await Fails("one,three", null);
        Assert.Equal("E1018", unknown.ErrorCode);
        Assert.Contains("-coordinator [three]", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("one,two,off", unknown.Message, StringComparison.Ordinal);
        var disabled = await Fails("off", null);
        Assert.Contains("'off'", disabled.Message, StringComparison.Ordinal);
        var noActions = await Fails("one", "2026-01-02T06:00Z");
        Assert.Equal("E1018", noActions.ErrorCode);
        Assert.Contains("Coordinator 'one'", noActions.Message, StringComparison.Ordinal);
        var nothing = await Fails(null, "2027-01-01T06:00Z");
        Assert.Contains("Nothing to rerun", nothing.Message, StringComparison.Ordinal);
        var badDate = await Fails(null, "yesterday");
        Assert.Contains("-date [yesterday]", badDate.Message, StringComparison.Ordinal);
        Assert.All(run.Actions(1), a => Assert.Equal(CoordActionStatus.SUCCEEDED, a.Status));
        Assert.Equal("SUCCEEDED", run.Status);

        run.Bundles.Change(run.Id, "endtime=2026-01-05T06:00Z");
        run.Clock.SetUtcNow(Coord.Time("2026-01-04T06:00Z"));
        await TickAllAsync(run);
        Assert.Contains(run.Actions(1), a => a.Status == CoordActionStatus.WAITING);
        var waiting = await Fails("two", null);
        Assert.Contains("only finished actions can be rerun", waiting.Message, StringComparison.Ordinal);

        run.Bundles.Control(run.Id, "kill");
        var killed = await Fails(null, null);
        Assert.Equal("E1100", killed.ErrorCode);
    }

    [Fact]
    public async Task Bundle_change_validates_as_oozie_then_moves_every_coordinator_end_and_pause()
    {
        var run = await SubmitBundleAsync();
        var ops = run.Bundles;
        OozieException Fails(string value) => Assert.Throws<OozieException>(() => ops.Change(run.Id, value));

        Assert.Equal("E1317", Fails("concurrency=3").ErrorCode);
        Assert.Equal("E1317", Fails("pausetime=2026-01-01T05:00Z").ErrorCode);
        Assert.Equal("E1317", Fails("endtime=2026-01-01T05:00Z").ErrorCode);
        Assert.Equal("E1317", Fails("endtime=tomorrow").ErrorCode);
        Assert.Contains("kick-off time 2026-01-01T05:45Z", Fails("endtime=2026-01-01T05:00Z").Message,
            StringComparison.Ordinal);
        Assert.Equal("E1314", Assert.Throws<OozieException>(() => ops.Change("0000099-x-B", "pausetime=")).ErrorCode);

        // Before kick-off the values wait on the bundle and reach the coordinators when they are created.
        var before = ops.Change(run.Id, "endtime=2026-01-02T06:00Z");
        Assert.Equal(["one", "two", "off"], before.Skipped.Select(s => s.Name));
        await KickOffAsync(run);
        Assert.Equal(Coord.Time("2026-01-02T06:00Z"), run.Store.GetJob(run.CoordinatorId(1))!.EndOverride);

        await RunAllDaysAsync(run.Service, run.Clock);
        await run.Bundles.TickAsync();
        Assert.Equal("SUCCEEDED", run.Status);
        Assert.Equal("E1312", Fails("pausetime=2026-01-10T00:00Z").ErrorCode);
        var tooEarly = Fails("endtime=2026-01-01T06:00Z");
        Assert.Equal("E1015", tooEarly.ErrorCode);
        Assert.Contains("Coordinator 'one'", tooEarly.Message, StringComparison.Ordinal);

        // A later end puts the bundle and its coordinators back to work; a pause time then pauses them.
        var changed = ops.Change(run.Id, "endtime=2026-01-05T06:00Z");
        Assert.Equal(["one", "two"], changed.Done);
        Assert.Equal("RUNNING", run.Status);
        Assert.All(new[] { 0, 1 }, i => Assert.Equal("RUNNING", run.Store.GetJob(run.CoordinatorId(i))!.Status));
        ops.Change(run.Id, "pausetime=2026-01-03T12:00Z");
        Assert.Equal(Coord.Time("2026-01-03T12:00Z"), run.Store.GetJob(run.CoordinatorId(0))!.Pause);
        Land(4);
        run.Clock.SetUtcNow(Coord.Time("2026-01-04T08:00Z"));
        await TickAllAsync(run);
        Assert.Equal("PAUSED", run.Status);
        Assert.Equal([1, 2, 3], run.Actions(0).Select(a => a.Number));

        ops.Change(run.Id, "pausetime=");
        await TickAllAsync(run);
        Assert.Equal([1, 2, 3, 4], run.Actions(0).Select(a => a.Number));
        Assert.Equal("SUCCEEDED", run.Status);
    }
}
