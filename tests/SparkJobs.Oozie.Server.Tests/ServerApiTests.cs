using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>Our server, checked with plain HTTP against the API notes in reference/oozie.md section E.</summary>
public sealed partial class ServerApiTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new();
    private OozieServer? _server;

    private string Base => _server!.BaseUri.ToString();

    public async ValueTask InitializeAsync()
    {
        _server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [Path.Combine(_dir.Path, "apps")], StoreHome = Path.Combine(_dir.Path, "store"),
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _server!.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    internal static string WriteApp(TempDir dir, string name, string script)
    {
        dir.Write($"apps/{name}/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="{name}">
              <start to="step"/>
              <action name="step">
                <shell xmlns="uri:oozie:shell-action:1.0">
                  <exec>/bin/sh</exec><argument>-c</argument><argument>{script}</argument>
                </shell>
                <ok to="end"/><error to="fail"/>
              </action>
              <kill name="fail"><message>failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
        return Path.Combine(dir.Path, "apps", name);
    }

    internal static StringContent Configuration(params (string Key, string Value)[] properties)
    {
        var xml = new StringBuilder("<configuration>");
        foreach (var (k, v) in properties)
        {
            xml.Append($"<property><name>{k}</name><value>{WebUtility.HtmlEncode(v)}</value></property>");
        }

        return new StringContent(xml.Append("</configuration>").ToString(), Encoding.UTF8, "application/xml");
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await _http.GetStringAsync(Base + path);
        return JsonDocument.Parse(text).RootElement;
    }

    [GeneratedRegex(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")]
    private static partial Regex Rfc822Gmt();

    [Fact]
    public async Task Versions_and_admin_answer_as_oozie_does()
    {
        Assert.Equal("[0,1,2]", await _http.GetStringAsync(Base + "/versions"));
        Assert.Equal("NORMAL", (await GetJsonAsync("/v1/admin/status")).GetProperty("systemMode").GetString());
        Assert.False(string.IsNullOrEmpty(
            (await GetJsonAsync("/v2/admin/build-version")).GetProperty("buildVersion").GetString()));
    }

    [Fact]
    public async Task Submit_returns_201_and_info_uses_oozie_field_names_and_dates()
    {
        var app = WriteApp(_dir, "quick", "echo hi");

        using var reply = await _http.PostAsync(Base + "/v2/jobs",
            Configuration(("oozie.wf.application.path", app), ("user.name", "ann")));
        var id = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var info = await GetJsonAsync($"/v2/job/{id}?show=info");

        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.Matches(@"^\d{7}-\d{15}-oozie-ann-W$", id);
        foreach (var field in new[] { "appPath", "appName", "id", "externalId", "parentId", "conf", "status",
            "lastModTime", "createdTime", "startTime", "endTime", "user", "group", "acl", "run", "consoleUrl",
            "actions", "toString" })
        {
            Assert.True(info.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.Equal("PREP", info.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("startTime").ValueKind);
        Assert.Matches(Rfc822Gmt(), info.GetProperty("createdTime").GetString());
        Assert.StartsWith("<configuration>", info.GetProperty("conf").GetString(), StringComparison.Ordinal);
        Assert.Equal("PREP", (await GetJsonAsync($"/v1/job/{id}?show=status")).GetProperty("status").GetString());
        Assert.Contains("digraph", await _http.GetStringAsync(Base + $"/v2/job/{id}?show=graph&format=dot"),
            StringComparison.Ordinal);
        Assert.Contains("<workflow-app", await _http.GetStringAsync(Base + $"/v2/job/{id}?show=definition"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_honours_the_timezone_parameter()
    {
        var app = WriteApp(_dir, "zoned", "true");
        using var reply = await _http.PostAsync(Base + "/v2/jobs", Configuration(("oozie.wf.application.path", app)));
        var id = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var info = await GetJsonAsync($"/v2/job/{id}?show=info&timezone=Asia/Kolkata");

        Assert.EndsWith("GMT+05:30", info.GetProperty("createdTime").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_job_is_404_with_E0604_headers()
    {
        using var reply = await _http.GetAsync(Base + "/v2/job/0000099-000000000000000-oozie-x-W?show=info");

        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
        Assert.Equal("E0604", reply.Headers.GetValues("oozie-error-code").Single());
        Assert.Contains("0000099", reply.Headers.GetValues("oozie-error-message").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_app_path_is_E0401_and_a_coordinator_outside_the_roots_is_E0302()
    {
        using var none = await _http.PostAsync(Base + "/v1/jobs", Configuration(("user.name", "ann")));
        using var coord = await _http.PostAsync(Base + "/v1/jobs",
            Configuration(("oozie.coord.application.path", _dir.Path)));

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal("E0401", none.Headers.GetValues("oozie-error-code").Single());
        Assert.Equal(HttpStatusCode.BadRequest, coord.StatusCode);
        Assert.Equal("E0302", coord.Headers.GetValues("oozie-error-code").Single());
        Assert.Contains("outside this server's application roots", coord.Headers.GetValues("oozie-error-message")
            .Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_lists_workflows_with_offset_len_total_and_filters()
    {
        var app = WriteApp(_dir, "listed", "true");
        for (var i = 0; i < 3; i++)
        {
            using var r = await _http.PostAsync(Base + "/v2/jobs", Configuration(("oozie.wf.application.path", app)));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var page = await GetJsonAsync("/v2/jobs?jobtype=wf&filter=" + Uri.EscapeDataString("status=PREP;name=listed")
            + "&offset=2&len=1");
        var coords = await GetJsonAsync("/v2/jobs?jobtype=coordinator");
        using var bad = await _http.GetAsync(Base + "/v2/jobs?filter=colour%3Dred");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("offset").GetInt32());
        Assert.Equal(1, page.GetProperty("len").GetInt32());
        Assert.Equal(1, page.GetProperty("workflows").GetArrayLength());
        Assert.Equal(0, coords.GetProperty("coordinatorjobs").GetArrayLength());
        Assert.Equal("E0420", bad.Headers.GetValues("oozie-error-code").Single());
    }

    [Fact]
    public async Task Kill_of_a_running_job_ends_it_killed_and_a_second_kill_is_refused()
    {
        var app = WriteApp(_dir, "long", "sleep 30");
        using var submit = await _http.PostAsync(Base + "/v2/jobs?action=start",
            Configuration(("oozie.wf.application.path", app)));
        var id = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        await ServerEndToEndTests.WaitForStatusAsync(_http, Base, id!, "RUNNING");
        using var kill = await _http.PutAsync(Base + $"/v2/job/{id}?action=kill", null);
        var status = await ServerEndToEndTests.WaitForFinalAsync(_http, Base, id!);
        using var again = await _http.PutAsync(Base + $"/v2/job/{id}?action=kill", null);

        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        Assert.Equal("KILLED", status);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("E0725", again.Headers.GetValues("oozie-error-code").Single());
    }

    [Fact]
    public async Task Sla_lists_summaries_with_oozie_field_names()
    {
        _dir.Write("apps/timed/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:0.5" xmlns:sla="uri:oozie:sla:0.2" name="timed">
              <start to="step"/>
              <action name="step">
                <shell xmlns="uri:oozie:shell-action:0.3"><exec>true</exec></shell>
                <ok to="end"/><error to="end"/>
              </action>
              <end name="end"/>
              <sla:info>
                <sla:nominal-time>2026-01-01T06:00Z</sla:nominal-time>
                <sla:should-start>${5 * MINUTES}</sla:should-start>
                <sla:should-end>${1 * HOURS}</sla:should-end>
              </sla:info>
            </workflow-app>
            """);
        using var submit = await _http.PostAsync(Base + "/v2/jobs?action=start",
            Configuration(("oozie.wf.application.path", Path.Combine(_dir.Path, "apps", "timed"))));
        var id = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal("SUCCEEDED", await ServerEndToEndTests.WaitForFinalAsync(_http, Base, id!));

        var sla = Assert.Single((await GetJsonAsync($"/v2/sla?filter=id={id}")).GetProperty("slaSummaryList")
            .EnumerateArray());
        var zoned = (await GetJsonAsync($"/v2/sla?timezone=GMT&filter=app_name=timed;sla_status=MISS"))
            .GetProperty("slaSummaryList").EnumerateArray().Single();
        using var v1 = await _http.GetAsync(Base + "/v1/sla");
        using var bad = await _http.GetAsync(Base + "/v2/sla?filter=colour=red");

        Assert.Equal(("WORKFLOW_JOB", "timed", "MISS", "SUCCEEDED"), (sla.GetProperty("appType").GetString(),
            sla.GetProperty("appName").GetString(), sla.GetProperty("slaStatus").GetString(),
            sla.GetProperty("jobStatus").GetString()));
        Assert.Equal("START_MISS,END_MISS", sla.GetProperty("eventStatus").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            sla.GetProperty("nominalTime").GetInt64());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 7, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            sla.GetProperty("expectedEnd").GetInt64());
        Assert.Equal(-1, sla.GetProperty("expectedDuration").GetInt64());
        Assert.True(sla.GetProperty("endDelay").GetInt64() > 0);
        Assert.Equal("Thu, 01 Jan 2026 06:00:00 GMT", zoned.GetProperty("nominalTime").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, v1.StatusCode);
        Assert.Equal("E0420", bad.Headers.GetValues("oozie-error-code").Single());
    }

    [Fact]
    public async Task Graph_is_an_svg_image_coloured_by_status_and_hides_kill_nodes_unless_asked()
    {
        var app = WriteApp(_dir, "drawn", "true");
        using var submit = await _http.PostAsync(Base + "/v2/jobs?action=start",
            Configuration(("oozie.wf.application.path", app)));
        var id = JsonDocument.Parse(await submit.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal("SUCCEEDED", await ServerEndToEndTests.WaitForFinalAsync(_http, Base, id!));

        using var reply = await _http.GetAsync(Base + $"/v2/job/{id}?show=graph");
        var svg = System.Xml.Linq.XDocument.Parse(await reply.Content.ReadAsStringAsync());
        var withKill = System.Xml.Linq.XDocument.Parse(
            await _http.GetStringAsync(Base + $"/v2/job/{id}?show=graph&show-kill=true"));
        var dot = await _http.GetStringAsync(Base + $"/v2/job/{id}?show=graph&format=dot");
        using var png = await _http.GetAsync(Base + $"/v2/job/{id}?show=graph&format=png");

        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("image/svg+xml", reply.Content.Headers.ContentType!.MediaType);
        var groups = svg.Root!.Elements(ns + "g").ToDictionary(g => (string)g.Attribute("id")!);
        Assert.Equal([":start:", "end", "step"], groups.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("#c8e6c9", (string)groups["step"].Element(ns + "rect")!.Attribute("fill")!);
        Assert.Equal(2, svg.Root.Elements(ns + "line").Count());
        Assert.Contains(withKill.Root!.Elements(ns + "g"), g => (string)g.Attribute("id")! == "fail");
        var rows = groups.ToDictionary(g => g.Key, g => double.Parse((string)g.Value.Element(ns + "rect")!.Attribute("y")!,
            System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(rows[":start:"] < rows["step"] && rows["step"] < rows["end"]);
        Assert.DoesNotContain("fail", dot, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, png.StatusCode);
        Assert.Equal("E0302", png.Headers.GetValues("oozie-error-code").Single());
    }
}
