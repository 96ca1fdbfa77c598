using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Properties;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Server;

/// <summary>The job and jobs resources for coordinator (-C) and bundle (-B) jobs.</summary>
internal sealed partial class OozieApi
{
    // Oozie's oozie.coord.actions.default.length: how many actions show=info returns without len.
    private const int DefaultActionPage = 1000;

    private static readonly string[] CoordinatorStatuses =
    [
        "PREP", "RUNNING", "RUNNINGWITHERROR", "PREPSUSPENDED", "SUSPENDED", "SUSPENDEDWITHERROR", "PREPPAUSED",
        "PAUSED", "PAUSEDWITHERROR", "SUCCEEDED", "DONEWITHERROR", "KILLED", "FAILED", "IGNORED",
    ];

    private static bool IsCoordinator(string id) =>
        id.EndsWith("-C", StringComparison.Ordinal) || id.Contains("-C@", StringComparison.Ordinal);

    private static bool IsBundle(string id) => id.EndsWith("-B", StringComparison.Ordinal);

    // Submits when the configuration names a coordinator or bundle application; null when it names neither.
    private async Task<string?> SubmitCoordinatorOrBundleAsync(IReadOnlyDictionary<string, string> conf,
        string user, bool start, CancellationToken cancellationToken)
    {
        var sys = PropertyResolver.SystemProperties(user);
        if (conf.GetValueOrDefault(CoordinatorLoader.AppPathProperty) is { } coordPath)
        {
            // Oozie ignores action=start for coordinators: one runs from PREP once the scheduler reaches it.
            CheckCoordinatorPath(PropertyResolver.Expand(coordPath.Trim(), conf, sys));
            var prepared = await CoordinatorLoader.PrepareAsync(conf, new Dictionary<string, string>(), user,
                "request", FileSystems.Default, options.Time, cancellationToken);
            CheckCoordinatorPath(prepared.File.ToString());
            return Scheduler.Coordinators.Submit(prepared);
        }

        if (conf.GetValueOrDefault(BundleLoader.AppPathProperty) is { } bundlePath)
        {
            CheckBundlePath(PropertyResolver.Expand(bundlePath.Trim(), conf, sys), conf, user);
            var id = await Scheduler.Bundles.SubmitAsync(conf, new Dictionary<string, string>(), user, "request",
                cancellationToken);
            if (start)
            {
                // As Oozie's bundle engine does: -run starts the bundle now rather than at its kick-off time.
                await Scheduler.Bundles.StartAsync(id, cancellationToken);
            }

            return id;
        }

        return null;
    }

    private CoordJobRecord GetCoordinator(string id) => Scheduler.Store.GetJob(id)
        ?? throw new OozieException("E0604", $"Job [{id}] does not exist.");

    private BundleJobRecord GetBundle(string id) => Scheduler.Bundles.Jobs(id) is [var b]
        ? b
        : throw new OozieException("E0604", $"Job [{id}] does not exist.");

    private async Task<IResult> ShowCoordinatorAsync(HttpContext context, string id)
    {
        var query = context.Request.Query;
        var show = query["show"].ToString();
        var at = id.IndexOf('@', StringComparison.Ordinal);
        var job = GetCoordinator(at < 0 ? id : id[..at]);
        var zone = OozieJson.Zone(query["timezone"]);
        if (at >= 0)
        {
            // A coordinator action id, <coordId>@<n>, shows that one action.
            var action = Scheduler.Store.Actions(job.Id).FirstOrDefault(a => a.Id == id)
                ?? throw new OozieException("E0605", $"Action [{id}] does not exist.");
            return show is "" or "info"
                ? await Json(CoordinatorAction(job, action, zone, ConsoleBase(context)))
                : throw new OozieException("E0302", $"Invalid parameter [show={show}]; a coordinator action "
                    + "shows info only.");
        }

        switch (show is "" ? "info" : show)
        {
            case "info":
                var all = Scheduler.Store.Actions(job.Id);
                var statuses = ActionFilter(query["filter"]);
                IEnumerable<CoordActionRecord> actions = all.Where(a => statuses.Count == 0
                    || statuses.Contains(a.Status.ToString()));
                if (string.Equals(query["order"], "desc", StringComparison.OrdinalIgnoreCase))
                {
                    actions = actions.Reverse();
                }

                var page = actions.Skip(Number(query["offset"], "offset", 1) - 1)
                    .Take(Number(query["len"], "len", DefaultActionPage))
                    .Select(a => (JsonNode)CoordinatorAction(job, a, zone, ConsoleBase(context))).ToList();
                return await Json(CoordinatorJson(job, page, all.Count, zone, ConsoleBase(context)));
            case "status":
                return await Json(new JsonObject { ["status"] = job.Status });
            case "definition":
                return Results.Text(job.Definition, "application/xml;charset=UTF-8", Encoding.UTF8);
            case "log":
                var text = new StringBuilder();
                AppendLog(text, job.Id);
                foreach (var a in Scheduler.Store.Actions(job.Id).Where(a => a.WorkflowId is not null))
                {
                    if (Store.GetJob(a.WorkflowId!) is { } wf)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"--- {a.Id} ({wf.Id}) ---\n").Append(Log(wf));
                    }
                }

