using System.Globalization;
using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Properties;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>A coordinator ready to submit: parsed, validated, resolved and with its definition text.</summary>
internal sealed record PreparedCoordinator(CoordinatorDefinition Definition, StoragePath File, string Text);

/// <summary>Loads coordinator applications: parsing, cross-checks and submission-time resolution.</summary>
internal static class CoordinatorLoader
{
    public const string AppPathProperty = "oozie.coord.application.path";

    /// <summary>The shortest frequency Oozie allows (oozie.service.coord.check.maximum.frequency).</summary>
    public const int MinimumFrequencyMinutes = 5;

    /// <summary>Parses and validates text; values holding unknown variables are checked only for form.</summary>
    public static (CoordinatorApp? App, List<WorkflowError> Errors) Check(string text, string file, TimeProvider time)
    {
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(text, file, errors);
        if (app is not null && errors.Count == 0)
        {
            Resolve(app, new Dictionary<string, string>(), "validate", time, errors, lenient: true);
        }

        return (app, errors);
    }

    /// <summary>Resolves a parsed app against its configuration; null when there are errors.</summary>
    public static CoordinatorDefinition? Resolve(CoordinatorApp app, IReadOnlyDictionary<string, string> conf,
        string user, TimeProvider time, List<WorkflowError> errors, bool lenient = false)
    {
        var before = errors.Count;
        var el = new CoordElContext(CoordElPhase.Submission, conf, time) { Name = app.Name, User = user };
        string? Eval(string text, SourceLocation at, string what)
        {
            try
            {
                return ElEvaluator.EvaluateText(text, el).Trim();
            }
            catch (ElException e) when (lenient && e.Message.StartsWith("variable [", StringComparison.Ordinal))
            {
                return null;
            }
            catch (ElException e)
            {
                errors.Add(new WorkflowError("E1004", at, what,
                    $"{what} [{text}] could not be evaluated: {e.Message}; define the property in job.properties " +
                    "or fix the expression."));
                return null;
            }
        }

        void Bad(SourceLocation at, string what, string message) =>
            errors.Add(new WorkflowError("E1003", at, what, message));

        Frequency? ParseFrequency(string text, SourceLocation at, string what, bool allowCron)
        {
            var value = Eval(text, at, what);
            if (value is null)
            {
                return null;
            }

            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                var f = new Frequency((int)n, el.LastUnit ?? FrequencyUnit.Minute);
                el.LastUnit = null;
                if (f.ApproximateMinutes < MinimumFrequencyMinutes)
                {
                    Bad(at, what, $"{what} [{text}] is {f.ApproximateMinutes} minute(s), faster than the allowed " +
                        $"maximum of one action every {MinimumFrequencyMinutes} minutes; use ${{coord:minutes(5)}} " +
                        "or more.");
                    return null;
                }

                return f;
            }

            if (allowCron && value.Contains(' ', StringComparison.Ordinal))
            {
                var cron = CronSchedule.Parse(value, out var reason);
                if (cron is null)
                {
                    Bad(at, what, $"{what} [{value}] is not a valid cron expression: {reason}; write " +
                        "'minute hour day-of-month month day-of-week', for example '0 6 * * *'.");
                    return null;
                }

                if (cron.ApproximateMinutes < MinimumFrequencyMinutes)
                {
                    Bad(at, what, $"{what} [{value}] fires every {cron.ApproximateMinutes} minute(s), faster " +
                        $"than the allowed maximum of one action every {MinimumFrequencyMinutes} minutes.");
                    return null;
                }

                return new Frequency(0, FrequencyUnit.Cron, cron);
            }

            Bad(at, what, $"{what} [{value}] is not a frequency; use minutes, ${{coord:days(1)}}-style EL" +
                (allowCron ? " or a 5-field cron expression." : "."));
            return null;
        }

        DateTimeOffset? ParseTime(string text, SourceLocation at, string what)
        {
            var value = Eval(text, at, what);
            if (value is null)
            {
                return null;
            }

            if (OozieTime.TryParse(value, out var t))
            {
                return t;
            }

            Bad(at, what, $"{what} [{value}] is not an Oozie datetime; write yyyy-MM-ddTHH:mmZ in UTC, for " +
                "example 2009-01-01T08:00Z, or with an offset such as 2009-01-01T16:00+0800.");
            return null;
        }

