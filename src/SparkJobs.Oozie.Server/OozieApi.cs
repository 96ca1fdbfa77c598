using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Properties;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Server;

/// <summary>The Oozie Web Services resources: versions, admin, jobs and job.</summary>
internal sealed partial class OozieApi(JobRunner runner, OozieServerOptions options)
{
    public const string BuildVersion = "5.2.1-oozie-lite-0.1.0";
    private const string ErrorCodeHeader = "oozie-error-code";
    private const string ErrorMessageHeader = "oozie-error-message";
    private CoordinatorScheduler? _scheduler;

    private JobStore Store => runner.Store;

    /// <summary>Gets the coordinator and bundle services, whose scheduler the server starts.</summary>
    internal CoordinatorScheduler Scheduler => _scheduler ??= new CoordinatorScheduler(
        runner.Store, options.Time, options.Progress, CheckWorkflowPath, CheckCoordinatorPath);

    public void Map(WebApplication app)
    {
        app.MapGet("/oozie/versions", () => Results.Text("[0,1,2]", "application/json"));
        app.MapGet("/oozie/{version}/admin/{resource}", (HttpContext c, string version, string resource) =>
            Handle(c, version, () => Admin(resource)));
        app.MapPost("/oozie/{version}/jobs", (HttpContext c, string version) => Handle(c, version, () => Submit(c)));
        app.MapGet("/oozie/{version}/jobs", (HttpContext c, string version) => Handle(c, version, () => List(c)));
        app.MapGet("/oozie/{version}/sla", (HttpContext c, string version) => Handle(c, version, () => Sla(c, version)));
        app.MapGet("/oozie/{version}/job/{id}", (HttpContext c, string version, string id) =>
            Handle(c, version, () => Show(c, id)));
        app.MapPut("/oozie/{version}/job/{id}", (HttpContext c, string version, string id) =>
            Handle(c, version, () => Manage(c, id)));
        app.MapFallback((HttpContext c) => WriteErrorAsync(c, StatusCodes.Status404NotFound, "E0301",
            $"Invalid resource [{c.Request.Path}]; the API lives under /oozie/v1 and /oozie/v2."));
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers[ErrorCodeHeader] = code;
        // Header values must be single-line ASCII; the body carries the full text.
        context.Response.Headers[ErrorMessageHeader] = HeaderSafe($"{code}: {message}");
        context.Response.ContentType = "text/html;charset=utf-8";
        await context.Response.WriteAsync(
            $"<html><body><h1>HTTP {status}</h1><p>{WebUtility.HtmlEncode($"{code}: {message}")}</p></body></html>");
    }

    private static string HeaderSafe(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            builder.Append(ch is >= ' ' and <= '~' ? ch : ' ');
        }

