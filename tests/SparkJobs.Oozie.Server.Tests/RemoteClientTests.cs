namespace SparkJobs.Oozie.Server.Tests;

/// <summary>The remote client against an Oozie server written from the API notes.</summary>
public sealed class RemoteClientTests
{
    [Fact]
    public async Task Info_prints_the_local_table_from_a_v2_server()
    {
        await using var server = await FakeOozieServer.StartAsync(v1Only: false);

        var (code, stdout, _) = await Cli.RunAsync(
            "job", "-oozie", server.Url, "-info", FakeOozieServer.JobId, "-Dheader:X-Trace=abc");

        Assert.Equal(0, code);
        Assert.Contains($"Job ID : {FakeOozieServer.JobId}", stdout, StringComparison.Ordinal);
        Assert.Contains("Status        : SUCCEEDED", stdout, StringComparison.Ordinal);
        Assert.Contains("Started       : 2020-01-01 00:00 GMT", stdout, StringComparison.Ordinal);
        Assert.Contains($"{FakeOozieServer.JobId}@train", stdout, StringComparison.Ordinal);
        Assert.Contains("job_1577836800000_0001", stdout, StringComparison.Ordinal);
        Assert.Contains($"GET /oozie/v2/job/{FakeOozieServer.JobId}?show=info", server.Requests);
        Assert.Contains("abc", server.Headers);
    }

    [Fact]
    public async Task A_v1_only_server_is_spoken_to_in_v1()
    {
        await using var server = await FakeOozieServer.StartAsync(v1Only: true);

        var (code, stdout, _) = await Cli.RunAsync("admin", "-oozie", server.Url, "-status");
        var log = await Cli.RunAsync("job", "-oozie", server.Url, "-log", FakeOozieServer.JobId);

        Assert.Equal(0, code);
        Assert.Equal("System mode: NORMAL", stdout.Trim());
        Assert.Contains("ActionStartXCommand", log.Out, StringComparison.Ordinal);
        Assert.Contains("GET /oozie/v1/admin/status", server.Requests);
        Assert.DoesNotContain(server.Requests, r => r.Contains("/v2/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Error_headers_become_one_line_errors_and_a_failing_exit()
    {
        await using var server = await FakeOozieServer.StartAsync(v1Only: false);

        var missing = await Cli.RunAsync("job", "-oozie", server.Url, "-info", "0000001-x-oozie-u-W");
        var suspend = await Cli.RunAsync("job", "-oozie", server.Url, "-suspend", FakeOozieServer.JobId);

        Assert.Equal(1, missing.Code);
        Assert.Equal("Error: E0604: Job does not exist [0000001-x-oozie-u-W]", missing.Err.Trim());
        Assert.Equal(1, suspend.Code);
        Assert.StartsWith("Error: E0727: Cannot suspend", suspend.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_posts_the_config_file_and_defines_as_hadoop_xml()
    {
        await using var server = await FakeOozieServer.StartAsync(v1Only: false);
        using var dir = new TempDir();
        var config = dir.Write("job.properties", "oozie.wf.application.path=hdfs://nn:8020/apps/train\nqueue=a\n");

        var (code, stdout, _) = await Cli.RunAsync("job", "-oozie", server.Url, "-run", "-config", config,
            "-Dqueue=b");

        Assert.Equal(0, code);
        Assert.Equal($"job: {FakeOozieServer.JobId}", stdout.Trim());
        Assert.Contains("POST /oozie/v2/jobs?action=start", server.Requests);
        var body = System.Xml.Linq.XElement.Parse(Assert.Single(server.Bodies));
        var props = body.Elements("property").ToDictionary(
            p => (string)p.Element("name")!, p => (string)p.Element("value")!);
        Assert.Equal("b", props["queue"]);
        Assert.Equal("hdfs://nn:8020/apps/train", props["oozie.wf.application.path"]);
        Assert.Equal(Environment.UserName, props["user.name"]);
    }

    [Fact]
    public async Task Coordinator_and_bundle_reruns_and_changes_use_oozies_job_actions()
    {
        await using var server = await FakeOozieServer.StartAsync(v1Only: false);
        const string bundle = "0000008-200101000000000-oozie-oozi-B";
        const string coordinator = "0000009-200101000000000-oozie-oozi-C";

        var bundleRerun = await Cli.RunAsync("job", "-oozie", server.Url, "-rerun", bundle, "-coordinator", "a,b",
            "-date", "2020-01-01T00:00Z::2020-01-02T00:00Z", "-refresh");
        var coordRerun = await Cli.RunAsync("job", "-oozie", server.Url, "-rerun", coordinator, "-action", "1-3",
            "-nocleanup", "-failed");
        var change = await Cli.RunAsync("job", "-oozie", server.Url, "-change", bundle, "-value",
            "pausetime=2020-02-01T00:00Z");
        var bundleAction = await Cli.RunAsync("job", "-oozie", server.Url, "-rerun", bundle, "-action", "1");
        var coordNoScope = await Cli.RunAsync("job", "-oozie", server.Url, "-rerun", coordinator);

        Assert.Equal((0, 0, 0), (bundleRerun.Code, coordRerun.Code, change.Code));
        Assert.Contains($"PUT /oozie/v2/job/{bundle}?action=bundle-rerun&coord-scope=a%2Cb"
            + "&date-scope=2020-01-01T00%3A00Z%3A%3A2020-01-02T00%3A00Z&refresh=true&nocleanup=false", server.Requests);
        Assert.Contains($"PUT /oozie/v2/job/{coordinator}?action=coord-rerun&type=action&scope=1-3&refresh=false"
            + "&nocleanup=true&failed=true", server.Requests);
        Assert.Contains($"PUT /oozie/v2/job/{bundle}?action=change&value=pausetime%3D2020-02-01T00%3A00Z",
            server.Requests);
        Assert.Equal(2, bundleAction.Code);
        Assert.Contains("-action is not valid for a bundle rerun", bundleAction.Err, StringComparison.Ordinal);
        Assert.Equal(2, coordNoScope.Code);
        Assert.Contains("needs -action 1-3,5 or -date", coordNoScope.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error()
    {
        // A port that was free a moment ago: nothing listens there.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, _, stderr) = await Cli.RunAsync("jobs", "-oozie", $"http://127.0.0.1:{port}/oozie");

        Assert.Equal(1, code);
        Assert.StartsWith("Error: IO_ERROR: cannot reach", stderr, StringComparison.Ordinal);
    }
}
