using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>The job and jobs resources.</summary>
internal sealed partial class OozieApi
{
    private static readonly JobStatus[] Active = [JobStatus.PREP, JobStatus.RUNNING, JobStatus.SUSPENDED];

    private static string ConsoleBase(HttpContext context) =>
        $"{context.Request.Scheme}://{context.Request.Host}/oozie?job=";

    private Task<IResult> Show(HttpContext context, string id)
    {
        if (IsCoordinator(id))
        {
            return ShowCoordinatorAsync(context, id);
        }

        if (IsBundle(id))
        {
            return ShowBundleAsync(context, id);
        }

        var job = GetJob(id);
        var query = context.Request.Query;
        var show = query["show"].ToString();
        switch (show is "" ? "info" : show)
        {
            case "info":
                // offset (1-based) and len page the actions, as Oozie's job servlet does.
                var zone = OozieJson.Zone(query["timezone"]);
                var actions = Store.GetActions(id).Skip(Number(query["offset"], "offset", 1) - 1)
                    .Take(Number(query["len"], "len", int.MaxValue)).ToList();
                return Json(OozieJson.Job(job, actions, zone, ConsoleBase(context)));
            case "status":
                return Json(new JsonObject { ["status"] = job.Status.ToString() });
            case "definition":
                return Task.FromResult(Results.Text(job.Definition, "application/xml;charset=UTF-8", Encoding.UTF8));
            case "log":
                return Task.FromResult(Results.Text(Log(job), "text/plain;charset=UTF-8", Encoding.UTF8));
            case "graph":
                // Oozie answers PNG by default; this server draws SVG (which browsers and Hue show as an
                // image) unless format=dot asks for the Graphviz text.
                var format = query["format"].ToString();
                if (format is not ("" or "svg" or "dot"))
                {
                    throw new OozieException("E0302", $"Invalid parameter [format={format}]; this server draws "
                        + "graphs as format=svg (the default) or format=dot.");
                }

                var (app, _) = WorkflowLoader.Check(job.Definition, job.AppPath, validateForkJoin: false);
                var graph = new WorkflowGraph(job.AppName, app, Store.GetActions(job.Id),
                    string.Equals(query["show-kill"], "true", StringComparison.OrdinalIgnoreCase));
                return Task.FromResult(format == "dot"
                    ? Results.Text(graph.ToDot(), "text/plain;charset=UTF-8", Encoding.UTF8)
                    : Results.Text(graph.ToSvg(), "image/svg+xml;charset=UTF-8", Encoding.UTF8));
            default:
                throw new OozieException("E0302", $"Invalid parameter [show={show}]; use info, definition, log, "
                    + "status or graph.");
        }
    }