        TimeZoneInfo? ParseZone(string text, SourceLocation at, string what)
        {
            var value = Eval(text, at, what);
            if (value is null)
            {
                return null;
            }

            var zone = OozieTime.FindZone(value);
            if (zone is null)
            {
                Bad(at, what, $"{what} [{value}] is not a time zone; use UTC, GMT+hh:mm or an IANA id such as " +
                    "America/Los_Angeles.");
            }

            return zone;
        }

        var loc = app.AttributeLocations;
        var frequency = ParseFrequency(app.Frequency, loc["frequency"], "frequency", allowCron: true);
        var start = ParseTime(app.Start, loc["start"], "start");
        var end = ParseTime(app.End, loc["end"], "end");
        var zone = ParseZone(app.TimeZone, loc["timezone"], "timezone");
        var alignedStart = start;
        if (frequency is not null && start is not null && zone is not null)
        {
            alignedStart = frequency.AlignStart(start.Value, zone);
        }

        if (alignedStart is not null && end is not null && alignedStart >= end)
        {
            Bad(loc["end"], "end", $"The window from start {app.Start} to end {app.End} (exclusive) produces no " +
                "action; move end after the first nominal time " +
                $"{OozieTime.Format(alignedStart.Value)}.");
        }

        var datasets = new Dictionary<string, ResolvedDataset>(StringComparer.Ordinal);
        foreach (var ds in app.Datasets)
        {
            if (datasets.ContainsKey(ds.Name))
            {
                Bad(ds.Location, "dataset", $"Dataset '{ds.Name}' is defined twice; rename or remove one.");
                continue;
            }

            var f = ParseFrequency(ds.Frequency, ds.Location, $"dataset '{ds.Name}' frequency", allowCron: false);
            var ii = ParseTime(ds.InitialInstance, ds.Location, $"dataset '{ds.Name}' initial-instance");
            var tz = ParseZone(ds.TimeZone, ds.Location, $"dataset '{ds.Name}' timezone");
            if (f is not null && ii is not null && tz is not null)
            {
                datasets[ds.Name] = new ResolvedDataset(ds.Name, f, f.AlignStart(ii.Value, tz), tz, ds.UriTemplate,
                    ds.DoneFlag);
            }
        }

