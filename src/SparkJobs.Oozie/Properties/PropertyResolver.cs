using System.Text.RegularExpressions;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Properties;

/// <summary>The layers a job's configuration is built from, lowest precedence last.</summary>
/// <param name="Overrides">The <c>-D</c> values.</param>
/// <param name="JobProperties">The <c>-config</c> file's values.</param>
/// <param name="ConfigDefault">The app's config-default.xml values.</param>
/// <param name="Parameters">The workflow's <c>parameters</c> defaults.</param>
public sealed record ConfigurationLayers(
    IReadOnlyDictionary<string, string> Overrides,
    IReadOnlyDictionary<string, string> JobProperties,
    IReadOnlyDictionary<string, string> ConfigDefault,
    IReadOnlyList<WorkflowParameter> Parameters);

/// <summary>Merges configuration layers and expands Hadoop-style <c>${name}</c> references in values.</summary>
public static partial class PropertyResolver
{
    private const int MaxSubstitutions = 20;

    /// <summary>Gets the Java system properties oozie-lite answers for, being its own server.</summary>
    /// <param name="user">The submitting user.</param>
    /// <returns>user.dir, user.name and user.home.</returns>
    public static IReadOnlyDictionary<string, string> SystemProperties(string user) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["user.dir"] = Directory.GetCurrentDirectory(),
            ["user.name"] = user,
            ["user.home"] = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        };

    /// <summary>Merges the layers (-D, then job.properties, then config-default.xml, then parameters).</summary>
    /// <param name="layers">The layers.</param>
    /// <param name="systemProperties">Values for Java system property names such as user.dir.</param>
    /// <param name="source">The file to name in errors.</param>
    /// <returns>The resolved configuration.</returns>
    /// <exception cref="WorkflowValidationException">Parameters or referenced properties are missing.</exception>
    public static IReadOnlyDictionary<string, string> Resolve(
        ConfigurationLayers layers, IReadOnlyDictionary<string, string> systemProperties, SourceLocation source)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(systemProperties);
        var merged = new Dictionary<string, string>(layers.ConfigDefault, StringComparer.Ordinal);
        foreach (var (k, v) in layers.JobProperties)
        {
            merged[k] = v;
        }

        foreach (var (k, v) in layers.Overrides)
        {
            merged[k] = v;
        }

        var errors = new List<WorkflowError>();
        var missingParameters = new List<string>();
        foreach (var parameter in layers.Parameters)
        {
            if (merged.ContainsKey(parameter.Name))
            {
                continue;
            }

            if (parameter.DefaultValue is null)
            {
                missingParameters.Add(parameter.Name);
            }
            else
            {
                merged[parameter.Name] = parameter.DefaultValue;
            }
        }

        if (missingParameters.Count > 0)
        {
            errors.Add(new WorkflowError("E0738", layers.Parameters.First(p => p.Name == missingParameters[0]).Location,
                null,
                $"The following {missingParameters.Count} parameters are required but were not defined and " +
                $"no default values are available: {string.Join(",", missingParameters)}; " +
                "set them in job.properties or with -D."));
        }

        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in merged)
        {
            resolved[key] = Expand(value, merged, systemProperties, name =>
            {
                if (!missing.TryGetValue(name, out var users))
                {
                    missing[name] = users = new SortedSet<string>(StringComparer.Ordinal);
                }

                users.Add(key);
            });
        }

        if (missing.Count > 0)
        {
            var detail = string.Join("; ", missing.Select(m => $"${{{m.Key}}} (used by {string.Join(", ", m.Value)})"));
            errors.Add(new WorkflowError("E0738", source, null,
                $"{missing.Count} referenced properties are not defined: {detail}; define them in job.properties, " +
                "config-default.xml or with -D."));
        }

        return errors.Count > 0 ? throw new WorkflowValidationException(errors) : resolved;
    }

    /// <summary>Expands Hadoop-style references; names that look like EL function calls are left alone.</summary>
    /// <param name="value">The raw value.</param>
    /// <param name="conf">The configuration.</param>
    /// <param name="systemProperties">System property values, consulted first as Hadoop does.</param>
    /// <param name="onMissing">Called with each property name that has no value.</param>
    /// <returns>The expanded value.</returns>
    public static string Expand(
        string value,
        IReadOnlyDictionary<string, string> conf,
        IReadOnlyDictionary<string, string> systemProperties,
        Action<string>? onMissing = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(conf);
        ArgumentNullException.ThrowIfNull(systemProperties);
        var current = value;
        for (var depth = 0; depth < MaxSubstitutions; depth++)
        {
            var changed = false;
            current = Reference().Replace(current, m =>
            {
                var name = m.Groups[1].Value;
                if (systemProperties.TryGetValue(name, out var sys) || conf.TryGetValue(name, out sys))
                {
                    changed = true;
                    return sys;
                }

                if (PlainName().IsMatch(name))
                {
                    onMissing?.Invoke(name);
                }

                return m.Value;
            });
            if (!changed)
            {
                break;
            }
        }

        return current;
    }

    [GeneratedRegex(@"\$\{([^\}\$\s]+)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$")]
    private static partial Regex PlainName();
}