                return Results.Text(text.ToString(), "text/plain;charset=UTF-8", Encoding.UTF8);
            default:
                throw new OozieException("E0302", $"Invalid parameter [show={show}]; a coordinator shows info, "
                    + "definition, log or status.");
        }
    }

    private async Task<IResult> ShowBundleAsync(HttpContext context, string id)
    {
        var bundle = GetBundle(id);
        var query = context.Request.Query;
        var show = query["show"].ToString();
        switch (show is "" ? "info" : show)
        {
            case "info":
                var zone = OozieJson.Zone(query["timezone"]);
                var coordinators = BundleCoordinators(bundle.Id)
                    .Skip(Number(query["offset"], "offset", 1) - 1)
                    .Take(Number(query["len"], "len", DefaultActionPage))
                    .Select(c => (JsonNode)CoordinatorJson(c.Job, null, null, zone, ConsoleBase(context), c.Name))
                    .ToList();
                return await Json(OozieJson.Bundle(bundle, coordinators, zone, ConsoleBase(context)));
            case "status":
                return await Json(new JsonObject { ["status"] = bundle.Status });
            case "definition":
                return Results.Text(Scheduler.Bundles.Definition(bundle.Id) ?? string.Empty,
                    "application/xml;charset=UTF-8", Encoding.UTF8);
            case "log":
                var text = new StringBuilder();
                AppendLog(text, bundle.Id);
                foreach (var (name, job) in BundleCoordinators(bundle.Id))
                {
                    text.Append(CultureInfo.InvariantCulture, $"--- {name} ({job.Id}) ---\n");
                    AppendLog(text, job.Id);
                }

                return Results.Text(text.ToString(), "text/plain;charset=UTF-8", Encoding.UTF8);
            default:
                throw new OozieException("E0302", $"Invalid parameter [show={show}]; a bundle shows info, "
                    + "definition, log or status.");
        }
    }

    // The coordinators a bundle has started, under the names bundle.xml gives them (Oozie shows those).
    private IEnumerable<(string Name, CoordJobRecord Job)> BundleCoordinators(string bundleId) =>
        Scheduler.Bundles.Coordinators(bundleId)
            .Select(c => (c.Name, Job: c.CoordinatorId is { } cid ? Scheduler.Store.GetJob(cid) : null))
            .Where(c => c.Job is not null)
            .Select(c => (c.Name, c.Job!));

    private void AppendLog(StringBuilder text, string id)
    {
        foreach (var line in Store.GetLog(id))
        {
            text.Append(line).Append('\n');
        }
    }

    private JsonObject CoordinatorJson(CoordJobRecord job, IReadOnlyList<JsonNode>? actions, int? total,
        TimeZoneInfo zone, string consoleBase, string? name = null)
    {
        var d = Scheduler.Coordinators.Definition(job);
        var next = job.Materialized ? null
            : new Materializer(d, options.Time).NextNominalTime(job.LastActionNumber, job.LastNominal);
        return OozieJson.Coordinator(job, d, next, actions, total, zone, consoleBase, name);
    }

    private JsonObject CoordinatorAction(CoordJobRecord job, CoordActionRecord a, TimeZoneInfo zone,
        string consoleBase) =>
        OozieJson.CoordinatorAction(a, OozieJson.ConfigurationXml(job.Configuration),
            a.WorkflowId is { } wf ? Store.GetJob(wf) : null, zone, consoleBase);

    // show=info's filter for coordinator actions: status=A;status=B.
    private static HashSet<string> ActionFilter(string? text)
    {
        var statuses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? string.Empty).Split(';',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var value = eq > 0 ? pair[(eq + 1)..].Trim().ToUpperInvariant() : string.Empty;
            if (eq <= 0 || pair[..eq].Trim() != "status" || !Enum.TryParse<CoordActionStatus>(value, out _))
            {
                throw new OozieException("E0421", $"Invalid action filter [{text}]; write status=<status>, such as "
                    + "status=FAILED;status=KILLED, with statuses "
                    + string.Join(", ", Enum.GetNames<CoordActionStatus>()) + ".");
            }

            statuses.Add(value);
        }

        return statuses;
    }

    private async Task<IResult> ManageCoordinatorAsync(HttpContext context, string id)
    {
        var job = GetCoordinator(id);
        var query = context.Request.Query;
        var action = query["action"].ToString();
        switch (action)
        {
            case "start":
                throw new OozieException("E0303", $"Invalid parameter value, [action] = [start]: coordinator {id} "
                    + "starts by itself once it is submitted.");
            case "kill" or "suspend" or "resume":
                Scheduler.Operations.Control(job.Id, action);
                break;
            case "change":
                Scheduler.Operations.Change(job.Id, ChangeValue(query["value"]));
                break;
            case "ignore":
                Scheduler.Operations.Ignore(job.Id, query["scope"].ToString() is { Length: > 0 } ignored
                    ? ignored : null);
                break;
            case "coord-rerun":
                var type = query["type"].ToString();
                var scope = query["scope"].ToString();
                if (type is not ("action" or "date") || scope.Length == 0)
                {
                    throw new OozieException("E0302", $"Invalid parameter [type={type}, scope={scope}]; a coordinator "
                        + "rerun takes type=action with scope=1-3,5 or type=date with scope=<from>::<to>.");
                }

                var numbers = await Scheduler.Operations.RerunAsync(job.Id, new CoordinatorRerun(
                    type == "action" ? scope : null, type == "date" ? scope : null, Flag(query["refresh"]),
                    Flag(query["nocleanup"]), Flag(query["failed"])), context.RequestAborted);

                // Oozie answers a coordinator rerun with the actions it reran.
                var zone = OozieJson.Zone(query["timezone"]);
                var rerun = Scheduler.Store.Actions(job.Id).Where(a => numbers.Contains(a.Number))
                    .Select(a => (JsonNode)CoordinatorAction(job, a, zone, ConsoleBase(context)));
                return await Json(new JsonObject { ["actions"] = new JsonArray([.. rerun]) });
            default:
                throw new OozieException("E0302", $"Invalid parameter [action={action}]; a coordinator takes kill, "
                    + "suspend, resume, change, ignore or coord-rerun.");
        }

        Store.AppendLog(job.Id, $"Coordinator {job.Id}: {action} over the web services API");
        return Results.Ok();
    }

    private async Task<IResult> ManageBundleAsync(HttpContext context, string id)
    {
        var bundle = GetBundle(id);
        var query = context.Request.Query;
        var action = query["action"].ToString();
        switch (action)
        {
            case "start":
                await Scheduler.Bundles.StartAsync(bundle.Id, context.RequestAborted);
                break;
            case "kill" or "suspend" or "resume":
                Scheduler.Bundles.Control(bundle.Id, action);
                break;
            case "change":
                Scheduler.Bundles.Change(bundle.Id, ChangeValue(query["value"]));
                break;
            case "bundle-rerun":
                var coordinators = query["coord-scope"].ToString() is { Length: > 0 } c ? c : null;
                var dates = query["date-scope"].ToString() is { Length: > 0 } d ? d : null;
                if (coordinators is null && dates is null)
                {
                    throw new OozieException("E1018", $"A rerun of bundle {bundle.Id} needs coord-scope=<names or "
                        + "ids> or date-scope=<from>::<to> (or both).");
                }

                await Scheduler.Bundles.RerunAsync(bundle.Id, new BundleRerun(coordinators, dates,
                    Flag(query["refresh"]), Flag(query["nocleanup"])), context.RequestAborted);
                break;
            default:
                throw new OozieException("E0302", $"Invalid parameter [action={action}]; a bundle takes start, kill, "
                    + "suspend, resume, change or bundle-rerun.");
        }

        Store.AppendLog(bundle.Id, $"Bundle {bundle.Id}: {action} over the web services API");
        return Results.Ok();
    }

    private static string ChangeValue(string? value) => string.IsNullOrWhiteSpace(value)
        ? throw new OozieException("E0302", "Invalid parameter [value]; action=change needs "
            + "value=endtime=<t>;concurrency=<n>;pausetime=<t>.")
        : value;

    private static bool Flag(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private (List<JsonNode> Page, int Total) ListCoordinators(Filter filter, TimeZoneInfo zone,
        string consoleBase, int offset, int len)
    {
        var matching = Scheduler.Store.ListJobs()
            .Where(j => filter.Matches(j.Id, j.Name, j.User, j.Status))
            .OrderByDescending(j => j.Created).ThenByDescending(j => j.Id, StringComparer.Ordinal)
            .ToList();
        return (matching.Skip(offset - 1).Take(len)
            .Select(j => (JsonNode)CoordinatorJson(j, null, null, zone, consoleBase)).ToList(), matching.Count);
    }

    private (List<JsonNode> Page, int Total) ListBundles(Filter filter, TimeZoneInfo zone, string consoleBase,
        int offset, int len)
    {
        var matching = Scheduler.Bundles.Jobs()
            .Where(b => filter.Matches(b.Id, b.Name, b.User, b.Status))
            .OrderByDescending(b => b.Created).ThenByDescending(b => b.Id, StringComparer.Ordinal)
            .ToList();
        return (matching.Skip(offset - 1).Take(len)
            .Select(b => (JsonNode)OozieJson.Bundle(b, [], zone, consoleBase)).ToList(), matching.Count);
    }
}