        return builder.ToString();
    }

    private static async Task Handle(HttpContext context, string version, Func<Task<IResult>> handler)
    {
        if (version is not ("v1" or "v2"))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "E0301",
                $"Invalid resource [{version}]; this server speaks v1 and v2.");
            return;
        }

        try
        {
            await (await handler()).ExecuteAsync(context);
        }
        catch (WorkflowValidationException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.ErrorCode,
                string.Join("; ", e.Errors.Select(x => x.ToString())));
        }
        catch (OozieException e)
        {
            var status = e.ErrorCode == "E0604" ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            await WriteErrorAsync(context, status, e.ErrorCode, e.Message);
        }
        catch (StorageException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "E0505", e.Message);
        }
    }

    private static Task<IResult> Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Task.FromResult(Results.Text(node.ToJsonString(), "application/json;charset=UTF-8", Encoding.UTF8, status));

    private static Task<IResult> Admin(string resource) => resource switch
    {
        "status" => Json(new JsonObject { ["systemMode"] = "NORMAL" }),
        "build-version" => Json(new JsonObject { ["buildVersion"] = BuildVersion }),
        "available-timezones" => Json(new JsonObject
        {
            ["available-timezones"] = new JsonArray(TimeZoneInfo.GetSystemTimeZones()
                .Select(z => (JsonNode)new JsonObject
                {
                    ["timezoneId"] = z.Id,
                    ["timezoneDisplayName"] = z.DisplayName,
                })
                .ToArray()),
        }),
        _ => throw new OozieException("E0301", $"Invalid resource [admin/{resource}]; use status or build-version."),
    };

    private static async Task<IReadOnlyDictionary<string, string>> ReadConfigurationAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (text.Trim().Length == 0)
        {
            throw new OozieException("E0302", "Invalid parameter [configuration]; the body must be a Hadoop "
                + "<configuration> XML document.");
        }

        try
        {
            return HadoopConfiguration.Parse(text, "request body");
        }
        catch (WorkflowValidationException e)
        {
            throw new OozieException("E0302", "Invalid parameter [configuration]: "
                + string.Join("; ", e.Errors.Select(x => x.Message)));
        }
    }

    private async Task<IResult> Submit(HttpContext context)
    {
        var conf = await ReadConfigurationAsync(context);
        var user = conf.GetValueOrDefault("user.name") ?? "oozie";
        var start = context.Request.Query["action"] == "start";
        if (!conf.ContainsKey(WorkflowLoader.AppPathProperty))
        {
            var submitted = await SubmitCoordinatorOrBundleAsync(conf, user, start, context.RequestAborted)
                ?? throw new OozieException("E0401", $"Missing configuration property "
                    + $"[{WorkflowLoader.AppPathProperty}], [{CoordinatorLoader.AppPathProperty}] or "
                    + $"[{BundleLoader.AppPathProperty}].");
            return await Json(new JsonObject { ["id"] = submitted }, StatusCodes.Status201Created);
        }

        var prepared = await PrepareAsync(conf, user, context.RequestAborted);
        var id = runner.Engine.Submit(prepared, start);
        if (start)
        {
            runner.Start(id);
        }

        return await Json(new JsonObject { ["id"] = id }, StatusCodes.Status201Created);
    }

    private async Task<PreparedWorkflow> PrepareAsync(
        IReadOnlyDictionary<string, string> conf, string user, CancellationToken cancellationToken)
    {
        // Expand and check the path before touching it, so a path outside the roots reveals nothing about it;
        // the files the loader reads are checked too, since any of them may be a link that leads out.
        var raw = conf[WorkflowLoader.AppPathProperty];
        var expanded = PropertyResolver.Expand(raw.Trim(), conf, PropertyResolver.SystemProperties(user));
        CheckAppPath(expanded);
        CheckApplicationFiles(expanded);
        var prepared = await WorkflowLoader.PrepareAsync(
            conf, new Dictionary<string, string>(), user, "request", FileSystems.Default, cancellationToken);
        CheckAppPath(prepared.AppDirectory.ToString());
        return prepared;
    }

    /// <summary>
    /// Rejects an application path outside every configured root, after normalising it and, for local paths,
    /// resolving every symbolic link on the way (in the roots too).
    /// </summary>
    internal void CheckAppPath(string text, string property = WorkflowLoader.AppPathProperty)
    {
        var path = ParseAppPath(text, property);
        if (!path.IsLocal)
        {
            if (!options.AppRoots.Any(r => r.Contains("://", StringComparison.Ordinal)
                && path.IsUnder(StoragePath.Parse(r))))
            {
                throw OutsideRoots(text, property, "the application is outside this server's application roots");
            }

            return;
        }

        if (!IsUnderRoot(Physical(text, property, path.LocalPath)))
        {
            var named = Path.GetFullPath(path.LocalPath);
            throw OutsideRoots(text, property,
                LocalRoots().Any(root => PhysicalPath.IsUnder(named, Path.GetFullPath(root)))
                    ? "the application lies under a symbolic link that leads outside this server's application roots"
                    : "the application is outside this server's application roots");
        }
    }

    /// <summary>
    /// Rejects an application whose workflow.xml, config-default.xml or anything under lib/ is a symbolic link
    /// that leads outside every configured root; remote applications are left to their file system.
    /// </summary>
    internal void CheckApplicationFiles(string text) =>
        CheckApplicationFiles(text, WorkflowLoader.AppPathProperty, ["workflow.xml", "config-default.xml"], "lib");

    // Checks the named files of a local application directory, and with a lib folder everything below it.
    private void CheckApplicationFiles(string text, string property, string[] files, string? lib = null)
    {
        var path = ParseAppPath(text, property);
        if (!path.IsLocal)
        {
            return;
        }

        var app = Path.GetFullPath(path.LocalPath);
        var dir = Directory.Exists(app) ? app : Path.GetDirectoryName(app)!;
        foreach (var file in files)
        {
            CheckEntry(text, property, dir, Path.Join(dir, file));
        }

        if (lib is not null)
        {
            CheckTree(text, property, dir, Path.Join(dir, lib), new HashSet<string>(StringComparer.Ordinal));
        }
    }

    // The whole check for a workflow the server is about to run, also one a coordinator action starts.
    private void CheckWorkflowPath(string path)
    {
        CheckAppPath(path);
        CheckApplicationFiles(path);
    }

    /// <summary>
    /// Rejects a coordinator application outside the roots: its path, its coordinator.xml and
    /// coord-config-default.xml, and the dataset files it includes.
    /// </summary>
    internal void CheckCoordinatorPath(string text)
    {
        const string property = CoordinatorLoader.AppPathProperty;
        CheckAppPath(text, property);
        CheckApplicationFiles(text, property, ["coordinator.xml", "coord-config-default.xml"]);
        var path = ParseAppPath(text, property);
        if (!path.IsLocal)
        {
            return;
        }

        var app = Path.GetFullPath(path.LocalPath);
        var (file, dir) = Directory.Exists(app)
            ? (Path.Join(app, "coordinator.xml"), app)
            : (app, Path.GetDirectoryName(app)!);
        if (!File.Exists(file))
        {
            return;
        }

        var parsed = CoordinatorParser.Parse(File.ReadAllText(file), file, []);
        foreach (var include in parsed?.Includes ?? [])
        {
            CheckAppPath(include.Contains("://", StringComparison.Ordinal) || include.StartsWith('/')
                ? include : Path.Join(dir, include), property);
        }
    }

    // A bundle's path and bundle.xml, and the application of every coordinator it names, expanded with the
    // submitted configuration as kick-off will expand it.
    private void CheckBundlePath(string text, IReadOnlyDictionary<string, string> conf, string user)
    {
        const string property = BundleLoader.AppPathProperty;
        CheckAppPath(text, property);
        CheckApplicationFiles(text, property, ["bundle.xml"]);
        var path = ParseAppPath(text, property);
        var app = path.IsLocal ? Path.GetFullPath(path.LocalPath) : null;
        var file = app is null ? null : Directory.Exists(app) ? Path.Join(app, "bundle.xml") : app;
        if (file is null || !File.Exists(file))
        {
            return;
        }

        var parsed = BundleParser.Parse(File.ReadAllText(file), file, []);
        var values = new Dictionary<string, string>(conf, StringComparer.Ordinal);
        foreach (var p in parsed?.Parameters ?? [])
        {
            if (p.DefaultValue is { } value)
            {
                values.TryAdd(p.Name, value);
            }
        }

        var sys = PropertyResolver.SystemProperties(user);
        foreach (var coordinator in parsed?.Coordinators ?? [])
        {
            CheckCoordinatorPath(PropertyResolver.Expand(coordinator.AppPath, values, sys));
        }
    }

    private static StoragePath ParseAppPath(string text, string property)
    {
        try
        {
            return StoragePath.Parse(text);
        }
        catch (StorageException e)
        {
            throw new OozieException("E0302", $"Invalid parameter [{property}={text}]: " + e.Message);
        }
    }

    private static string Physical(string text, string property, string local)
    {
        try
        {
            return PhysicalPath.Resolve(local);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OozieException("E0302", $"Invalid parameter [{property}={text}]: "
                + $"its path cannot be resolved ({e.Message}).");
        }
    }

    private OozieException OutsideRoots(string text, string property, string reason) => new("E0302",
        $"Invalid parameter [{property}={text}]: {reason} ("
        + string.Join(", ", options.AppRoots) + "); deploy it under one of them.");

    private IEnumerable<string> LocalRoots() =>
        options.AppRoots.Where(r => !r.Contains("://", StringComparison.Ordinal));

    private bool IsUnderRoot(string physical) =>
        LocalRoots().Any(root => PhysicalPath.IsUnder(physical, PhysicalRoot(root)));

    // A root that cannot be resolved (a looping link) holds nothing that resolves; its written form is kept.
    private static string PhysicalRoot(string root)
    {
        try
        {
            return PhysicalPath.Resolve(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.GetFullPath(root);
        }
    }

    // Walks lib/ through the physical paths, so a linked directory inside the roots is checked once, loops end.
    private void CheckTree(string text, string property, string appDirectory, string entry, HashSet<string> seen)
    {
        var physical = CheckEntry(text, property, appDirectory, entry);
        if (Directory.Exists(physical) && seen.Add(physical))
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(physical).Order(StringComparer.Ordinal))
            {
                CheckTree(text, property, appDirectory, Path.Join(entry, Path.GetFileName(child)), seen);
            }
        }
    }

    private string CheckEntry(string text, string property, string appDirectory, string entry)
    {
        var physical = Physical(text, property, entry);
        if (!IsUnderRoot(physical))
        {
            throw OutsideRoots(text, property, $"'{Path.GetRelativePath(appDirectory, entry)}' in the application is a "
                + "symbolic link that leads outside this server's application roots; copy the file into the "
                + "application instead of linking to it");
        }

        return physical;
    }

    private WorkflowJobRecord GetJob(string id) =>
        Store.GetJob(id) ?? throw new OozieException("E0604", $"Job [{id}] does not exist.");
}
