namespace SparkJobs.Oozie.Coordinator.Tests;

public sealed class DatasetTests
{
    private static List<MaterializedAction> Actions(CoordinatorDefinition d) =>
        [.. new Materializer(d, Coord.Clock()).All()];

    private static string Dataset(string name, string frequency, string initial, string template,
        string tz = "UTC", string doneFlag = "") =>
        $"""<dataset name="{name}" frequency="{frequency}" initial-instance="{initial}" timezone="{tz}">""" +
        $"<uri-template>{template}</uri-template>{doneFlag}</dataset>";

    [Fact]
    public void Current_range_over_a_monthly_dataset_lists_newest_first_and_drops_instances_before_initial()
    {
        var d = Coord.Define(Coord.App(
            "frequency=\"${coord:months(1)}\" start=\"2021-02-01T00:00Z\" end=\"2021-04-01T00:00Z\" timezone=\"UTC\"",
            $"""
            <datasets>{Dataset("m", "${coord:months(1)}", "2021-01-01T00:00Z", "hdfs://nn/m/${YEAR}-${MONTH}")}
            </datasets>
            <input-events><data-in name="in" dataset="m">
              <start-instance>{"${coord:current(-2)}"}</start-instance>
              <end-instance>{"${coord:current(-1)}"}</end-instance>
            </data-in></input-events>
            <output-events><data-out name="out" dataset="m"><instance>{"${coord:current(0)}"}</instance></data-out>
            </output-events>
            """));

        var actions = Actions(d);

        var m = new Materializer(d, Coord.Clock());
        Assert.Equal(["hdfs://nn/m/2021-01"], m.Uris(actions[0].DataIn[0]));
        Assert.Equal(["hdfs://nn/m/2021-02", "hdfs://nn/m/2021-01"], m.Uris(actions[1].DataIn[0]));
        Assert.Equal(["hdfs://nn/m/2021-03"], actions[1].DataOut[0].Value);
    }

    [Fact]
    public void Yearly_dataset_and_current_at_the_exact_boundary()
    {
        var d = Coord.Define(Coord.App(
            "frequency=\"${coord:months(12)}\" start=\"2020-01-01T00:00Z\" end=\"2022-01-01T00:00Z\" timezone=\"UTC\"",
            $"""
            <datasets>{Dataset("y", "${coord:months(12)}", "2019-01-01T00:00Z", "/y/${YEAR}")}</datasets>
            <input-events><data-in name="in" dataset="y">
              <instance>{"${coord:current(0)}"}</instance><instance>{"${coord:current(-1)}"}</instance>
              <instance>{"${coord:current(-2)}"}</instance>
            </data-in></input-events>
            """));
        var m = new Materializer(d, Coord.Clock());

        var actions = Actions(d);

        Assert.Equal(["/y/2020", "/y/2019"], m.Uris(actions[0].DataIn[0]));
        Assert.Equal(["/y/2021", "/y/2020", "/y/2019"], m.Uris(actions[1].DataIn[0]));
    }

    [Fact]
    public void Hourly_dataset_current_just_before_a_boundary_rounds_down_and_offset_snaps()
    {
        var d = Coord.Define(Coord.App(
            "frequency=\"${coord:days(1)}\" start=\"2021-01-01T00:59Z\" end=\"2021-01-02T00:00Z\" timezone=\"UTC\"",
            $"""
            <datasets>{Dataset("h", "60", "2021-01-01T00:00Z", "/h/${DAY}/${HOUR}${MINUTE}")}</datasets>
            <input-events>
              <data-in name="cur" dataset="h"><instance>{"${coord:current(0)}"}</instance></data-in>
              <data-in name="off" dataset="h"><instance>{"${coord:offset(-30, 'MINUTE')}"}</instance></data-in>
              <data-in name="late" dataset="h"><instance>{"${coord:latest(0)}"}</instance></data-in>
            </input-events>
            """));
        var m = new Materializer(d, Coord.Clock());

        var a = Actions(d).Single();

        Assert.Equal(["/h/01/0000"], m.Uris(a.DataIn[0]));
        Assert.Equal(["/h/01/0000"], m.Uris(a.DataIn[1]));
        Assert.Equal(["${coord:latest(0)}"], m.Uris(a.DataIn[2]));
    }

    [Fact]
    public void Dataset_in_los_angeles_keeps_local_midnight_in_utc_paths()
    {
        var d = Coord.Define(Coord.App(
            "frequency=\"${coord:days(1)}\" start=\"2013-03-10T08:00Z\" end=\"2013-03-12T08:00Z\" " +
            "timezone=\"America/Los_Angeles\"",
            $"""
            <datasets>{Dataset("d", "${coord:days(1)}", "2013-01-01T08:00Z", "/d/${MONTH}${DAY}T${HOUR}",
                "America/Los_Angeles")}</datasets>
            <input-events><data-in name="in" dataset="d"><instance>{"${coord:current(-1)}"}</instance></data-in>
            </input-events>
            """));
        var m = new Materializer(d, Coord.Clock());

        var uris = Actions(d).Select(a => m.Uris(a.DataIn[0]).Single()).ToList();

        Assert.Equal(["/d/0309T08", "/d/0310T08", "/d/0311T07"], uris);
    }
}
