using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Parsing;
using SparkJobs.Oozie.Properties;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>A workflow ready to submit: parsed, validated and with its configuration resolved.</summary>
/// <param name="App">The parsed workflow.</param>
/// <param name="WorkflowFile">The workflow.xml path.</param>
/// <param name="AppDirectory">The application directory.</param>
/// <param name="Definition">The workflow.xml text.</param>
/// <param name="Configuration">The resolved job configuration.</param>
/// <param name="User">The submitting user.</param>
public sealed record PreparedWorkflow(
    WorkflowApp App,
    StoragePath WorkflowFile,
    StoragePath AppDirectory,
    string Definition,
    IReadOnlyDictionary<string, string> Configuration,
    string User)
{
    /// <summary>Gets the warnings found: unreachable nodes and undefined EL variables.</summary>
    public IReadOnlyList<WorkflowError> Warnings { get; init; } = [];
}

/// <summary>Loads workflow applications and their configuration, reporting every problem at once.</summary>
public static class WorkflowLoader
{
    /// <summary>The property naming the workflow application.</summary>
    public const string AppPathProperty = "oozie.wf.application.path";

    private static readonly string[] ForkJoinSwitches = ["oozie.wf.validate.ForkJoin", "oozie.validate.ForkJoin"];

    /// <summary>Parses and validates workflow text.</summary>
    /// <param name="text">The workflow.xml text.</param>
    /// <param name="file">The file name for messages.</param>
    /// <param name="validateForkJoin">Whether to apply the fork/join rules.</param>
    /// <returns>The workflow (null if unusable) and every error found.</returns>
    public static (WorkflowApp? App, IReadOnlyList<WorkflowError> Errors) Check(
        string text, string file, bool validateForkJoin = true)
    {
        var errors = new List<WorkflowError>();
        var app = WorkflowParser.Parse(text, file, errors);
        if (app is not null)
        {
            WorkflowValidator.Validate(app, errors);
            if (validateForkJoin)
            {
                ForkJoinValidator.Validate(app, errors);
            }
        }

        return (app, errors);
    }

