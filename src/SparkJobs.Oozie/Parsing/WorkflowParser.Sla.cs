using System.Xml.Linq;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>The <c>credentials</c> section and the <c>sla:info</c> elements of workflows and actions.</summary>
internal sealed partial class WorkflowParser
{
    /// <summary>The namespace prefix of the SLA schemas.</summary>
    public const string SlaNamespacePrefix = "uri:oozie:sla:";

    private static readonly string[] SlaV2Elements =
    [
        "nominal-time", "should-start", "should-end", "max-duration", "alert-events", "alert-contact",
        "notification-msg", "upstream-apps",
    ];

    // The 0.1 schema predates SLA monitoring; its contact and alert-frequency fields are kept for
    // compatibility and only nominal-time, should-start and should-end take part in the SLA.
    private static readonly string[] SlaV1Elements =
    [
        "app-name", "nominal-time", "should-start", "should-end", "parent-client-id", "parent-sla-id",
        "notification-msg", "alert-contact", "dev-contact", "qa-contact", "se-contact", "alert-frequency",
        "alert-percentage", "upstream-apps",
    ];

    private static readonly string[] SlaAlertEvents = ["start_miss", "end_miss", "duration_miss"];

    private string _version = string.Empty;

    private static bool IsSla(XElement element) =>
        element.Name.NamespaceName.StartsWith(SlaNamespacePrefix, StringComparison.Ordinal);

    private bool VersionAtLeast(string version) =>
        Array.IndexOf(WorkflowVersions, _version) >= Array.IndexOf(WorkflowVersions, version);

    private List<CredentialDefinition> ParseCredentials(XElement element)
    {
        var list = new List<CredentialDefinition>();
        if (!VersionAtLeast("0.2.5"))
        {
            Error("E0701", element, null,
                $"<credentials> needs workflow schema 0.2.5 or later; this workflow is {_version}. Change the " +
                $"namespace to {WorkflowNamespacePrefix}0.5 (or later) to use credentials.");
            return list;
        }

        foreach (var credential in element.Elements())
        {
            if (credential.Name != _ns + "credential")
            {
                Error("E0701", credential, null,
                    $"<{credential.Name.LocalName}> is not allowed in <credentials>; only <credential> is.");
                continue;
            }

            var name = RequiredAttribute(credential, "name", null);
            var type = RequiredAttribute(credential, "type", null);
            if (name is null || type is null)
            {
                continue;
            }

            if (list.Find(c => c.Name == name) is { } first)
            {
                Error("E0701", credential, null,
                    $"The credential name '{name}' is already used at {first.Location}; give each credential " +
                    "a unique name.");
                continue;
            }

            var properties = credential.Elements(_ns + "property").Select(p => new ConfigProperty(
                p.Element(_ns + "name")?.Value.Trim() ?? string.Empty,
                p.Element(_ns + "value")?.Value ?? string.Empty)).ToList();
            list.Add(new CredentialDefinition(name, type.Trim(), properties, Loc(credential)));
        }

        return list;
    }

    private SlaInfo? ParseSla(XElement element, string? node)
    {
        var nsName = element.Name.NamespaceName;
        var version = nsName[SlaNamespacePrefix.Length..];
        if (element.Name.LocalName != "info" || version is not ("0.1" or "0.2"))
        {
            Error("E0701", element, node,
                $"<{element.Name.LocalName}> in namespace '{nsName}' is not an SLA element; use <sla:info> with " +
                $"xmlns:sla=\"{SlaNamespacePrefix}0.2\" (or 0.1).");
            return null;
        }

        var minimum = version == "0.2" ? "0.5" : "0.2";
        if (!VersionAtLeast(minimum))
        {
            Error("E0701", element, node,
                $"SLA schema {version} needs workflow schema {minimum} or later; this workflow is {_version}. " +
                $"Change the workflow namespace to {WorkflowNamespacePrefix}{minimum} or later.");
            return null;
        }

        var allowed = version == "0.2" ? SlaV2Elements : SlaV1Elements;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var local = child.Name.LocalName;
            if (child.Name.Namespace != element.Name.Namespace || !allowed.Contains(local))
            {
                Error("E0701", child, node,
                    $"<{local}> is not allowed in <sla:info> {version}; allowed are {string.Join(", ", allowed)}.");
            }
            else if (!values.TryAdd(local, child.Value.Trim()))
            {
                Error("E0701", child, node, $"<sla:{local}> appears twice in <sla:info>; keep one.");
            }
        }

        string[] required = version == "0.2"
            ? ["nominal-time", "should-end"]
            : ["nominal-time", "should-start", "should-end"];
        var missing = required.Where(r => !values.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            Error("E0701", element, node,
                $"<sla:info> {version} is missing {string.Join(", ", missing.Select(m => $"<sla:{m}>"))}; " +
                "add them (durations are minutes, for example ${30 * MINUTES}).");
            return null;
        }

        if (values.TryGetValue("alert-events", out var events) && !events.Contains("${", StringComparison.Ordinal))
        {
            foreach (var unknown in events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(e => !SlaAlertEvents.Contains(e.ToLowerInvariant())))
            {
                Error("E0701", element, node,
                    $"<sla:alert-events> names '{unknown}'; allowed are {string.Join(", ", SlaAlertEvents)}.");
            }
        }

        return new SlaInfo(
            version,
            values["nominal-time"],
            values.GetValueOrDefault("should-start"),
            values["should-end"],
            values.GetValueOrDefault("max-duration"),
            values.GetValueOrDefault("alert-events"),
            values.GetValueOrDefault("alert-contact"),
            values.GetValueOrDefault("notification-msg"),
            values.GetValueOrDefault("upstream-apps"),
            Loc(element));
    }
}
