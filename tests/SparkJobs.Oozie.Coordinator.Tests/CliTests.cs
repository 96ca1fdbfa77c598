using System.Text.Json;
using SparkJobs.Cli;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>The oozie-lite validate and job -dryrun commands on coordinators and bundles, run in-process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code;
        try
        {
            code = await new OozieCli(stdout, stderr, Coord.Clock()).RunAsync(args);
        }
        catch (WorkflowValidationException e)
        {
            stderr.WriteLine(e.Message);
            code = 1;
        }

        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Validate_reports_coordinator_errors_with_codes_and_positions()
    {
        var file = _dir.Write("bad/coordinator.xml", """
            <coordinator-app xmlns="uri:oozie:coordinator:0.1" name="bad" frequency="${coord:minutes(2)}"
                start="2009-01-01T00:00Z" end="2009-13-01T00:00Z" timezone="Mars/Olympus">
              <controls><throttle>3</throttle></controls>
              <datasets>
                <dataset name="in" frequency="60" initial-instance="2009-01-01T00:00Z" timezone="UTC">
                  <uri-template>/data/${YEAR}</uri-template>
                </dataset>
              </datasets>
              <input-events><data-in name="x" dataset="missing"><instance>${coord:current(0)}</instance></data-in>
              </input-events>
              <action><workflow><app-path>/wf</app-path></workflow></action>
            </coordinator-app>
            """);

        var (code, output, _) = await RunAsync("validate", file);

        Assert.Equal(1, code);
        Assert.Contains($"{file}:3:14: E0701: <throttle> needs uri:oozie:coordinator:0.2", output,
            StringComparison.Ordinal);

        var (code2, output2, _) = await RunAsync("validate", _dir.Write("v2/coordinator.xml",
            File.ReadAllText(file).Replace(":0.1\"", ":0.2\"", StringComparison.Ordinal)));
        Assert.Equal(1, code2);
        Assert.Contains(":1:63: E1003: frequency [${coord:minutes(2)}] is 2 minute(s)", output2,
            StringComparison.Ordinal);
        Assert.Contains(":2:31: E1003: end [2009-13-01T00:00Z] is not an Oozie datetime", output2,
            StringComparison.Ordinal);
        Assert.Contains(":2:55: E1003: timezone [Mars/Olympus] is not a time zone", output2, StringComparison.Ordinal);
        Assert.Contains(":9:18: E1003: 'x' refers to dataset 'missing', which is not defined", output2,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_coordinator_and_bundle_and_rejects_a_bad_bundle()
    {
        var coordinator = _dir.Write("ok/coordinator.xml", Coord.App(
            "frequency=\"0 6 * * *\" start=\"${start}\" end=\"2010-01-01T00:00Z\" timezone=\"UTC\"", ""));
        var bundle = _dir.Write("b/bundle.xml", """
            <bundle-app xmlns="uri:oozie:bundle:0.2" name="b">
              <controls><kick-off-time>2009-01-01T00:00Z</kick-off-time></controls>
              <coordinator name="c1" critical="true"><app-path>/coord</app-path></coordinator>
            </bundle-app>
            """);
        var badBundle = _dir.Write("bb/bundle.xml", """
            <bundle-app xmlns="uri:oozie:bundle:0.1" name="b">
              <coordinator name="c1" enabled="false"><app-path>/coord</app-path></coordinator>
            </bundle-app>
            """);

        Assert.Equal((0, "Valid coordinator-app"), await Short("validate", coordinator));
        Assert.Equal((0, "Valid bundle-app"), await Short("validate", Path.GetDirectoryName(bundle)!));
        var (code, output, _) = await RunAsync("validate", badBundle);
        Assert.Equal(1, code);
        Assert.Contains(":2:26: E0701: @enabled needs uri:oozie:bundle:0.2", output, StringComparison.Ordinal);

        static async Task<(int, string)> Short(params string[] args)
        {
            var (c, o, _) = await RunAsync(args);
            return (c, o.Trim());
        }
    }

    [Fact]
    public async Task Dryrun_json_of_the_fashion_mnist_daily_coordinator_has_the_documented_shape()
    {
        var app = Path.Combine(AppContext.BaseDirectory, "coordinators", "fashion-mnist-daily");

        var (code, output, err) = await RunAsync("job", "-dryrun", "-json",
            "-config", Path.Combine(app, "job.properties"),
            "-Doozie.coord.application.path=file://" + app, "-DartifactsRoot=file:///srv/a",
            "-Dend=2026-01-03T06:00Z");

        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var actions = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, actions.Count);
        Assert.Equal(["actionNumber", "nominalTime", "dataIn", "dataOut"],
            actions[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, actions[1].GetProperty("actionNumber").GetInt32());
        Assert.Equal("2026-01-02T06:00Z", actions[1].GetProperty("nominalTime").GetString());
        Assert.Equal("file:///srv/a/data/landing/fashion-mnist/2026/01/02",
            actions[1].GetProperty("dataIn").GetProperty("landing")[0].GetString());
        Assert.Equal("file:///srv/a/data/daily/fashion-mnist/2026/01/02",
            actions[1].GetProperty("dataOut").GetProperty("daily")[0].GetString());
    }

    [Fact]
    public async Task Dryrun_text_lists_each_action_and_missing_parameters_fail_with_E0738()
    {
        _dir.Write("c/coordinator.xml", Coord.App(
            "frequency=\"${coord:hours(12)}\" start=\"2021-01-01T00:00Z\" end=\"2021-01-02T00:00Z\" timezone=\"UTC\"",
            """
            <parameters><property><name>root</name></property></parameters>
            <datasets><dataset name="d" frequency="${coord:hours(12)}" initial-instance="2021-01-01T00:00Z"
              timezone="UTC"><uri-template>${root}/${DAY}/${HOUR}</uri-template></dataset></datasets>
            <input-events><data-in name="in" dataset="d"><start-instance>${coord:current(-1)}</start-instance>
              <end-instance>${coord:current(0)}</end-instance></data-in></input-events>
            """));
        var props = _dir.Write("job.properties", $"oozie.coord.application.path={_dir.Uri}/c\n");

        var (code, output, _) = await RunAsync("job", "-dryrun", "-config", props, "-Droot=/r");
        var (missingCode, _, missingErr) = await RunAsync("job", "-dryrun", "-config", props);

        Assert.Equal(0, code);
        Assert.Contains("Action 2 nominal 2021-01-01T12:00Z", output, StringComparison.Ordinal);
        Assert.Contains("  data-in  in: /r/01/12,/r/01/00", output, StringComparison.Ordinal);
        Assert.Contains("  data-in  in: /r/01/00\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(1, missingCode);
        Assert.Contains("E0738", missingErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dryrun_refuses_a_window_beyond_its_action_limit_before_printing_anything()
    {
        _dir.Write("huge/coordinator.xml", Coord.App(
            "frequency=\"${coord:minutes(5)}\" start=\"1970-01-01T00:00Z\" end=\"2999-01-01T00:00Z\" timezone=\"UTC\"",
            ""));
        var props = _dir.Write("job.properties", $"oozie.coord.application.path={_dir.Uri}/huge\n");

        var huge = await Assert.ThrowsAsync<UsageException>(() => RunAsync("job", "-dryrun", "-json", "-config", props));
        var small = await Assert.ThrowsAsync<UsageException>(() =>
            RunAsync("job", "-dryrun", "-config", props, $"-D{CoordinatorCli.DryRunLimitProperty}=3"));

        Assert.Contains("more than 1,000,000 actions", huge.Message, StringComparison.Ordinal);
        Assert.Contains(CoordinatorCli.DryRunLimitProperty, huge.Message, StringComparison.Ordinal);
        Assert.Contains("more than 3 actions", small.Message, StringComparison.Ordinal);
    }
}
