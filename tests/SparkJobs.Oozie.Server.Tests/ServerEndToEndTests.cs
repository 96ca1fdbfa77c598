using System.Net;
using System.Text.Json;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>oozie-lite's remote client against oozie-lite's server, as a user would run them.</summary>
public sealed class ServerEndToEndTests
{
    internal static Task<string> WaitForFinalAsync(HttpClient http, string baseUri, string id) =>
        WaitForStatusAsync(http, baseUri, id, "SUCCEEDED", "KILLED", "FAILED");

    internal static async Task<string> WaitForStatusAsync(
        HttpClient http, string baseUri, string id, params string[] wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = await http.GetStringAsync($"{baseUri}/v2/job/{id}?show=status", timeout.Token);
            var status = JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
            if (wanted.Contains(status))
            {
                return status;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task Run_info_and_log_through_the_cli_reach_succeeded()
    {
        using var dir = new TempDir();
        var app = ServerApiTests.WriteApp(dir, "remote", "echo from-the-server");
        var config = dir.Write("job.properties", $"oozie.wf.application.path={app}\n");
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [Path.Combine(dir.Path, "apps")], StoreHome = Path.Combine(dir.Path, "store"),
        }, CancellationToken.None);
        var url = server.BaseUri.ToString();
        using var http = new HttpClient();

        var run = await Cli.RunAsync("job", "-oozie", url, "-run", "-config", config);
        var id = run.Out.Trim()["job: ".Length..];
        var status = await WaitForFinalAsync(http, url, id);
        var info = await Cli.RunAsync("job", "-oozie", url, "-info", id);
        var log = await Cli.RunAsync("job", "-oozie", url, "-log", id);
        var jobs = await Cli.RunAsync("jobs", "-oozie", url, "-filter", "status=SUCCEEDED");

        Assert.Equal(0, run.Code);
        Assert.StartsWith("job: ", run.Out, StringComparison.Ordinal);
        Assert.Equal("SUCCEEDED", status);
        Assert.Contains("Status        : SUCCEEDED", info.Out, StringComparison.Ordinal);
        Assert.Contains($"{id}@step", info.Out, StringComparison.Ordinal);
        Assert.Contains("OK", info.Out, StringComparison.Ordinal);
        Assert.Contains("from-the-server", log.Out, StringComparison.Ordinal);
        Assert.Contains(id, jobs.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_poll_waits_for_the_final_status_and_info_pages_the_actions()
    {
        using var dir = new TempDir();
        var app = ServerApiTests.WriteApp(dir, "polled", "sleep 0.3");
        var config = dir.Write("job.properties", $"oozie.wf.application.path={app}\n");
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [Path.Combine(dir.Path, "apps")], StoreHome = Path.Combine(dir.Path, "store"),
        }, CancellationToken.None);
        var url = server.BaseUri.ToString();

        var run = await Cli.RunAsync("job", "-oozie", url, "-run", "-config", config);
        var id = run.Out.Trim()["job: ".Length..];
        var poll = await Cli.RunAsync("job", "-oozie", url, "-poll", id, "-interval", "0.002", "-timeout", "1");
        var page = await Cli.RunAsync("job", "-oozie", url, "-info", id, "-offset", "2", "-len", "1", "-verbose");

        Assert.Equal(0, poll.Code);
        Assert.EndsWith($"{id} : SUCCEEDED", poll.Out.Trim(), StringComparison.Ordinal);
        var rows = page.Out.Split('\n').Where(l => l.StartsWith(id + "@", StringComparison.Ordinal)).ToList();
        var row = Assert.Single(rows).Split('\t');
        Assert.Equal(($"{id}@step", "step", "shell", "OK"), (row[0], row[6], row[9], row[11]));
    }

    [Fact]
    public async Task Remote_errors_from_our_server_read_like_local_ones()
    {
        using var dir = new TempDir();
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [dir.Path], StoreHome = Path.Combine(dir.Path, "store"),
        }, CancellationToken.None);

        var (code, _, stderr) = await Cli.RunAsync("job", "-oozie", server.BaseUri.ToString(), "-kill", "nope-W");

        Assert.Equal(1, code);
        Assert.Equal("Error: E0604: Job [nope-W] does not exist.", stderr.Trim());
    }
}

/// <summary>Who may reach the server and which applications it may run.</summary>
public sealed class ServerSecurityTests
{
    [Fact]
    public async Task Binding_beyond_loopback_without_a_credential_is_refused()
    {
        using var dir = new TempDir();

        var error = await Assert.ThrowsAsync<OozieServerConfigurationException>(() => OozieServer.StartAsync(
            new OozieServerOptions { Port = 0, Bind = "0.0.0.0", StoreHome = dir.Path }, CancellationToken.None));
        var cli = await Cli.RunAsync("server", "-bind", "0.0.0.0", "-port", "0");

        Assert.Contains(OozieServerOptions.TokenVariable, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, cli.Code);
        Assert.Contains("-bind 0.0.0.0", cli.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_bind_is_loopback()
    {
        using var dir = new TempDir();
        await using var server = await OozieServer.StartAsync(
            new OozieServerOptions { Port = 0, StoreHome = dir.Path }, CancellationToken.None);

        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(server.BaseUri.Host)));
    }

    [Fact]
    public async Task With_a_credential_requests_without_it_get_401()
    {
        using var dir = new TempDir();
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, StoreHome = dir.Path, Credential = "s3cret",
        }, CancellationToken.None);
        using var http = new HttpClient();
        var url = server.BaseUri + "/v2/admin/status";

        using var anonymous = await http.GetAsync(url);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, url);
        wrong.Headers.Authorization = new("Bearer", "guess");
        using var wrongReply = await http.SendAsync(wrong);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, url);
        bearer.Headers.Authorization = new("Bearer", "s3cret");
        using var bearerReply = await http.SendAsync(bearer);
        using var basic = new HttpRequestMessage(HttpMethod.Get, url);
        basic.Headers.Authorization = new("Basic", Convert.ToBase64String("ann:s3cret"u8.ToArray()));
        using var basicReply = await http.SendAsync(basic);
        var cli = await Cli.RunAsync("admin", "-oozie", server.BaseUri.ToString(), "-status",
            "-Dheader:Authorization=Bearer s3cret");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(anonymous.Headers.Contains("oozie-error-code"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongReply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearerReply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basicReply.StatusCode);
        Assert.Equal("System mode: NORMAL", cli.Out.Trim());
    }

    [Theory]
    [InlineData("{0}/apps/../outside")]
    [InlineData("{0}/outside")]
    [InlineData("/etc")]
    [InlineData("file://{0}/apps/ok/../../outside")]
    public async Task App_paths_outside_the_roots_are_rejected(string pattern)
    {
        using var dir = new TempDir();
        ServerApiTests.WriteApp(dir, "ok", "true");
        dir.Write("outside/workflow.xml", "<workflow-app/>");
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [Path.Combine(dir.Path, "apps")], StoreHome = Path.Combine(dir.Path, "store"),
        }, CancellationToken.None);
        using var http = new HttpClient();
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, dir.Path);

        using var reply = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", path)));
        using var inside = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(dir.Path, "apps", "ok"))));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal("E0302", reply.Headers.GetValues("oozie-error-code").Single());
        Assert.Contains("outside this server's application roots",
            reply.Headers.GetValues("oozie-error-message").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
    }
}