    /// <summary>
    /// The configuration a rerun starts from: the job's previous one with the new properties over it. The
    /// previous rerun's own switches (skip.nodes, failnodes) do not carry over, so each rerun says what it skips.
    /// </summary>
    /// <param name="previous">The job's stored configuration.</param>
    /// <param name="update">The rerun's properties.</param>
    /// <returns>The merged configuration.</returns>
    public static Dictionary<string, string> RerunConfiguration(
        IReadOnlyDictionary<string, string> previous, IEnumerable<KeyValuePair<string, string>> update)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(update);
        var merged = previous
            .Where(p => p.Key is not ("oozie.wf.rerun.skip.nodes" or "oozie.wf.rerun.failnodes"))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (k, v) in update)
        {
            merged[k] = v;
        }

        return merged;
    }

    /// <summary>
    /// What <c>validate</c> reports for a workflow file: every structural error, EL that does not parse, and
    /// problems of the config-default.xml beside it, without a job configuration.
    /// </summary>
    /// <param name="file">The workflow.xml path.</param>
    /// <returns>Every error and warning found.</returns>
    public static IReadOnlyList<WorkflowError> CheckForValidate(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (app, found) = Check(File.ReadAllText(file), file);
        var errors = found.ToList();
        if (app is not null)
        {
            ElReferences.CheckSyntax(app, errors);
        }

        var defaults = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "config-default.xml");
        if (File.Exists(defaults))
        {
            try
            {
                HadoopConfiguration.Parse(File.ReadAllText(defaults), defaults);
            }
            catch (WorkflowValidationException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        return errors;
    }

    /// <summary>Tells whether a job's configuration leaves the fork/join rules on (Oozie's default).</summary>
    /// <param name="conf">The job configuration.</param>
    /// <returns>False when oozie.wf.validate.ForkJoin or oozie.validate.ForkJoin is false.</returns>
    public static bool ForkJoinValidationEnabled(IReadOnlyDictionary<string, string> conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        return !ForkJoinSwitches.Any(k =>
            conf.TryGetValue(k, out var v) && string.Equals(v.Trim(), "false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads a <c>-config</c> file: Java properties, or Hadoop XML when it ends in .xml.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The properties.</returns>
    public static IReadOnlyDictionary<string, string> LoadConfigFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new OozieException(
                "E0401", $"The configuration file '{path}' does not exist; pass -config job.properties.");
        }

        var text = File.ReadAllText(path);
        return path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
            ? HadoopConfiguration.Parse(text, path)
            : JavaProperties.Parse(text);
    }

    /// <summary>Finds the application, parses and validates it, and resolves its configuration.</summary>
    /// <param name="jobProperties">The -config properties.</param>
    /// <param name="overrides">The -D properties.</param>
    /// <param name="user">The submitting user.</param>
    /// <param name="configSource">The -config file, named in messages.</param>
    /// <param name="fileSystems">The file systems.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The prepared workflow.</returns>
    /// <exception cref="WorkflowValidationException">The workflow or its configuration has errors.</exception>
    public static async Task<PreparedWorkflow> PrepareAsync(
        IReadOnlyDictionary<string, string> jobProperties,
        IReadOnlyDictionary<string, string> overrides,
        string user,
        string configSource,
        FileSystems fileSystems,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobProperties);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(fileSystems);
        var sys = PropertyResolver.SystemProperties(user);
        var submitted = new Dictionary<string, string>(jobProperties, StringComparer.Ordinal);
        foreach (var (k, v) in overrides)
        {
            submitted[k] = v;
        }

        submitted.TryAdd("user.name", user);
        if (!submitted.TryGetValue(AppPathProperty, out var rawPath) || rawPath.Trim().Length == 0)
        {
            throw new OozieException("E0401",
                $"{configSource}: {AppPathProperty} is not set; add {AppPathProperty}=<dir with workflow.xml>.");
        }

        var appPath = StoragePath.Parse(PropertyResolver.Expand(rawPath.Trim(), submitted, sys));
        var fs = fileSystems.For(appPath);
        var status = await fs.GetStatusAsync(appPath, cancellationToken)
            ?? throw new OozieException("E0505",
                $"{configSource}: the workflow application '{appPath}' ({AppPathProperty}) does not exist.");
        var (file, dir) = status.IsDirectory ? (appPath.Combine("workflow.xml"), appPath) : (appPath, appPath.Parent!);
        if (!await fs.ExistsAsync(file, cancellationToken))
        {
            throw new OozieException(
                "E0505", $"{configSource}: '{file}' does not exist; the app directory needs a workflow.xml.");
        }

        var definition = await fs.ReadAllTextAsync(file, cancellationToken);
        var (app, errors) = Check(definition, file.ToString(), validateForkJoin: false);
        var errorList = errors.ToList();
        IReadOnlyDictionary<string, string> configDefault = new Dictionary<string, string>();
        var defaults = dir.Combine("config-default.xml");
        if (await fs.ExistsAsync(defaults, cancellationToken))
        {
            try
            {
                configDefault = HadoopConfiguration.Parse(await fs.ReadAllTextAsync(defaults, cancellationToken),
                    defaults.ToString());
                if (configDefault.ContainsKey("user.name"))
                {
                    errorList.Add(new WorkflowError("E0804", new SourceLocation(defaults.ToString(), 0, 0), null,
                        "config-default.xml may not set user.name; remove it (the submitting user is used)."));
                }
            }
            catch (WorkflowValidationException e)
            {
                errorList.AddRange(e.Errors);
            }
        }

        foreach (var action in app?.Nodes.OfType<ActionNode>() ?? [])
        {
            if (!action.Body.RunsLocally && action.Body is not UnknownAction)
            {
                errorList.Add(new WorkflowError("E0723", action.Body.Location, action.Name,
                    $"Node '{action.Name}': the {action.Body.TypeName} action is valid Oozie but needs a cluster; " +
                    "oozie-lite runs shell, fs, java, spark, email and sub-workflow actions locally. Submit this workflow to an Oozie server " +
                    "(oozie job -oozie http://host:11000/oozie -run), or replace the action with a shell action."));
            }
        }

        IReadOnlyDictionary<string, string>? conf = null;
        try
        {
            conf = PropertyResolver.Resolve(
                new ConfigurationLayers(overrides, jobProperties, configDefault, app?.Parameters ?? []),
                sys,
                new SourceLocation(configSource, 0, 0));
        }
        catch (WorkflowValidationException e)
        {
            errorList.AddRange(e.Errors);
        }

        if (app is not null && ForkJoinValidationEnabled(conf ?? submitted))
        {
            ForkJoinValidator.Validate(app, errorList);
        }

        if (app is not null && conf is not null)
        {
            ElReferences.Check(app, conf, errorList);
            NameNodeCheck.Check(app, conf, errorList);
        }

        if (errorList.Any(e => !e.IsWarning) || app is null || conf is null)
        {
            throw new WorkflowValidationException(errorList);
        }

        var final = new Dictionary<string, string>(conf, StringComparer.Ordinal);
        final.TryAdd("user.name", user);
        final[AppPathProperty] = appPath.ToString();
        return new PreparedWorkflow(app, file, dir, definition, final, user)
        {
            Warnings = [.. errorList.Where(e => e.IsWarning)],
        };
    }
}
