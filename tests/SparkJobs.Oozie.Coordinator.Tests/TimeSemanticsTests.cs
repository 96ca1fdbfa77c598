namespace SparkJobs.Oozie.Coordinator.Tests;

public sealed class TimeSemanticsTests
{
    [Theory]
    [InlineData("2009-01-01T08:00Z", "2009-01-01T08:00Z")]
    [InlineData("2009-01-01T16:00+0800", "2009-01-01T08:00Z")]
    [InlineData("2009-01-01T03:00-05:00", "2009-01-01T08:00Z")]
    [InlineData("2009-01-31T24:00Z", "2009-02-01T00:00Z")]
    public void OozieTime_accepts_utc_offset_and_24_00_forms(string text, string utc)
    {
        Assert.True(OozieTime.TryParse(text, out var t));
        Assert.Equal(utc, OozieTime.Format(t));
    }

    [Theory]
    [InlineData("2009-01-01 08:00Z")]
    [InlineData("2009-02-30T08:00Z")]
    [InlineData("2009-01-01T24:01Z")]
    [InlineData("2009-01-01T08:00")]
    public void OozieTime_rejects_malformed_dates(string text) => Assert.False(OozieTime.TryParse(text, out _));

    private static CoordinatorDefinition Job(string frequency, string start, string end, string tz) =>
        Coord.Define(Coord.App($"frequency=\"{frequency}\" start=\"{start}\" end=\"{end}\" timezone=\"{tz}\"", ""));

    [Fact]
    public void Days_keep_local_midnight_across_los_angeles_spring_forward_while_hours_24_drift()
    {
        var days = Coord.Nominals(Job("${coord:days(1)}", "2013-03-09T08:00Z", "2013-03-12T08:00Z",
            "America/Los_Angeles"));
        var hours = Coord.Nominals(Job("${coord:hours(24)}", "2013-03-09T08:00Z", "2013-03-12T08:00Z",
            "America/Los_Angeles"));

        Assert.Equal(["2013-03-09T08:00Z", "2013-03-10T08:00Z", "2013-03-11T07:00Z", "2013-03-12T07:00Z"], days);
        Assert.Equal(["2013-03-09T08:00Z", "2013-03-10T08:00Z", "2013-03-11T08:00Z"], hours);
    }

    [Fact]
    public void Days_keep_local_midnight_across_los_angeles_fall_back()
    {
        var days = Coord.Nominals(Job("${coord:days(1)}", "2013-11-02T07:00Z", "2013-11-05T00:00Z",
            "America/Los_Angeles"));
        var hours = Coord.Nominals(Job("${coord:hours(24)}", "2013-11-02T07:00Z", "2013-11-05T00:00Z",
            "America/Los_Angeles"));

        Assert.Equal(["2013-11-02T07:00Z", "2013-11-03T07:00Z", "2013-11-04T08:00Z"], days);
        Assert.Equal(["2013-11-02T07:00Z", "2013-11-03T07:00Z", "2013-11-04T07:00Z"], hours);
    }

    [Fact]
    public void Daily_cron_keeps_wall_clock_time_in_europe_berlin()
    {
        var cron = Coord.Nominals(Job("30 6 * * *", "2013-03-29T00:00Z", "2013-04-02T00:00Z", "Europe/Berlin"));
        var days = Coord.Nominals(Job("${coord:days(1)}", "2013-03-29T05:30Z", "2013-04-02T00:00Z",
            "Europe/Berlin"));

        Assert.Equal(["2013-03-29T05:30Z", "2013-03-30T05:30Z", "2013-03-31T04:30Z", "2013-04-01T04:30Z"], cron);
        Assert.Equal(cron, days);
    }

    [Fact]
    public void Cron_supports_quartz_extensions()
    {
        Assert.Equal(["2021-01-29T00:00Z", "2021-02-26T00:00Z"],
            Coord.Nominals(Job("0 0 ? * 6L", "2021-01-01T00:00Z", "2021-03-01T00:00Z", "UTC")));
        Assert.Equal(["2021-01-31T12:00Z", "2021-02-28T12:00Z"],
            Coord.Nominals(Job("0 12 L * ?", "2021-01-01T00:00Z", "2021-03-01T00:00Z", "UTC")));
        Assert.Equal(["2021-01-11T00:00Z", "2021-02-08T00:00Z"],
            Coord.Nominals(Job("0 0 ? * MON#2", "2021-01-01T00:00Z", "2021-03-01T00:00Z", "UTC")));
        Assert.Equal(["2021-01-01T00:00Z", "2021-01-01T00:10Z", "2021-01-01T00:20Z"],
            Coord.Nominals(Job("0/10 * * * *", "2021-01-01T00:00Z", "2021-01-01T00:30Z", "UTC")));
    }

    [Fact]
    public void End_is_exclusive_and_months_follow_the_calendar()
    {
        Assert.Equal(["2021-01-31T00:00Z", "2021-02-28T00:00Z", "2021-03-31T00:00Z"],
            Coord.Nominals(Job("${coord:months(1)}", "2021-01-31T00:00Z", "2021-04-30T00:00Z", "UTC")));
        Assert.Equal(["2021-01-01T00:00Z", "2021-01-01T00:05Z"],
            Coord.Nominals(Job("5", "2021-01-01T00:00Z", "2021-01-01T00:10Z", "UTC")));
    }

    [Fact]
    public void End_of_functions_move_the_first_action_to_the_end_of_the_local_period()
    {
        Assert.Equal(["2009-01-02T08:00Z", "2009-01-03T08:00Z"],
            Coord.Nominals(Job("${coord:endOfDays(1)}", "2009-01-01T09:00Z", "2009-01-04T00:00Z",
                "America/Los_Angeles")));
        Assert.Equal(["2009-02-01T00:00Z", "2009-03-01T00:00Z"],
            Coord.Nominals(Job("${coord:endOfMonths(1)}", "2009-01-15T00:00Z", "2009-03-02T00:00Z", "UTC")));
        Assert.Equal(["2009-01-04T00:00Z", "2009-01-11T00:00Z"],
            Coord.Nominals(Job("${coord:endOfWeeks(1)}", "2009-01-01T00:00Z", "2009-01-12T00:00Z", "UTC")));
    }
}
