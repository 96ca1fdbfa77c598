using System.Net;
using System.Text.Json;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>
/// Coordinators and bundles over the Web Services API, checked with plain HTTP against reference/oozie.md
/// sections B, C and E and Oozie's JSON tag names. Their windows lie in the past, so the scheduler (a pass every
/// 50 ms here) materialises and runs every action at once; tests poll for statuses with a timeout.
/// </summary>
public sealed class ServerCoordinatorApiTests : IAsyncLifetime
{
    private static readonly string[] CoordinatorFields =
    [
        "coordJobId", "coordJobName", "coordJobPath", "frequency", "timeUnit", "timeZone", "concurrency",
        "executionPolicy", "timeOut", "startTime", "endTime", "pauseTime", "nextMaterializedTime", "lastAction",
        "status", "user", "group", "acl", "consoleUrl", "bundleId", "conf", "actions", "toString", "total",
    ];

    private static readonly string[] ActionFields =
    [
        "id", "coordJobId", "actionNumber", "externalId", "status", "externalStatus", "errorCode", "errorMessage",
        "createdTime", "nominalTime", "lastModifiedTime", "missingDependencies", "pushMissingDependencies",
        "runConf", "createdConf", "consoleUrl", "trackerUri", "type", "toString",
    ];

    private static readonly string[] BundleFields =
    [
        "bundleJobId", "bundleJobName", "bundleJobPath", "status", "kickoffTime", "startTime", "endTime",
        "pauseTime", "createdTime", "user", "group", "acl", "consoleUrl", "bundleCoordJobs", "conf", "toString",
    ];

    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new();
    private OozieServer? _server;

    private string Base => _server!.BaseUri.ToString();

