using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// Resolves an action's <c>cred</c> names against the workflow's <c>credentials</c> section as Oozie does
/// when the action starts. oozie-lite runs without Kerberos, so a resolved credential obtains no token: it
/// is logged, and the action runs with the user's own identity.
/// </summary>
internal static class ActionCredentials
{
    /// <summary>The job property that skips credentials altogether, as in Oozie.</summary>
    public const string SkipProperty = "oozie.credentials.skip";

    /// <summary>The property listing the known credential types as <c>type=class</c> pairs.</summary>
    public const string TypesProperty = "oozie.credentials.credentialclasses";

    // What a typical Oozie installation registers; a cluster's list replaces it through TypesProperty.
    private const string DefaultTypes =
        "hcat=org.apache.oozie.action.hadoop.HCatCredentials,hive2=org.apache.oozie.action.hadoop.Hive2Credentials," +
        "hbase=org.apache.oozie.action.hadoop.HbaseCredentials";

    /// <summary>Checks the action's credentials; returns the failure Oozie reports, or null when it may run.</summary>
    /// <param name="node">The action.</param>
    /// <param name="app">The workflow, for its credentials section.</param>
    /// <param name="conf">The job configuration.</param>
    /// <param name="evaluate">Evaluates EL in a cred name.</param>
    /// <param name="log">Receives one line per credential.</param>
    /// <returns>A JA021 or JA020 failure, or null.</returns>
    public static ActionOutcome? Check(
        ActionNode node, WorkflowApp app, IReadOnlyDictionary<string, string> conf, Func<string, string> evaluate,
        Action<string> log)
    {
        if (node.Credentials.Count == 0)
        {
            return null;
        }

        if (string.Equals(conf.GetValueOrDefault(SkipProperty)?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            log($"{node.Name}: credentials skipped ({SkipProperty}=true)");
            return null;
        }

        var types = conf.GetValueOrDefault(TypesProperty, DefaultTypes)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2)[0].Trim())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var raw in node.Credentials)
        {
            var name = evaluate(raw).Trim();
            var credential = app.CredentialDefinitions.FirstOrDefault(c => c.Name == name);
            if (credential is null)
            {
                return ActionOutcome.Failed("JA021",
                    $"Could not load credentials with name [{name}]: the workflow's <credentials> section defines " +
                    $"{(app.CredentialDefinitions.Count == 0 ? "none" : string.Join(", ", app.CredentialDefinitions.Select(c => c.Name)))}. " +
                    "Add a <credential> with that name or remove it from cred.");
            }

            if (!types.Contains(credential.Type))
            {
                return ActionOutcome.Failed("JA020",
                    $"Could not load credentials of type [{credential.Type}] with name [{name}]; the known types are " +
                    $"{string.Join(", ", types.Order(StringComparer.Ordinal))} ({TypesProperty}).");
            }

            log($"{node.Name}: credential '{name}' ({credential.Type}) obtains no token here: oozie-lite runs " +
                "without Kerberos, as the submitting user");
        }

        return null;
    }
}