    private string Log(WorkflowJobRecord job)
    {
        var text = new StringBuilder();
        foreach (var line in Store.GetLog(job.Id))
        {
            text.Append(line).Append('\n');
        }

        foreach (var action in Store.GetActions(job.Id).Where(a => a.LogPath is not null && File.Exists(a.LogPath)))
        {
            text.Append(CultureInfo.InvariantCulture, $"--- {action.Id} ({action.LogPath}) ---\n");
            using var reader = new StreamReader(new FileStream(action.LogPath!, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete));
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    private async Task<IResult> Manage(HttpContext context, string id)
    {
        if (IsCoordinator(id))
        {
            return await ManageCoordinatorAsync(context, id);
        }

        if (IsBundle(id))
        {
            return await ManageBundleAsync(context, id);
        }

        var job = GetJob(id);
        var action = context.Request.Query["action"].ToString();
        switch (action)
        {
            case "start":
                if (job.Status != JobStatus.PREP)
                {
                    throw new OozieException("E0731", $"Job [{id}] is {job.Status}; only PREP jobs can be started.");
                }

                runner.Start(id);
                break;
            case "kill":
                Change(job, Active, JobStatus.KILLED, "E0725");
                runner.Kill(id);
                runner.Engine.KillOrphans(id);
                break;
            case "suspend":
                Change(job, [JobStatus.RUNNING], JobStatus.SUSPENDED, "E0727");
                break;
            case "resume":
                Change(job, [JobStatus.SUSPENDED], JobStatus.RUNNING, "E0728");
                // A job suspended before its runner died has nobody to continue it but this server.
                runner.RecoverInterrupted(id);
                break;
            case "rerun":
                var conf = WorkflowLoader.RerunConfiguration(job.Configuration, await ReadConfigurationAsync(context));

                var prepared = await PrepareAsync(conf, job.User, context.RequestAborted);
                // RerunAsync checks its preconditions before it returns, so they surface as this call's error.
                runner.Track(id, token => runner.Engine.RerunAsync(id, prepared, token));
                break;
            default:
                throw new OozieException("E0302", $"Invalid parameter [action={action}]; use start, suspend, resume, "
                    + "kill or rerun.");
        }

        return Results.Ok();
    }

    private void Change(WorkflowJobRecord job, JobStatus[] from, JobStatus to, string code)
    {
        if (!Store.TryChangeStatus(job.Id, from, to))
        {
            throw new OozieException(code,
                $"Job [{job.Id}] is {job.Status}; it can be set to {to} only from {string.Join(" or ", from)}.");
        }

        Store.AppendLog(job.Id, $"Job {job.Id} set to {to} over the web services API");
    }

    private Task<IResult> List(HttpContext context)
    {
        var query = context.Request.Query;
        var jobType = query["jobtype"].ToString();
        var offset = Number(query["offset"], "offset", 1);
        var len = Number(query["len"], "len", 50);
        var key = jobType switch
        {
            "" or "wf" => "workflows",
            "coord" or "coordinator" => "coordinatorjobs",
            "bundle" => "bundlejobs",
            _ => throw new OozieException("E0302", $"Invalid parameter [jobtype={jobType}]; use wf, coordinator or "
                + "bundle."),
        };
        var filter = Filter.Parse(query["filter"]);
        var zone = OozieJson.Zone(query["timezone"]);
        int total;
        List<JsonNode> page;
        if (key == "workflows")
        {
            var matching = Store.ListJobs(int.MaxValue, filter.Statuses, filter.Names)
                .Where(j => filter.Matches(j.Id, j.AppName, j.User, j.Status.ToString())).ToList();
            total = matching.Count;
            page = matching.Skip(offset - 1).Take(len)
                .Select(j => (JsonNode)OozieJson.Job(j, null, zone, ConsoleBase(context))).ToList();
        }
        else
        {
            if (filter.Statuses.FirstOrDefault(s => !CoordinatorStatuses.Contains(s)) is { } bad)
            {
                throw new OozieException("E0420", $"Invalid jobs filter [{query["filter"]}], invalid status value "
                    + $"[{bad}]; {jobType} statuses are {string.Join(", ", CoordinatorStatuses)}.");
            }

            (page, total) = key == "coordinatorjobs"
                ? ListCoordinators(filter, zone, ConsoleBase(context), offset, len)
                : ListBundles(filter, zone, ConsoleBase(context), offset, len);
        }

        return Json(new JsonObject
        {
            ["offset"] = offset,
            ["len"] = len,
            ["total"] = total,
            [key] = new JsonArray([.. page]),
        });
    }

    // The v2 SLA summary: times are epoch milliseconds unless a timezone is given, as in Oozie.
    private Task<IResult> Sla(HttpContext context, string version)
    {
        if (version != "v2")
        {
            throw new OozieException("E0301", "Invalid resource [sla]; SLA summaries are served under /oozie/v2/sla.");
        }

        var query = context.Request.Query;
        var zoneText = query["timezone"].ToString();
        var zone = zoneText.Length == 0 ? null : OozieJson.Zone(zoneText);
        var len = Number(query["len"], "len", 1000);
        var now = options.Time.GetUtcNow();
        JsonNode? Time(DateTimeOffset? time) => time is not { } t
            ? null
            : zone is null ? JsonValue.Create(t.ToUnixTimeMilliseconds()) : JsonValue.Create(OozieJson.Date(t, zone));
        var list = SlaQuery.Parse(query["filter"]).Find(Store, now).Take(len).Select(s =>
        {
            var json = new JsonObject
            {
                ["id"] = s.Id,
                ["appName"] = s.AppName,
                ["appType"] = s.AppType,
                ["user"] = s.User,
                ["nominalTime"] = Time(s.NominalTime),
                ["expectedStart"] = Time(s.ExpectedStart),
                ["actualStart"] = Time(s.ActualStart),
                ["expectedEnd"] = Time(s.ExpectedEnd),
                ["actualEnd"] = Time(s.ActualEnd),
                ["expectedDuration"] = s.ExpectedDuration,
                ["actualDuration"] = s.ActualDuration,
                ["jobStatus"] = s.JobStatus,
                ["slaStatus"] = s.SlaStatus,
                ["eventStatus"] = s.EventStatus.Count == 0 ? null : string.Join(",", s.EventStatus),
                ["lastModified"] = Time(now),
            };
            if (s.ParentId is { } parent)
            {
                json["parentId"] = parent;
            }

            if (s.StartDelay is { } startDelay)
            {
                json["startDelay"] = startDelay;
            }

            if (s.EndDelay is { } endDelay)
            {
                json["endDelay"] = endDelay;
            }

            if (s.DurationDelay is { } durationDelay)
            {
                json["durationDelay"] = durationDelay;
            }

            return (JsonNode)json;
        });
        return Json(new JsonObject { ["slaSummaryList"] = new JsonArray([.. list]) });
    }

    private static int Number(string? text, string name, int fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new OozieException("E0302", $"Invalid parameter [{name}={text}]; pass a number from 1.");
    }

    /// <summary>A jobs filter: different keys are ANDed, repeats of one key are ORed.</summary>
    private sealed record Filter(List<string> Statuses, List<string> Names, List<string> Users, List<string> Ids)
    {
        public static Filter Parse(string? text)
        {
            var filter = new Filter([], [], [], []);
            foreach (var pair in (text ?? string.Empty).Split(';',
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new OozieException("E0420", $"Invalid jobs filter [{text}], elements must be name=value.");
                }

                var (k, v) = (pair[..eq], pair[(eq + 1)..]);
                (k switch
                {
                    "status" => filter.Statuses,
                    "name" => filter.Names,
                    "user" => filter.Users,
                    "id" => filter.Ids,
                    _ => throw new OozieException("E0420", $"Invalid jobs filter [{text}], invalid name [{k}]; "
                        + "use status, name, user or id."),
                }).Add(k == "status" ? v.ToUpperInvariant() : v);
            }

            return filter;
        }

        public bool Matches(string id, string name, string user, string status) =>
            (Statuses.Count == 0 || Statuses.Contains(status)) && (Names.Count == 0 || Names.Contains(name))
            && (Users.Count == 0 || Users.Contains(user)) && (Ids.Count == 0 || Ids.Contains(id));
    }
}
