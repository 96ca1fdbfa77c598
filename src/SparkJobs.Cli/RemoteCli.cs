using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Engine;

namespace SparkJobs.Cli;

/// <summary>The oozie-lite commands against an Oozie server's Web Services API (v2, else v1).</summary>
internal sealed class RemoteCli(TextWriter stdout, TextWriter stderr, string url, TimeProvider time)
{
    private const string HeaderPrefix = "header:";
    private static readonly string Ruler = new('-', 132);
    private static readonly string[] Operations = ["start", "suspend", "resume", "kill"];
    private static readonly string[] PagingOptions = ["offset", "len"];
    private readonly string _base = url.TrimEnd('/');
    private readonly bool _debug = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OOZIE_DEBUG"));
    private string _version = string.Empty;

    public async Task<int> RunAsync(CliArguments args)
    {
        if (!Uri.TryCreate(_base, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"-oozie (or OOZIE_URL) '{url}' is not an http:// or https:// URL; pass the " +
                "Oozie server's base URL, for example http://127.0.0.1:11000/oozie.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        foreach (var (k, v) in args.Defines.Where(d => d.Key.StartsWith(HeaderPrefix, StringComparison.Ordinal)))
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(k[HeaderPrefix.Length..], v);
        }

        _version = await PickVersionAsync(http);
        return args.Command switch
        {
            "job" => await JobAsync(http, args),
            "jobs" => await JobsAsync(http, args),
            "admin" => await AdminAsync(http, args),
            _ => await ValidateAsync(http, args),
        };
    }

    private async Task<string> PickVersionAsync(HttpClient http)
    {
        var text = await SendAsync(http, HttpMethod.Get, $"{_base}/versions", null);
        int[] versions;
        try
        {
            versions = JsonSerializer.Deserialize<int[]>(text) ?? [];
        }
        catch (JsonException)
        {
            throw new OozieException("E0301", $"{_base}/versions did not return a version list; is -oozie {url} "
                + "an Oozie server URL ending in /oozie?");
        }

        return versions.Contains(2) ? "v2" : versions.Contains(1) ? "v1"
            : throw new OozieException("E0301", $"the server at {url} supports none of API v1 and v2.");
    }

    private async Task<string> SendAsync(HttpClient http, HttpMethod method, string uri, string? xml,
        bool allowNotFound = false)
    {
        if (_debug)
        {
            stderr.WriteLine($"{method} {uri}");
        }

        using var request = new HttpRequestMessage(method, uri);
        if (xml is not null)
        {
            request.Content = new StringContent(xml, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/xml;charset=UTF-8");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            throw new OozieException("IO_ERROR", $"cannot reach {url} ({e.Message}); check -oozie or OOZIE_URL.");
        }
        catch (TaskCanceledException)
        {
            throw new OozieException("IO_ERROR", $"{url} did not answer in time.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (_debug)
            {
                stderr.WriteLine($"  -> {(int)response.StatusCode}");
            }

            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            {
                return response.IsSuccessStatusCode ? body : "\0";
            }

            var code = Header(response, "oozie-error-code") ?? $"HTTP{(int)response.StatusCode}";
            var message = Header(response, "oozie-error-message") ?? response.ReasonPhrase ?? "request failed";
            var prefix = code + ": ";
            throw new OozieException(code, message.StartsWith(prefix, StringComparison.Ordinal)
                ? message[prefix.Length..]
                : message);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(" ", values) : null;

    private string Api(string path) => $"{_base}/{_version}/{path}";

    private static string Configuration(CliArguments args)
    {
        var conf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Options.GetValueOrDefault("config") is { } file)
        {
            foreach (var (k, v) in WorkflowLoader.LoadConfigFile(file))
            {
                conf[k] = v;
            }
        }

        foreach (var (k, v) in args.Defines.Where(d => !d.Key.StartsWith(HeaderPrefix, StringComparison.Ordinal)))
        {
            conf[k] = v;
        }

        conf.TryAdd("user.name", Environment.UserName);
        return new XDocument(new XElement("configuration", conf.Select(p =>
            new XElement("property", new XElement("name", p.Key), new XElement("value", p.Value))))).ToString();
    }

    private async Task<int> JobAsync(HttpClient http, CliArguments args)
    {
        if (args.Has("run") || args.Has("submit"))
        {
            args.Required("config");
            var reply = await SendAsync(http, HttpMethod.Post,
                Api(args.Has("run") ? "jobs?action=start" : "jobs"), Configuration(args));
            using var doc = JsonDocument.Parse(reply);
            stdout.WriteLine($"job: {doc.RootElement.GetProperty("id").GetString()}");
            return ExitCodes.Success;
        }

        foreach (var op in Operations)
        {
            if (args.Options.GetValueOrDefault(op) is { } id)
            {
                await SendAsync(http, HttpMethod.Put, Api($"job/{Uri.EscapeDataString(id)}?action={op}"), null);
                return ExitCodes.Success;
            }
        }

        if (args.Options.GetValueOrDefault("change") is { } changeId)
        {
            await SendAsync(http, HttpMethod.Put, Api($"job/{Uri.EscapeDataString(changeId)}?action=change&value="
                + Uri.EscapeDataString(args.Required("value"))), null);
            return ExitCodes.Success;
        }

        if (args.Options.GetValueOrDefault("rerun") is { } rerunId)
        {
            if (RerunQuery(rerunId, args) is { } query)
            {
                // Oozie's servlet wants an XML content type on coordinator and bundle reruns, even with no properties.
                await SendAsync(http, HttpMethod.Put, Api($"job/{Uri.EscapeDataString(rerunId)}?{query}"),
                    "<configuration/>");
                return ExitCodes.Success;
            }

            args.Required("config");
            await SendAsync(http, HttpMethod.Put, Api($"job/{Uri.EscapeDataString(rerunId)}?action=rerun"),
                Configuration(args));
            return ExitCodes.Success;
        }

        if (args.Options.GetValueOrDefault("info") is { } infoId)
        {
            var paging = string.Concat(PagingOptions
                .Select(o => (Name: o, Value: args.Options.GetValueOrDefault(o)))
                .Where(o => o.Value is not null)
                .Select(o => $"&{o.Name}={Uri.EscapeDataString(o.Value!)}"));
            using var doc = JsonDocument.Parse(await SendAsync(http, HttpMethod.Get, Show(infoId, "info") + paging,
                null));
            PrintInfo(doc.RootElement, args.Has("verbose"));
            return ExitCodes.Success;
        }

        if (args.Options.GetValueOrDefault("poll") is { } pollId)
        {
            return await PollAsync(http, pollId, args);
        }

        foreach (var show in new[] { "log", "definition" })
        {
            if (args.Options.GetValueOrDefault(show) is { } id)
            {
                stdout.Write(await SendAsync(http, HttpMethod.Get, Show(id, show), null));
                return ExitCodes.Success;
            }
        }

        throw new UsageException("job needs one of -run, -submit, -start <id>, -rerun <id>, -change <id>, "
            + "-kill <id>, -suspend <id>, -resume <id>, -info <id>, -log <id>, -definition <id>.");
    }

    // The query of Oozie's coord-rerun and bundle-rerun actions; null for a workflow, which reruns with its config.
    private static string? RerunQuery(string id, CliArguments args)
    {
        string Flag(string name) => $"&{name}={(args.Has(name) ? "true" : "false")}";
        string Param(string name, string? value) =>
            value is null ? string.Empty : $"&{name}={Uri.EscapeDataString(value)}";
        var date = args.Options.GetValueOrDefault("date");
        if (id.EndsWith("-B", StringComparison.Ordinal))
        {
            if (args.Has("action"))
            {
                throw new UsageException("-action is not valid for a bundle rerun; choose coordinators with " +
                    "-coordinator <names> and their actions with -date <from>::<to>.");
            }

            return "action=bundle-rerun" + Param("coord-scope", args.Options.GetValueOrDefault("coordinator"))
                + Param("date-scope", date) + Flag("refresh") + Flag("nocleanup");
        }

        if (!id.EndsWith("-C", StringComparison.Ordinal))
        {
            return null;
        }

        var (type, scope) = args.Options.GetValueOrDefault("action") is { } actions ? ("action", actions)
            : date is not null ? ("date", date)
            : throw new UsageException($"-rerun {id} needs -action 1-3,5 or -date <from>::<to>.");
        return $"action=coord-rerun&type={type}" + Param("scope", scope) + Flag("refresh") + Flag("nocleanup")
            + Flag("failed");
    }

    private string Show(string id, string show) => Api($"job/{Uri.EscapeDataString(id)}?show={show}");

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : "-";

    // The server sends RFC-822 dates; print them in the local commands' shorter form.
    private static string Date(JsonElement e, string name) =>
        DateValue(e, name) is { } t ? OozieCli.Date(t) : Text(e, name);

    private static DateTimeOffset? DateValue(JsonElement e, string name) =>
        DateTimeOffset.TryParseExact(Text(e, name).Replace("GMT", "+00:00", StringComparison.Ordinal),
            "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : null;

    private static string? Value(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

    private static List<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];

    private static int Number(JsonElement e, string name) =>
        int.TryParse(Value(e, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private Task<int> PollAsync(HttpClient http, string id, CliArguments args) =>
        OozieCli.PollAsync(id, async () =>
        {
            using var doc = JsonDocument.Parse(await SendAsync(http, HttpMethod.Get, Show(id, "status"), null));
            return Text(doc.RootElement, "status");
        }, args, stdout, stderr, time);

    private void PrintInfo(JsonElement job, bool verbose)
    {
        if (job.TryGetProperty("coordJobId", out _))
        {
            PrintCoordinatorInfo(job, verbose);
            return;
        }

        if (job.TryGetProperty("bundleJobId", out _))
        {
            PrintBundleInfo(job);
            return;
        }

        stdout.WriteLine($"Job ID : {Text(job, "id")}");
        stdout.WriteLine(Ruler);
        stdout.WriteLine($"Workflow Name : {Text(job, "appName")}");
        stdout.WriteLine($"App Path      : {Text(job, "appPath")}");
        stdout.WriteLine($"Status        : {Text(job, "status")}");
        stdout.WriteLine($"Run           : {Text(job, "run")}");
        stdout.WriteLine($"User          : {Text(job, "user")}");
        stdout.WriteLine($"Group         : {Text(job, "group")}");
        stdout.WriteLine($"Created       : {Date(job, "createdTime")}");
        stdout.WriteLine($"Started       : {Date(job, "startTime")}");
        stdout.WriteLine($"Last Modified : {Date(job, "lastModTime")}");
        stdout.WriteLine($"Ended         : {Date(job, "endTime")}");
        stdout.WriteLine($"CoordAction ID: {Text(job, "parentId")}");
        stdout.WriteLine();
        stdout.WriteLine("Actions");
        stdout.WriteLine(Ruler);
        stdout.WriteLine(verbose ? VerboseHeader : Row("ID", "Status", "Ext ID", "Ext Status", "Err Code"));
        stdout.WriteLine(Ruler);
        if (job.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in actions.EnumerateArray())
            {
                stdout.WriteLine(verbose
                    ? string.Join('\t', VerboseFields.Select(f => f.EndsWith("Time", StringComparison.Ordinal)
                        ? Date(a, f)
                        : Text(a, f)))
                    : Row(Text(a, "id"), Text(a, "status"), Text(a, "externalId"), Text(a, "externalStatus"),
                        Text(a, "errorCode")));
                stdout.WriteLine(Ruler);
            }
        }
    }

    // The local coordinator table, from the coordinator job JSON and its actions.
    private void PrintCoordinatorInfo(JsonElement job, bool verbose)
    {
        var view = new CoordinatorJobView(Text(job, "coordJobId"), Text(job, "coordJobName"),
            Text(job, "coordJobPath"), Text(job, "status"), DateValue(job, "startTime"), DateValue(job, "endTime"),
            DateValue(job, "pauseTime"), Number(job, "concurrency"));
        var actions = Array(job, "actions").Select(a => new CoordinatorActionView(Text(a, "id"),
            Number(a, "actionNumber"), Text(a, "status"), Value(a, "externalId"), Value(a, "externalStatus"),
            Value(a, "errorCode"), Value(a, "errorMessage"), Text(a, "coordJobId"), DateValue(a, "createdTime"),
            DateValue(a, "nominalTime"), DateValue(a, "lastModifiedTime"), Value(a, "consoleUrl"),
            Value(a, "trackerUri"), Value(a, "missingDependencies")));
        InfoTables.WriteCoordinator(stdout, view, actions, verbose);
    }

    // The local bundle table; a server lists the coordinators it started under their bundle.xml names.
    private void PrintBundleInfo(JsonElement job)
    {
        var view = new BundleJobView(Text(job, "bundleJobId"), Text(job, "bundleJobName"),
            Text(job, "bundleJobPath"), Text(job, "status"), DateValue(job, "kickoffTime"));
        var coordinators = Array(job, "bundleCoordJobs").Select(c => new BundleCoordinatorView(
            Text(c, "coordJobId"), Text(c, "status"), Value(c, "frequency"), Value(c, "timeUnit"),
            DateValue(c, "startTime"), DateValue(c, "nextMaterializedTime"), Text(c, "coordJobName")));
        InfoTables.WriteBundle(stdout, view, coordinators);
    }

    // The local -verbose columns, from the action JSON fields that carry them.
    private static readonly string[] VerboseFields =
    [
        "id", "consoleUrl", "errorCode", "errorMessage", "externalId", "externalStatus", "name", "retries",
        "trackerUri", "type", "startTime", "status", "endTime", "transition",
    ];

    private static readonly string VerboseHeader = string.Join('\t', "ID", "Console URL", "Error Code",
        "Error Message", "External ID", "External Status", "Name", "Retries", "Tracker URI", "Type", "Started",
        "Status", "Ended", "Transition");

    private static string Row(string id, string status, string extId, string extStatus, string code) =>
        InfoTables.WorkflowActionRow(id, status, extId, extStatus, code);

    private async Task<int> JobsAsync(HttpClient http, CliArguments args)
    {
        var type = args.Options.GetValueOrDefault("jobtype") ?? "wf";
        var query = $"jobs?jobtype={Uri.EscapeDataString(type)}&len={args.Options.GetValueOrDefault("len") ?? "100"}"
            + $"&offset={args.Options.GetValueOrDefault("offset") ?? "1"}";
        if (args.Options.GetValueOrDefault("filter") is { } filter)
        {
            query += $"&filter={Uri.EscapeDataString(filter)}";
        }

        using var doc = JsonDocument.Parse(await SendAsync(http, HttpMethod.Get, Api(query), null));
        if (type is "coordinator" or "coord")
        {
            InfoTables.WriteCoordinatorList(stdout, Array(doc.RootElement, "coordinatorjobs").Select(j =>
                new CoordinatorListView(Text(j, "coordJobId"), Text(j, "coordJobName"), Text(j, "status"),
                    DateValue(j, "createdTime"), DateValue(j, "nextMaterializedTime"))));
            return ExitCodes.Success;
        }

        if (type == "bundle")
        {
            InfoTables.WriteBundleList(stdout, Array(doc.RootElement, "bundlejobs").Select(j =>
                new BundleListView(Text(j, "bundleJobId"), Text(j, "bundleJobName"), Text(j, "status"),
                    DateValue(j, "kickoffTime"))));
            return ExitCodes.Success;
        }

        const string key = "workflows";
        stdout.WriteLine(JobRow("Job ID", "App Name", "Status", "Run", "User", "Group", "Started", "Ended"));
        stdout.WriteLine(Ruler);
        if (doc.RootElement.TryGetProperty(key, out var jobs) && jobs.ValueKind == JsonValueKind.Array)
        {
            foreach (var j in jobs.EnumerateArray())
            {
                stdout.WriteLine(JobRow(Text(j, "id"), Text(j, "appName"), Text(j, "status"), Text(j, "run"),
                    Text(j, "user"), Text(j, "group"), Date(j, "startTime"), Date(j, "endTime")));
                stdout.WriteLine(Ruler);
            }
        }

        return ExitCodes.Success;
    }

    private static string JobRow(params string[] cells) =>
        $"{cells[0],-45}{cells[1],-25}{cells[2],-11}{cells[3],-5}{cells[4],-12}{cells[5],-8}{cells[6],-22}{cells[7]}";

    private async Task<int> AdminAsync(HttpClient http, CliArguments args)
    {
        if (args.Has("status"))
        {
            using var doc = JsonDocument.Parse(await SendAsync(http, HttpMethod.Get, Api("admin/status"), null));
            stdout.WriteLine($"System mode: {Text(doc.RootElement, "systemMode")}");
            return ExitCodes.Success;
        }

        if (args.Has("version"))
        {
            using var doc = JsonDocument.Parse(
                await SendAsync(http, HttpMethod.Get, Api("admin/build-version"), null));
            stdout.WriteLine($"Oozie server build version: {Text(doc.RootElement, "buildVersion")}");
            return ExitCodes.Success;
        }

        throw new UsageException("admin needs -version or -status.");
    }

    // Oozie 5's v2 validate servlet checks the file on the server; older servers have none, so check here.
    private async Task<int> ValidateAsync(HttpClient http, CliArguments args)
    {
        if (_version == "v2" && args.Positional.Count == 1 && File.Exists(args.Positional[0]))
        {
            var file = args.Positional[0];
            var reply = await SendAsync(http, HttpMethod.Post,
                $"{_base}/v2/validate?file={Uri.EscapeDataString(Path.GetFileName(file))}"
                + $"&user={Uri.EscapeDataString(Environment.UserName)}",
                await File.ReadAllTextAsync(file), allowNotFound: true);
            if (reply != "\0")
            {
                using var doc = JsonDocument.Parse(reply);
                stdout.WriteLine(Text(doc.RootElement, "validate"));
                return ExitCodes.Success;
            }
        }

        return -1;
    }
}