        var known = app.Datasets.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var eventNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, dataset, at) in app.Inputs.Select(i => (i.Name, i.Dataset, i.Location))
            .Concat(app.Outputs.Select(o => (o.Name, o.Dataset, o.Location))))
        {
            if (!known.Contains(dataset))
            {
                Bad(at, name, $"'{name}' refers to dataset '{dataset}', which is not defined; the datasets are " +
                    $"[{string.Join(", ", known)}].");
            }

            if (!eventNames.Add(name))
            {
                Bad(at, name, $"The event name '{name}' is used twice; data-in and data-out names must be unique.");
            }
        }

        CheckLogic(app.InputLogic, app.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal), errors);
        var controls = ResolveControls(app, el, Eval, Bad);
        if (errors.Count > before || frequency is null || alignedStart is null || end is null || zone is null
            || controls is null)
        {
            return null;
        }

        var definition = new CoordinatorDefinition(app, app.Name, frequency, alignedStart.Value, end.Value, zone,
            controls.Value.Timeout, controls.Value.Concurrency, controls.Value.Execution, controls.Value.Throttle,
            datasets, conf, user);
        try
        {
            // A trial materialization of the first action surfaces instance EL errors at submission.
            var materializer = new Materializer(definition, time);
            var first = materializer.Materialize(1, definition.Start, definition.Start);
            foreach (var input in first.DataIn)
            {
                materializer.Uris(input);
            }
        }
        catch (OozieException e) when (!lenient || !e.Message.Contains("variable [", StringComparison.Ordinal))
        {
            errors.Add(new WorkflowError(e.ErrorCode, app.Location, null, e.Message));
            return null;
        }
        catch (OozieException)
        {
            return null;
        }

        return definition;
    }

    private static void CheckLogic(InputLogicNode? node, HashSet<string> inputs, List<WorkflowError> errors)
    {
        if (node is null)
        {
            return;
        }

        if (node.Kind == "data-in" && (node.DataIn is null || !inputs.Contains(node.DataIn)))
        {
            errors.Add(new WorkflowError("E1003", node.Location, "input-logic",
                $"input-logic refers to data-in '{node.DataIn}', which is not in <input-events>; the data-in names " +
                $"are [{string.Join(", ", inputs)}]."));
        }

        foreach (var child in node.Children)
        {
            CheckLogic(child, inputs, errors);
        }
    }

    private static (int Timeout, int Concurrency, ExecutionOrder Execution, int Throttle)? ResolveControls(
        CoordinatorApp app, CoordElContext el, Func<string, SourceLocation, string, string?> eval,
        Action<SourceLocation, string, string> bad)
    {
        var c = app.Controls;
        var ok = true;
        int Number(string? text, int fallback, string what, int factorForUnits)
        {
            if (text is null)
            {
                return fallback;
            }

            var value = eval(text, app.Location, what);
            if (value is null)
            {
                return fallback;
            }

            if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                bad(app.Location, what, $"<{what}> is [{value}]; it must be a whole number.");
                ok = false;
                return fallback;
            }

            // In a timeout a day counts as 24 hours and a month as 30 days.
            var unitMinutes = el.LastUnit switch
            {
                FrequencyUnit.Day or FrequencyUnit.EndOfDay => 1440,
                FrequencyUnit.EndOfWeek => 7 * 1440,
                FrequencyUnit.Month or FrequencyUnit.EndOfMonth => 30 * 1440,
                _ => 1,
            };
            el.LastUnit = null;
            return (int)Math.Clamp(n * (factorForUnits == 0 ? 1 : unitMinutes), int.MinValue, int.MaxValue);
        }

        var timeout = Number(c.Timeout, CoordinatorDefinition.DefaultTimeoutMinutes, "timeout", 1);
        if (timeout is < 0 or > CoordinatorDefinition.MaxTimeoutMinutes)
        {
            timeout = CoordinatorDefinition.MaxTimeoutMinutes;
        }

        var concurrency = Number(c.Concurrency, 1, "concurrency", 0);
        if (concurrency < 0)
        {
            concurrency = int.MaxValue;
        }
        else if (concurrency == 0)
        {
            bad(app.Location, "concurrency", "<concurrency> is 0, so no action could ever run; use 1 or more, " +
                "or -1 for no limit.");
            ok = false;
        }

        var execution = ExecutionOrder.FIFO;
        if (c.Execution is { } exec && eval(exec, app.Location, "execution") is { } e
            && !Enum.TryParse(e, ignoreCase: false, out execution))
        {
            bad(app.Location, "execution", $"<execution> is [{e}]; allowed are FIFO, LIFO, LAST_ONLY and NONE.");
            ok = false;
        }

        // The throttle is clamped to 1..(queue size 10,000 x 0.05).
        var throttle = Math.Clamp(Number(c.Throttle, 12, "throttle", 0), 1, 500);
        return ok ? (timeout, concurrency, execution, throttle) : null;
    }

    /// <summary>Reads the job configuration and the app, resolves it, and reports every problem at once.</summary>
    public static async Task<PreparedCoordinator> PrepareAsync(
        IReadOnlyDictionary<string, string> jobProperties,
        IReadOnlyDictionary<string, string> overrides,
        string user,
        string configSource,
        FileSystems fileSystems,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        var sys = PropertyResolver.SystemProperties(user);
        var submitted = new Dictionary<string, string>(jobProperties, StringComparer.Ordinal);
        foreach (var (k, v) in overrides)
        {
            submitted[k] = v;
        }

        if (!submitted.TryGetValue(AppPathProperty, out var rawPath) || rawPath.Trim().Length == 0)
        {
            throw new OozieException("E0401",
                $"{configSource}: {AppPathProperty} is not set; add {AppPathProperty}=<dir with coordinator.xml>.");
        }

        var appPath = StoragePath.Parse(PropertyResolver.Expand(rawPath.Trim(), submitted, sys));
        var fs = fileSystems.For(appPath);
        var status = await fs.GetStatusAsync(appPath, cancellationToken)
            ?? throw new OozieException("E0505",
                $"{configSource}: the coordinator application '{appPath}' ({AppPathProperty}) does not exist.");
        var (file, dir) = status.IsDirectory
            ? (appPath.Combine("coordinator.xml"), appPath)
            : (appPath, appPath.Parent!);
        if (!await fs.ExistsAsync(file, cancellationToken))
        {
            throw new OozieException("E0505", $"{configSource}: '{file}' does not exist; the coordinator " +
                "application directory needs a coordinator.xml.");
        }

        var text = await fs.ReadAllTextAsync(file, cancellationToken);
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(text, file.ToString(), errors);
        IReadOnlyDictionary<string, string> configDefault = new Dictionary<string, string>();
        var defaults = dir.Combine("coord-config-default.xml");
        if (await fs.ExistsAsync(defaults, cancellationToken))
        {
            configDefault = HadoopConfiguration.Parse(
                await fs.ReadAllTextAsync(defaults, cancellationToken), defaults.ToString());
        }

        if (app is not null && app.Includes.Count > 0)
        {
            app = await IncludeAsync(app, dir, fs, errors, cancellationToken);
        }

        IReadOnlyDictionary<string, string>? conf = null;
        try
        {
            conf = PropertyResolver.Resolve(
                new ConfigurationLayers(overrides, jobProperties, configDefault, app?.Parameters ?? []), sys,
                new SourceLocation(configSource, 0, 0));
        }
        catch (WorkflowValidationException e)
        {
            errors.AddRange(e.Errors);
        }

        CoordinatorDefinition? definition = null;
        if (app is not null && conf is not null && errors.Count == 0)
        {
            var final = new Dictionary<string, string>(conf, StringComparer.Ordinal);
            final.TryAdd("user.name", user);
            final[AppPathProperty] = appPath.ToString();
            definition = Resolve(app, final, user, time, errors);
        }

        if (definition is null || errors.Count > 0)
        {
            throw new WorkflowValidationException(errors.Count > 0 ? errors
                : [new WorkflowError("E1003", new SourceLocation(file.ToString(), 0, 0), null,
                    "Unusable coordinator.")]);
        }

        return new PreparedCoordinator(definition, file, text);
    }

    private static async Task<CoordinatorApp> IncludeAsync(CoordinatorApp app, StoragePath dir, IFileSystem fs,
        List<WorkflowError> errors, CancellationToken cancellationToken)
    {
        var datasets = new List<DatasetDefinition>();
        foreach (var include in app.Includes)
        {
            var path = include.Contains("://", StringComparison.Ordinal) || include.StartsWith('/')
                ? StoragePath.Parse(include) : dir.Combine(include);
            if (!await fs.ExistsAsync(path, cancellationToken))
            {
                errors.Add(new WorkflowError("E0701", app.Location, "include",
                    $"The datasets include '{include}' ({path}) does not exist; fix the path."));
                continue;
            }

            var text = await fs.ReadAllTextAsync(path, cancellationToken);
            var doc = Parsing.XmlSource.Load(text, path.ToString(), errors);
            foreach (var d in doc.Root?.Elements().Where(e => e.Name.LocalName == "dataset") ?? [])
            {
                var at = Parsing.XmlSource.LocationOf(d, path.ToString());
                datasets.Add(new DatasetDefinition(d.Attribute("name")?.Value ?? string.Empty,
                    d.Attribute("frequency")?.Value ?? string.Empty, d.Attribute("initial-instance")?.Value ?? "",
                    d.Attribute("timezone")?.Value ?? "UTC",
                    d.Elements().FirstOrDefault(e => e.Name.LocalName == "uri-template")?.Value.Trim() ?? "",
                    d.Elements().FirstOrDefault(e => e.Name.LocalName == "done-flag")?.Value.Trim(), at));
            }
        }

        // Datasets defined in the coordinator itself win over included ones of the same name.
        var own = app.Datasets.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        return app with { Datasets = [.. datasets.Where(d => !own.Contains(d.Name)), .. app.Datasets] };
    }
}
