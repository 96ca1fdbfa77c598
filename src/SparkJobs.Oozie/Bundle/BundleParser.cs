using System.Xml.Linq;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Parsing;

namespace SparkJobs.Oozie.Bundle;

/// <summary>Parses bundle.xml (<c>uri:oozie:bundle:0.1</c> and <c>0.2</c>), collecting every error.</summary>
internal sealed class BundleParser
{
    public const string NamespacePrefix = "uri:oozie:bundle:";

    private static readonly string[] Versions = ["0.1", "0.2"];

    private readonly XmlElements _x;

    private BundleParser(string file, List<WorkflowError> errors) => _x = new XmlElements(file, errors);

    /// <summary>Parses the text; returns null when the document is unusable, with the reasons in errors.</summary>
    public static BundleApp? Parse(string text, string file, List<WorkflowError> errors)
    {
        var doc = XmlSource.Load(text, file, errors);
        return doc.Root is null ? null : new BundleParser(file, errors).ParseRoot(doc.Root);
    }

    private BundleApp? ParseRoot(XElement root)
    {
        var nsName = root.Name.NamespaceName;
        var version = nsName.StartsWith(NamespacePrefix, StringComparison.Ordinal)
            ? nsName[NamespacePrefix.Length..]
            : null;
        if (root.Name.LocalName != "bundle-app" || version is null || !Versions.Contains(version))
        {
            _x.Error("E0701", root, $"The root element is <{root.Name.LocalName}> in namespace '{nsName}'; it must " +
                $"be <bundle-app> in one of {string.Join(", ", Versions.Select(v => NamespacePrefix + v))}.");
            return null;
        }

        var ns = root.Name.Namespace;
        var name = _x.Required(root, "name") ?? string.Empty;
        var parameters = new List<WorkflowParameter>();
        string? kickOff = null;
        var coordinators = new List<BundleCoordinator>();
        foreach (var child in root.Elements().Where(c => c.Name.Namespace == ns))
        {
            switch (child.Name.LocalName)
            {
                case "parameters":
                    if (version == "0.1")
                    {
                        _x.Error("E0701", child,
                            "<parameters> needs uri:oozie:bundle:0.2; raise the namespace version.");
                    }

                    parameters.AddRange(_x.Parameters(child, ns));
                    break;
                case "controls":
                    _x.OnlyChildren(child, ns, "kick-off-time");
                    kickOff = child.Element(ns + "kick-off-time")?.Value.Trim();
                    break;
                case "coordinator":
                    coordinators.Add(ParseCoordinator(child, ns, version));
                    break;
                default:
                    _x.Error("E0701", child, $"<{child.Name.LocalName}> is not allowed in <bundle-app>; allowed " +
                        "are parameters, controls and coordinator.");
                    break;
            }
        }

        if (coordinators.Count == 0)
        {
            _x.Error("E0701", root, "A bundle needs at least one <coordinator name=\"..\"><app-path>..</app-path>" +
                "</coordinator>.");
        }

        foreach (var duplicate in coordinators.GroupBy(c => c.Name).Where(g => g.Count() > 1))
        {
            errors(duplicate.Last().Location, $"Two coordinators are named '{duplicate.Key}'; names must be unique.");
        }

        return new BundleApp(name, version, kickOff, coordinators, parameters, _x.Loc(root));

        void errors(SourceLocation location, string message) =>
            _x.Errors.Add(new WorkflowError("E0701", location, "coordinator", message));
    }

    private BundleCoordinator ParseCoordinator(XElement element, XNamespace ns, string version)
    {
        bool Flag(string attribute, bool fallback)
        {
            var a = element.Attribute(attribute);
            if (a is null)
            {
                return fallback;
            }

            if (version == "0.1")
            {
                _x.Error("E0701", a, $"@{attribute} needs uri:oozie:bundle:0.2; raise the namespace version.");
            }

            return a.Value.Trim() switch
            {
                "true" => true,
                "false" => false,
                _ => Bad(a),
            };

            bool Bad(XAttribute attr)
            {
                _x.Error("E0701", attr, $"@{attribute}='{attr.Value}' must be true or false.");
                return fallback;
            }
        }

        var name = _x.Required(element, "name") ?? string.Empty;
        var appPath = element.Element(ns + "app-path")?.Value.Trim();
        if (string.IsNullOrEmpty(appPath))
        {
            _x.Error("E0701", element, $"Coordinator '{name}' needs an <app-path> naming its application.");
        }

        var conf = new List<KeyValuePair<string, string>>();
        foreach (var property in element.Element(ns + "configuration")?.Elements(ns + "property") ?? [])
        {
            var key = property.Element(ns + "name")?.Value.Trim();
            if (!string.IsNullOrEmpty(key))
            {
                conf.Add(new(key, property.Element(ns + "value")?.Value ?? string.Empty));
            }
        }

        return new BundleCoordinator(name, appPath ?? string.Empty, conf, Flag("critical", false),
            Flag("enabled", true), _x.Loc(element));
    }
}