    public async ValueTask InitializeAsync()
    {
        _server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [Path.Combine(_dir.Path, "apps")], StoreHome = Path.Combine(_dir.Path, "store"),
            SchedulerInterval = TimeSpan.FromMilliseconds(50),
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _server!.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    // A daily coordinator running a one-step workflow; ${end} comes from the job configuration.
    internal static string WriteCoordinator(TempDir dir, string name, string start, string workflowApp)
    {
        dir.Write($"apps/{name}/coordinator.xml", $"""
            <coordinator-app xmlns="uri:oozie:coordinator:0.5" name="{name}" frequency="${"{"}coord:days(1){"}"}"
                start="{start}" end="${"{"}end{"}"}" timezone="UTC">
              <controls><concurrency>2</concurrency></controls>
              <action><workflow><app-path>{workflowApp}</app-path></workflow></action>
            </coordinator-app>
            """);
        return Path.Combine(dir.Path, "apps", name);
    }

    internal static string WriteBundle(TempDir dir, string name, string kickOff, string coordinatorApp, string end)
    {
        dir.Write($"apps/{name}/bundle.xml", $"""
            <bundle-app xmlns="uri:oozie:bundle:0.2" name="{name}">
              <controls><kick-off-time>{kickOff}</kick-off-time></controls>
              <coordinator name="nightly"><app-path>{coordinatorApp}</app-path>
                <configuration><property><name>end</name><value>{end}</value></property></configuration>
              </coordinator>
            </bundle-app>
            """);
        return Path.Combine(dir.Path, "apps", name);
    }

    internal static async Task<string> SubmitAsync(HttpClient http, string baseUri, string query,
        params (string Key, string Value)[] conf)
    {
        using var reply = await http.PostAsync(baseUri + "/v2/jobs" + query, ServerApiTests.Configuration(conf));
        var body = await reply.Content.ReadAsStringAsync();
        var error = reply.Headers.TryGetValues("oozie-error-message", out var m) ? string.Join(" ", m) : body;
        Assert.True(reply.StatusCode == HttpStatusCode.Created, $"{reply.StatusCode}: {error}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    internal static async Task<string> WaitForAsync(HttpClient http, string baseUri, string id,
        params string[] wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = string.Empty;
        try
        {
            while (true)
            {
                var text = await http.GetStringAsync($"{baseUri}/v2/job/{id}?show=status", timeout.Token);
                status = JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!;
                if (wanted.Contains(status))
                {
                    return status;
                }

                await Task.Delay(50, timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{id} is still {status}, not {string.Join(" or ", wanted)}, after 60 s");
            throw;
        }
    }

    private async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(Base + path)).RootElement;

    private async Task<HttpResponseMessage> PutAsync(string path) => await _http.PutAsync(Base + path, null);

    private static string Code(HttpResponseMessage reply) => reply.Headers.GetValues("oozie-error-code").Single();

    private string Workflow() => ServerApiTests.WriteApp(_dir, "step", "true");

    [Fact]
    public async Task A_coordinator_runs_lists_shows_its_actions_reruns_and_changes_its_end()
    {
        var app = WriteCoordinator(_dir, "daily", "2020-01-01T00:00Z", Workflow());

        var id = await SubmitAsync(_http, Base, "?action=start", ("oozie.coord.application.path", app),
            ("end", "2020-01-03T00:00Z"), ("user.name", "ann"));
        var final = await WaitForAsync(_http, Base, id, "SUCCEEDED", "DONEWITHERROR", "FAILED", "KILLED");
        var info = await GetJsonAsync($"/v2/job/{id}?show=info");
        var second = await GetJsonAsync($"/v2/job/{id}?show=info&offset=2&len=1");
        var zoned = await GetJsonAsync($"/v2/job/{id}?show=info&timezone=Asia/Kolkata");
        var listed = await GetJsonAsync("/v2/jobs?jobtype=coordinator&filter="
            + Uri.EscapeDataString("name=daily;status=SUCCEEDED;user=ann"));
        var nobody = await GetJsonAsync("/v1/jobs?jobtype=coord&filter=user%3Dbob");

        Assert.Matches(@"^\d{7}-\d{15}-oozie-ann-C$", id);
        Assert.Equal("SUCCEEDED", final);
        foreach (var field in CoordinatorFields)
        {
            Assert.True(info.TryGetProperty(field, out _), $"coordinator JSON lacks {field}");
        }

        Assert.Equal((id, "daily", "file://" + app), (info.GetProperty("coordJobId").GetString(),
            info.GetProperty("coordJobName").GetString(), info.GetProperty("coordJobPath").GetString()));
        Assert.Equal(("1", "DAY", "UTC", 2), (info.GetProperty("frequency").GetString(),
            info.GetProperty("timeUnit").GetString(), info.GetProperty("timeZone").GetString(),
            info.GetProperty("concurrency").GetInt32()));
        Assert.Equal("Wed, 01 Jan 2020 00:00:00 GMT", info.GetProperty("startTime").GetString());
        Assert.Equal("Fri, 03 Jan 2020 00:00:00 GMT", info.GetProperty("endTime").GetString());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("nextMaterializedTime").ValueKind);
        Assert.Equal(2, info.GetProperty("total").GetInt32());
        var actions = info.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(2, actions.Count);
        foreach (var field in ActionFields)
        {
            Assert.True(actions[0].TryGetProperty(field, out _), $"coordinator action JSON lacks {field}");
        }

        Assert.Equal($"{id}@1", actions[0].GetProperty("id").GetString());
        Assert.Equal(id, actions[0].GetProperty("coordJobId").GetString());
        Assert.Equal(("SUCCEEDED", "SUCCEEDED"), (actions[0].GetProperty("status").GetString(),
            actions[0].GetProperty("externalStatus").GetString()));
        Assert.Matches("-W$", actions[0].GetProperty("externalId").GetString());
        Assert.Equal("Wed, 01 Jan 2020 00:00:00 GMT", actions[0].GetProperty("nominalTime").GetString());
        Assert.Equal(2, second.GetProperty("actions").EnumerateArray().Single().GetProperty("actionNumber").GetInt32());
        Assert.Equal("Wed, 01 Jan 2020 05:30:00 GMT+05:30", zoned.GetProperty("startTime").GetString());
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        Assert.Equal(id, listed.GetProperty("coordinatorjobs")[0].GetProperty("coordJobId").GetString());
        Assert.Equal(0, nobody.GetProperty("total").GetInt32());
        Assert.Contains("<coordinator-app", await _http.GetStringAsync(Base + $"/v2/job/{id}?show=definition"),
            StringComparison.Ordinal);
        Assert.Contains($"--- {id}@1", await _http.GetStringAsync(Base + $"/v2/job/{id}?show=log"),
            StringComparison.Ordinal);

        // Rerun action 1: Oozie answers with the actions it reran, and the job runs until they finish again.
        var firstRun = actions[0].GetProperty("externalId").GetString();
        using var rerun = await PutAsync($"/v2/job/{id}?action=coord-rerun&type=action&scope=1&refresh=false"
            + "&nocleanup=true&failed=false");
        var rerunActions = JsonDocument.Parse(await rerun.Content.ReadAsStringAsync()).RootElement
            .GetProperty("actions");
        Assert.Equal(HttpStatusCode.OK, rerun.StatusCode);
        Assert.Equal(1, rerunActions.EnumerateArray().Single().GetProperty("actionNumber").GetInt32());
        await WaitForAsync(_http, Base, id, "SUCCEEDED");
        var again = (await GetJsonAsync($"/v2/job/{id}?show=info")).GetProperty("actions")[0];
        Assert.Equal("SUCCEEDED", again.GetProperty("status").GetString());
        Assert.NotEqual(firstRun, again.GetProperty("externalId").GetString());

        // A later end gives the finished job one more action.
        using var change = await PutAsync($"/v2/job/{id}?action=change&value="
            + Uri.EscapeDataString("endtime=2020-01-04T00:00Z"));
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        await WaitForAsync(_http, Base, id, "SUCCEEDED");
        var changed = await GetJsonAsync($"/v2/job/{id}?show=info");
        Assert.Equal("Sat, 04 Jan 2020 00:00:00 GMT", changed.GetProperty("endTime").GetString());
        Assert.Equal(3, changed.GetProperty("total").GetInt32());
        Assert.Equal("SUCCEEDED", changed.GetProperty("actions")[2].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_coordinator_is_suspended_resumed_and_killed_with_oozie_error_codes()
    {
        var app = WriteCoordinator(_dir, "later", "2099-01-01T00:00Z", Workflow());
        var id = await SubmitAsync(_http, Base, string.Empty, ("oozie.coord.application.path", app),
            ("end", "2099-01-05T00:00Z"));
        await WaitForAsync(_http, Base, id, "RUNNING");

        using var suspend = await PutAsync($"/v2/job/{id}?action=suspend");
        var suspended = await WaitForAsync(_http, Base, id, "SUSPENDED");
        using var resume = await PutAsync($"/v2/job/{id}?action=resume");
        var resumed = await WaitForAsync(_http, Base, id, "RUNNING");
        using var start = await PutAsync($"/v2/job/{id}?action=start");
        using var badChange = await PutAsync($"/v2/job/{id}?action=change&value=colour%3Dred");
        using var badRerun = await PutAsync($"/v2/job/{id}?action=coord-rerun&type=week&scope=1");
        using var kill = await PutAsync($"/v2/job/{id}?action=kill");
        var killed = await WaitForAsync(_http, Base, id, "KILLED");
        using var again = await PutAsync($"/v2/job/{id}?action=kill");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            (suspend.StatusCode, resume.StatusCode, kill.StatusCode));
        Assert.Equal(("SUSPENDED", "RUNNING", "KILLED"), (suspended, resumed, killed));
        Assert.Equal((HttpStatusCode.BadRequest, "E0303"), (start.StatusCode, Code(start)));
        Assert.Equal("E1015", Code(badChange));
        Assert.Equal("E0302", Code(badRerun));
        Assert.Equal((HttpStatusCode.BadRequest, "E1018"), (again.StatusCode, Code(again)));
    }

    [Fact]
    public async Task A_bundle_kicks_off_shows_its_coordinators_reruns_and_changes_its_end()
    {
        var coord = WriteCoordinator(_dir, "daily", "2020-01-01T00:00Z", Workflow());
        var app = WriteBundle(_dir, "pipeline", "2020-01-01T00:00Z", coord, "2020-01-03T00:00Z");

        var id = await SubmitAsync(_http, Base, string.Empty, ("oozie.bundle.application.path", app),
            ("user.name", "ann"));
        var final = await WaitForAsync(_http, Base, id, "SUCCEEDED", "DONEWITHERROR", "FAILED", "KILLED");
        var info = await GetJsonAsync($"/v2/job/{id}?show=info");
        var listed = await GetJsonAsync("/v2/jobs?jobtype=bundle&filter=" + Uri.EscapeDataString($"id={id}"));

        Assert.Matches("-B$", id);
        Assert.Equal("SUCCEEDED", final);
        foreach (var field in BundleFields)
        {
            Assert.True(info.TryGetProperty(field, out _), $"bundle JSON lacks {field}");
        }

        Assert.Equal((id, "pipeline", app), (info.GetProperty("bundleJobId").GetString(),
            info.GetProperty("bundleJobName").GetString(), info.GetProperty("bundleJobPath").GetString()));
        Assert.Equal("Wed, 01 Jan 2020 00:00:00 GMT", info.GetProperty("kickoffTime").GetString());
        var coordinator = info.GetProperty("bundleCoordJobs").EnumerateArray().Single();
        var coordId = coordinator.GetProperty("coordJobId").GetString()!;
        Assert.Equal(("nightly", "SUCCEEDED", id), (coordinator.GetProperty("coordJobName").GetString(),
            coordinator.GetProperty("status").GetString(), coordinator.GetProperty("bundleId").GetString()));
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        Assert.Equal(id, listed.GetProperty("bundlejobs")[0].GetProperty("bundleJobId").GetString());
        Assert.Contains("<bundle-app", await _http.GetStringAsync(Base + $"/v2/job/{id}?show=definition"),
            StringComparison.Ordinal);

        // The bundle reruns its coordinator by name; the coordinator's first action runs a new workflow.
        var before = (await GetJsonAsync($"/v2/job/{coordId}?show=info")).GetProperty("actions")[0]
            .GetProperty("externalId").GetString();
        using var rerun = await PutAsync($"/v2/job/{id}?action=bundle-rerun&coord-scope=nightly&refresh=false"
            + "&nocleanup=false");
        Assert.Equal(HttpStatusCode.OK, rerun.StatusCode);
        await WaitForAsync(_http, Base, coordId, "SUCCEEDED");
        await WaitForAsync(_http, Base, id, "SUCCEEDED");
        var after = (await GetJsonAsync($"/v2/job/{coordId}?show=info")).GetProperty("actions")[0];
        Assert.NotEqual(before, after.GetProperty("externalId").GetString());

        // A later end reaches the coordinator, which runs one more action.
        using var change = await PutAsync($"/v2/job/{id}?action=change&value="
            + Uri.EscapeDataString("endtime=2020-01-04T00:00Z"));
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        await WaitForAsync(_http, Base, coordId, "SUCCEEDED");
        Assert.Equal(3, (await GetJsonAsync($"/v2/job/{coordId}?show=info")).GetProperty("total").GetInt32());
        Assert.Equal("Sat, 04 Jan 2020 00:00:00 GMT",
            (await GetJsonAsync($"/v2/job/{id}?show=info")).GetProperty("endTime").GetString());
    }

    [Fact]
    public async Task A_bundle_waits_for_its_kick_off_until_started_and_is_suspended_resumed_and_killed()
    {
        var coord = WriteCoordinator(_dir, "later", "2099-01-01T00:00Z", Workflow());
        var app = WriteBundle(_dir, "future", "2099-01-01T00:00Z", coord, "2099-01-05T00:00Z");
        var id = await SubmitAsync(_http, Base, string.Empty, ("oozie.bundle.application.path", app));

        var prep = await WaitForAsync(_http, Base, id, "PREP");
        using var suspend = await PutAsync($"/v2/job/{id}?action=suspend");
        var suspended = await WaitForAsync(_http, Base, id, "PREPSUSPENDED");
        using var resume = await PutAsync($"/v2/job/{id}?action=resume");
        await WaitForAsync(_http, Base, id, "PREP");
        using var start = await PutAsync($"/v2/job/{id}?action=start");
        var started = await WaitForAsync(_http, Base, id, "RUNNING");
        var coordinators = (await GetJsonAsync($"/v2/job/{id}?show=info")).GetProperty("bundleCoordJobs");
        using var rerun = await PutAsync($"/v2/job/{id}?action=bundle-rerun");
        using var kill = await PutAsync($"/v2/job/{id}?action=kill");
        var killed = await WaitForAsync(_http, Base, id, "KILLED");
        var coordId = coordinators[0].GetProperty("coordJobId").GetString()!;

        Assert.Equal(("PREP", "PREPSUSPENDED", "RUNNING", "KILLED"), (prep, suspended, started, killed));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            (suspend.StatusCode, resume.StatusCode, kill.StatusCode));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.Equal(1, coordinators.GetArrayLength());
        Assert.Equal("E1018", Code(rerun));
        Assert.Equal("KILLED", await WaitForAsync(_http, Base, coordId, "KILLED"));
    }

    [Fact]
    public async Task Unknown_ids_bad_filters_and_applications_outside_the_roots_are_refused()
    {
        _dir.Write("outside/coordinator.xml", "<coordinator-app/>");
        var outsideWorkflow = Path.Combine(_dir.Path, "outside", "wf");
        _dir.Write("outside/wf/workflow.xml", "<workflow-app/>");
        var escaping = WriteCoordinator(_dir, "escaping", "2020-01-01T00:00Z", outsideWorkflow);
        var bundle = WriteBundle(_dir, "leaky", "2020-01-01T00:00Z", Path.Combine(_dir.Path, "outside"),
            "2020-01-02T00:00Z");

        using var coordMissing = await _http.GetAsync(Base + "/v2/job/0000099-000000000000000-oozie-x-C?show=info");
        using var bundleMissing = await _http.GetAsync(Base + "/v2/job/0000099-000000000000000-oozie-x-B");
        using var killMissing = await PutAsync("/v2/job/0000099-000000000000000-oozie-x-C?action=kill");
        using var badStatus = await _http.GetAsync(Base + "/v2/jobs?jobtype=coordinator&filter=status%3DDONE");
        using var badKey = await _http.GetAsync(Base + "/v2/jobs?jobtype=bundle&filter=colour%3Dred");
        using var outside = await _http.PostAsync(Base + "/v2/jobs", ServerApiTests.Configuration(
            ("oozie.coord.application.path", Path.Combine(_dir.Path, "outside")), ("end", "2020-01-02T00:00Z")));
        using var leaky = await _http.PostAsync(Base + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.bundle.application.path", bundle)));
        var escaped = await SubmitAsync(_http, Base, string.Empty, ("oozie.coord.application.path", escaping),
            ("end", "2020-01-02T00:00Z"));
        var escapedStatus = await WaitForAsync(_http, Base, escaped, "FAILED", "SUCCEEDED", "DONEWITHERROR");
        var action = (await GetJsonAsync($"/v2/job/{escaped}?show=info")).GetProperty("actions")[0];

        Assert.Equal((HttpStatusCode.NotFound, "E0604"), (coordMissing.StatusCode, Code(coordMissing)));
        Assert.Equal((HttpStatusCode.NotFound, "E0604"), (bundleMissing.StatusCode, Code(bundleMissing)));
        Assert.Equal((HttpStatusCode.NotFound, "E0604"), (killMissing.StatusCode, Code(killMissing)));
        Assert.Equal((HttpStatusCode.BadRequest, "E0420"), (badStatus.StatusCode, Code(badStatus)));
        Assert.Equal("E0420", Code(badKey));
        Assert.Equal((HttpStatusCode.BadRequest, "E0302"), (outside.StatusCode, Code(outside)));
        Assert.Contains("oozie.coord.application.path", outside.Headers.GetValues("oozie-error-message").Single(),
            StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "E0302"), (leaky.StatusCode, Code(leaky)));
        Assert.Equal("FAILED", escapedStatus);
        Assert.Equal("E0302", action.GetProperty("errorCode").GetString());
        Assert.Contains("outside this server's application roots", action.GetProperty("errorMessage").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_remote_client_prints_the_local_coordinator_and_bundle_tables()
    {
        var coord = WriteCoordinator(_dir, "daily", "2020-01-01T00:00Z", Workflow());
        var app = WriteBundle(_dir, "pipeline", "2020-01-01T00:00Z", coord, "2020-01-03T00:00Z");
        var bundleId = await SubmitAsync(_http, Base, string.Empty, ("oozie.bundle.application.path", app));
        await WaitForAsync(_http, Base, bundleId, "SUCCEEDED");
        var coordId = (await GetJsonAsync($"/v2/job/{bundleId}?show=info")).GetProperty("bundleCoordJobs")[0]
            .GetProperty("coordJobId").GetString()!;

        var coordInfo = await Cli.RunAsync("job", "-oozie", Base, "-info", coordId);
        var paged = await Cli.RunAsync("job", "-oozie", Base, "-info", coordId, "-offset", "2", "-len", "1");
        var verbose = await Cli.RunAsync("job", "-oozie", Base, "-info", coordId, "-verbose");
        var bundleInfo = await Cli.RunAsync("job", "-oozie", Base, "-info", bundleId);
        var coordinators = await Cli.RunAsync("jobs", "-oozie", Base, "-jobtype", "coordinator");
        var bundles = await Cli.RunAsync("jobs", "-oozie", Base, "-jobtype", "bundle");

        Assert.Equal((0, 0, 0, 0), (coordInfo.Code, paged.Code, bundleInfo.Code, coordinators.Code));
        var lines = coordInfo.Out.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal($"Job ID : {coordId}", lines[0]);
        Assert.Equal("Job Name    : daily", lines[2]);
        Assert.Equal($"App Path    : file://{coord}", lines[3]);
        Assert.Equal("Status      : SUCCEEDED", lines[4]);
        Assert.Equal("Start Time  : 2020-01-01 00:00 GMT", lines[5]);
        Assert.Equal("End Time    : 2020-01-03 00:00 GMT", lines[6]);
        Assert.Equal("Pause Time  : -", lines[7]);
        Assert.Equal("Concurrency : 2", lines[8]);
        Assert.Matches(@"^ID\s+Status\s+Ext ID\s+Err Code\s+Created\s+Nominal Time\s+Last Mod$", lines[10]);
        Assert.Matches($@"^{coordId}@1\s+SUCCEEDED\s+\S+-W\s+-\s+\d{{4}}-.* GMT\s+2020-01-01 00:00 GMT\s+", lines[11]);
        Assert.Contains($"{coordId}@2 ", paged.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"{coordId}@1 ", paged.Out, StringComparison.Ordinal);
        Assert.Contains("Missing Dependencies", verbose.Out, StringComparison.Ordinal);
        Assert.Contains($"{coordId}@1\t1\t", verbose.Out, StringComparison.Ordinal);
        Assert.Contains("Kickoff time   : 2020-01-01 00:00 GMT", bundleInfo.Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{coordId}\s+SUCCEEDED\s+1\s+DAY\s+2020-01-01 00:00 GMT\s+-\s+nightly$",
            bundleInfo.Out);
        Assert.Matches($@"(?m)^{coordId}\s+daily\s+SUCCEEDED\s+", coordinators.Out);
        Assert.Matches($@"(?m)^{bundleId}\s+pipeline\s+SUCCEEDED\s+2020-01-01T00:00Z$", bundles.Out);
    }
}
