using System.Globalization;
using System.Xml.Linq;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Parses workflow.xml into a <see cref="WorkflowApp"/>, collecting every structural error.</summary>
internal sealed partial class WorkflowParser
{
    public const string WorkflowNamespacePrefix = "uri:oozie:workflow:";

    private static readonly string[] WorkflowVersions = ["0.1", "0.2", "0.2.5", "0.3", "0.4", "0.4.5", "0.5", "1.0"];
    private static readonly string[] ShellVersions = ["0.1", "0.2", "0.3", "1.0"];
    private static readonly string[] NodeElements = ["decision", "fork", "join", "kill", "action"];

    private readonly string _file;
    private readonly List<WorkflowError> _errors;
    private XNamespace _ns = XNamespace.None;

    private WorkflowParser(string file, List<WorkflowError> errors)
    {
        _file = file;
        _errors = errors;
    }

    /// <summary>Parses the text; returns null when the document is unusable, with the reasons in errors.</summary>
    public static WorkflowApp? Parse(string text, string file, List<WorkflowError> errors)
    {
        var doc = XmlSource.Load(text, file, errors);
        return doc.Root is null ? null : new WorkflowParser(file, errors).ParseRoot(doc.Root);
    }

    private WorkflowApp? ParseRoot(XElement root)
    {
        var nsName = root.Name.NamespaceName;
        var version = nsName.StartsWith(WorkflowNamespacePrefix, StringComparison.Ordinal)
            ? nsName[WorkflowNamespacePrefix.Length..]
            : null;
        if (root.Name.LocalName != "workflow-app" || version is null || !WorkflowVersions.Contains(version))
        {
            Error("E0701", root, null,
                $"The root element is <{root.Name.LocalName}> in namespace '{nsName}'; it must be <workflow-app> in " +
                $"one of {string.Join(", ", WorkflowVersions.Select(v => WorkflowNamespacePrefix + v))}.");
            return null;
        }

        _ns = root.Name.Namespace;
        _version = version;
        var name = RequiredAttribute(root, "name", null) ?? string.Empty;
        var credentials = new List<CredentialDefinition>();
        SlaInfo? sla = null;
        var nodes = new List<WorkflowNode>();
        var parameters = new List<WorkflowParameter>();
        GlobalSection? global = null;
        var sawStart = false;
        var sawEnd = false;
        foreach (var child in root.Elements())
        {
            if (IsSla(child))
            {
                sla = ParseSla(child, null) ?? sla;
                continue;
            }

            if (child.Name.Namespace != _ns)
            {
                Error("E0701", child, null,
                    $"<{child.Name.LocalName}> in namespace '{child.Name.NamespaceName}' is not allowed in " +
                    $"<workflow-app>; workflow elements use {_ns.NamespaceName}, and only <sla:info> may come " +
                    "from another namespace.");
                continue;
            }

            switch (child.Name.LocalName)
            {
                case "parameters":
                    parameters.AddRange(ParseParameters(child));
                    break;
                case "global":
                    global = ParseGlobal(child);
                    break;
                case "credentials":
                    credentials.AddRange(ParseCredentials(child));
                    break;
                case "start":
                    if (sawStart)
                    {
                        Error("E0701", child, null, "A workflow has exactly one <start>; remove the extra one.");
                    }

                    sawStart = true;
                    var to = RequiredAttribute(child, "to", WorkflowApp.StartNodeName) ?? string.Empty;
                    nodes.Insert(0, new StartNode(to, Loc(child)));
                    break;
                case "end":
                    if (sawEnd)
                    {
                        Error("E0701", child, null, "A workflow has exactly one <end>; remove the extra one.");
                    }

                    sawEnd = true;
                    nodes.Add(new EndNode(RequiredAttribute(child, "name", null) ?? string.Empty, Loc(child)));
                    break;
                default:
                    if (NodeElements.Contains(child.Name.LocalName))
                    {
                        var node = ParseNode(child);
                        if (node is not null)
                        {
                            nodes.Add(node);
                        }
                    }
                    else
                    {
                        Error("E0701", child, null,
                            $"<{child.Name.LocalName}> is not allowed in <workflow-app>; allowed are parameters, " +
                            "global, credentials, start, decision, fork, join, kill, action, end.");
                    }

                    break;
            }
        }

        if (!sawStart)
        {
            Error("E0701", root, null, "The workflow has no <start to=\"...\"/>; add one naming the first node.");
        }

        if (!sawEnd)
        {
            Error("E0701", root, null, "The workflow has no <end name=\"...\"/>; add one as the last node.");
        }

        return new WorkflowApp(name, version, nodes, parameters, global, Loc(root))
        {
            CredentialDefinitions = credentials,
            Sla = sla,
        };
    }

    private List<WorkflowParameter> ParseParameters(XElement element)
    {
        var list = new List<WorkflowParameter>();
        foreach (var property in element.Elements(_ns + "property"))
        {
            var name = property.Element(_ns + "name")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                Error("E0739", property, null, "A parameter has an empty <name>; give every parameter a name.");
                continue;
            }

            list.Add(new WorkflowParameter(name, property.Element(_ns + "value")?.Value, Loc(property)));
        }

        return list;
    }

    private GlobalSection ParseGlobal(XElement element) => new(
        (element.Element(_ns + "job-tracker") ?? element.Element(_ns + "resource-manager"))?.Value.Trim(),
        element.Element(_ns + "name-node")?.Value.Trim(),
        ParseConfiguration(element.Element(_ns + "configuration"), _ns));

    private WorkflowNode? ParseNode(XElement element)
    {
        var name = RequiredAttribute(element, "name", null);
        if (name is null)
        {
            return null;
        }

        var location = Loc(element);
        switch (element.Name.LocalName)
        {
            case "kill":
                var message = element.Element(_ns + "message");
                if (message is null)
                {
                    Error("E0701", element, name, "The kill node has no <message>; add one saying why the job stops.");
                }

                return new KillNode(name, message?.Value ?? string.Empty, location);
            case "join":
                return new JoinNode(name, RequiredAttribute(element, "to", name) ?? string.Empty, location);
            case "fork":
                var paths = element.Elements(_ns + "path")
                    .Select(p => RequiredAttribute(p, "start", name) ?? string.Empty).ToList();
                if (paths.Count < 2)
                {
                    Error("E0701", element, name,
                        $"The fork has {paths.Count} <path> element(s); a fork needs at least 2 paths " +
                        "(for one path, transition to it directly).");
                }

                return new ForkNode(name, paths, location);
            case "decision":
                return ParseDecision(element, name);
            default:
                return ParseAction(element, name);
        }
    }

    private DecisionNode ParseDecision(XElement element, string name)
    {
        var location = Loc(element);
        var sw = element.Element(_ns + "switch");
        if (sw is null)
        {
            Error("E0701", element, name, "The decision has no <switch>; add <switch> with <case> and <default>.");
            return new DecisionNode(name, [], string.Empty, location);
        }

        var cases = sw.Elements(_ns + "case")
            .Select(c => new DecisionCase(c.Value.Trim(), RequiredAttribute(c, "to", name) ?? string.Empty, Loc(c)))
            .ToList();
        var def = sw.Element(_ns + "default");
        if (def is null)
        {
            Error("E0701", sw, name, "The switch has no <default to=\"...\"/>; it is required after the cases.");
        }

        var defaultTo = def is null ? string.Empty : RequiredAttribute(def, "to", name) ?? string.Empty;
        return new DecisionNode(name, cases, defaultTo, location);
    }

    private ActionNode? ParseAction(XElement element, string name)
    {
        var ok = element.Element(_ns + "ok");
        var error = element.Element(_ns + "error");
        var typeElement = element.Elements()
            .FirstOrDefault(e => !(e.Name.Namespace == _ns && e.Name.LocalName is "ok" or "error")
                && !IsSla(e));
        if (ok is null || error is null)
        {
            Error("E0701", element, name,
                "The action needs both <ok to=\"...\"/> and <error to=\"...\"/> after its action-type element.");
        }

        if (typeElement is null)
        {
            Error("E0701", element, name,
                "The action has no action-type element; add one such as <shell xmlns=\"uri:oozie:shell-action:1.0\">.");
            return null;
        }

        var body = ParseBody(typeElement, name)
            ?? new UnknownAction(typeElement.Name.LocalName, typeElement.Name.NamespaceName, Loc(typeElement));

        return new ActionNode(
            name,
            body,
            ok is null ? string.Empty : RequiredAttribute(ok, "to", name) ?? string.Empty,
            error is null ? string.Empty : RequiredAttribute(error, "to", name) ?? string.Empty,
            ParseRetry(element, name),
            ParseCredentialNames(element, name),
            Loc(element))
        {
            OkLocation = ok is null ? null : Loc(ok),
            ErrorLocation = error is null ? null : Loc(error),
            Sla = element.Elements().Where(IsSla).Select(e => ParseSla(e, name)).LastOrDefault(),
        };
    }

    private string[] ParseCredentialNames(XElement element, string name)
    {
        var attribute = element.Attribute("cred");
        if (attribute is null)
        {
            return [];
        }

        if (!VersionAtLeast("0.2.5"))
        {
            Error("E0701", attribute, name,
                $"The cred attribute needs workflow schema 0.2.5 or later; this workflow is {_version}.");
        }

        return attribute.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private RetryPolicy ParseRetry(XElement element, string name)
    {
        int ReadInt(string attribute, int fallback)
        {
            var text = element.Attribute(attribute)?.Value;
            if (text is null)
            {
                return fallback;
            }

            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                && value >= 0)
            {
                return value;
            }

            Error("E0703", element, name,
                $"The attribute {attribute}=\"{text}\" is not a non-negative whole number; " +
                $"write for example {attribute}=\"2\".");
            return fallback;
        }

        var policy = element.Attribute("retry-policy")?.Value.Trim();
        if (policy is not null && policy is not ("periodic" or "exponential"))
        {
            Error("E0703", element, name,
                $"retry-policy=\"{policy}\" is not allowed; use \"periodic\" or \"exponential\".");
        }

        return new RetryPolicy(
            Math.Min(ReadInt("retry-max", 0), 3), ReadInt("retry-interval", 10), policy == "exponential");
    }

    // Extension action types: element name, then the namespace versions each accepts.
    private static readonly Dictionary<string, string[]> Extensions = new(StringComparer.Ordinal)
    {
        ["shell"] = ShellVersions,
        ["hive"] = ["0.2", "0.3", "0.4", "0.5", "0.6", "1.0"],
        ["hive2"] = ["0.1", "0.2", "1.0"],
        ["sqoop"] = ["0.2", "0.3", "0.4", "1.0"],
        ["spark"] = ["0.1", "0.2", "1.0"],
        ["distcp"] = ["0.1", "0.2", "1.0"],
        ["email"] = ["0.1", "0.2"],
        ["ssh"] = ["0.1", "0.2"],
        ["git"] = ["1.0"],
    };

    private static readonly string[] CoreActions = ["map-reduce", "pig", "fs", "sub-workflow", "java"];

    private ActionBody? ParseBody(XElement element, string name)
    {
        var ns = element.Name.NamespaceName;
        var local = element.Name.LocalName;
        var isCore = element.Name.Namespace == _ns
            && (CoreActions.Contains(local) || (_ns.NamespaceName.EndsWith(":0.1", StringComparison.Ordinal)
                && local is "ssh" or "email"));
        if (!isCore)
        {
            var prefix = $"uri:oozie:{local}-action:";
            if (!Extensions.TryGetValue(local, out var versions) || !ns.StartsWith(prefix, StringComparison.Ordinal))
            {
                Error("E0723", element, name,
                    $"The action type <{local}> (namespace '{ns}') is not known; the action types are " +
                    $"{string.Join(", ", CoreActions)} and {string.Join(", ", Extensions.Keys)} (each in its own " +
                    "uri:oozie:<type>-action:<version> namespace). Local runs support shell and fs; " +
                    "submit other action types to an Oozie server.");
                return null;
            }

            if (!versions.Contains(ns[prefix.Length..]))
            {
                Error("E0701", element, name,
                    $"The {local} action namespace '{ns}' is not known; use one of " +
                    $"{string.Join(", ", versions.Select(v => prefix + v))}.");
                return null;
            }
        }

        var x = element.Name.Namespace;
        return local switch
        {
            "fs" => ParseFs(element, name),
            "shell" => ParseShell(element, name),
            "map-reduce" => Common(new MapReduceAction(Loc(element))
            {
                Streaming = element.Element(x + "streaming") is not null,
                Pipes = element.Element(x + "pipes") is not null,
                ConfigClass = Text(element, "config-class"),
            }, element),
            "pig" => Common(new PigAction(Required(element, "script", name), Loc(element))
            {
                Parameters = Texts(element, "param"), Arguments = Texts(element, "argument"),
            }, element),
            "hive" => Common(new HiveAction(Loc(element))
            {
                Script = Text(element, "script"), Query = Text(element, "query"),
                Parameters = Texts(element, "param"), Arguments = Texts(element, "argument"),
            }, element),
            "hive2" => Common(new Hive2Action(Required(element, "jdbc-url", name), Loc(element))
            {
                Script = Text(element, "script"), Query = Text(element, "query"),
                Arguments = Texts(element, "argument"),
            }, element),
            "sqoop" => Common(new SqoopAction(Loc(element))
            {
                Command = Text(element, "command"), Arguments = Texts(element, "arg"),
            }, element),
            "java" => Common(new JavaAction(Required(element, "main-class", name), Loc(element))
            {
                JavaOptions = [.. Texts(element, "java-opts"), .. Texts(element, "java-opt")],
                Arguments = Texts(element, "arg"),
                CaptureOutput = element.Element(x + "capture-output") is not null,
            }, element),
            "spark" => Common(new SparkAction(
                Required(element, "master", name), Required(element, "name", name), Required(element, "jar", name),
                Loc(element))
            {
                Mode = Text(element, "mode"), Class = Text(element, "class"),
                SparkOptions = Text(element, "spark-opts"), Arguments = Texts(element, "arg"),
            }, element),
            "distcp" => Common(new DistcpAction(Loc(element)) { Arguments = Texts(element, "arg") }, element),
            "email" => new EmailAction(Required(element, "to", name), Required(element, "subject", name),
                Required(element, "body", name), Loc(element))
            {
                Cc = Text(element, "cc"), Bcc = Text(element, "bcc"), ContentType = Text(element, "content_type"),
                Attachment = Text(element, "attachment"),
            },
            "ssh" => new SshAction(Required(element, "host", name), Required(element, "command", name), Loc(element))
            {
                Arguments = [.. Texts(element, "args"), .. Texts(element, "arg")],
                CaptureOutput = element.Element(x + "capture-output") is not null,
            },
            "sub-workflow" => Common(new SubWorkflowAction(Required(element, "app-path", name),
                element.Element(x + "propagate-configuration") is not null, Loc(element)), element),
            _ => Common(new GitAction(Required(element, "git-uri", name), Required(element, "destination-uri", name),
                Loc(element))
            {
                Branch = Text(element, "branch"), KeyPath = Text(element, "key-path"),
            }, element),
        };
    }

    private static T Common<T>(T action, XElement element)
        where T : ClusterAction => action with
    {
        JobTracker = Text(element, "job-tracker") ?? Text(element, "resource-manager"),
        NameNode = Text(element, "name-node"),
        Configuration = ParseConfiguration(element.Element(element.Name.Namespace + "configuration"),
            element.Name.Namespace),
        Files = Texts(element, "file"),
        Archives = Texts(element, "archive"),
    };

    private static string? Text(XElement element, string child) =>
        element.Element(element.Name.Namespace + child)?.Value.Trim();

    private static List<string> Texts(XElement element, string child) =>
        [.. element.Elements(element.Name.Namespace + child).Select(e => e.Value.Trim())];

    private string Required(XElement element, string child, string node)
    {
        var value = Text(element, child);
        if (value is null)
        {
            Error("E0701", element, node,
                $"The {element.Name.LocalName} action has no <{child}>; it is required, add <{child}>...</{child}>.");
        }

        return value ?? string.Empty;
    }

    private ShellAction ParseShell(XElement element, string name)
    {
        var ns = element.Name.Namespace;
        var exec = element.Element(ns + "exec");
        if (exec is null || exec.Value.Trim().Length == 0)
        {
            Error("E0701", exec ?? element, name,
                "The shell action has no <exec>; add <exec>program</exec> naming the program or script to run.");
        }

        return new ShellAction(Loc(element))
        {
            JobTracker = (element.Element(ns + "job-tracker") ?? element.Element(ns + "resource-manager"))
                ?.Value.Trim(),
            NameNode = element.Element(ns + "name-node")?.Value.Trim(),
            Configuration = ParseConfiguration(element.Element(ns + "configuration"), ns),
            Exec = exec?.Value.Trim() ?? string.Empty,
            Arguments = [.. element.Elements(ns + "argument").Select(a => a.Value)],
            EnvironmentVariables = [.. element.Elements(ns + "env-var").Select(a => a.Value.Trim())],
            Files = [.. element.Elements(ns + "file").Select(a => a.Value.Trim())],
            Archives = [.. element.Elements(ns + "archive").Select(a => a.Value.Trim())],
            CaptureOutput = element.Element(ns + "capture-output") is not null,
        };
    }

    private FsAction ParseFs(XElement element, string name)
    {
        var ops = new List<FsOperation>();
        foreach (var child in element.Elements())
        {
            var loc = Loc(child);
            switch (child.Name.LocalName)
            {
                case "mkdir":
                    ops.Add(new FsMkdir(RequiredAttribute(child, "path", name) ?? string.Empty, loc));
                    break;
                case "delete":
                    ops.Add(new FsDelete(RequiredAttribute(child, "path", name) ?? string.Empty, loc));
                    break;
                case "touchz":
                    ops.Add(new FsTouchz(RequiredAttribute(child, "path", name) ?? string.Empty, loc));
                    break;
                case "move":
                    ops.Add(new FsMove(
                        RequiredAttribute(child, "source", name) ?? string.Empty,
                        RequiredAttribute(child, "target", name) ?? string.Empty,
                        loc));
                    break;
                case "chmod":
                    ops.Add(new FsChmod(
                        RequiredAttribute(child, "path", name) ?? string.Empty,
                        RequiredAttribute(child, "permissions", name) ?? string.Empty,
                        !string.Equals(child.Attribute("dir-files")?.Value, "false", StringComparison.Ordinal),
                        child.Element(child.Name.Namespace + "recursive") is not null,
                        loc));
                    break;
                case "name-node" or "job-xml" or "configuration":
                    break;
                default:
                    Error("E0701", child, name,
                        $"<{child.Name.LocalName}> is not an fs operation oozie-lite runs; " +
                        "use mkdir, delete, move, touchz or chmod.");
                    break;
            }
        }

        return new FsAction(ops, Loc(element)) { NameNode = element.Element(_ns + "name-node")?.Value.Trim() };
    }

    internal static List<ConfigProperty> ParseConfiguration(XElement? configuration, XNamespace ns) =>
        configuration is null
            ? []
            : [.. configuration.Elements(ns + "property").Select(p => new ConfigProperty(
                p.Element(ns + "name")?.Value.Trim() ?? string.Empty,
                p.Element(ns + "value")?.Value ?? string.Empty))];

    private string? RequiredAttribute(XElement element, string attribute, string? node)
    {
        var value = element.Attribute(attribute)?.Value;
        if (value is null)
        {
            Error("E0701", element, node,
                $"<{element.Name.LocalName}> is missing the required attribute '{attribute}'; " +
                $"add {attribute}=\"...\".");
        }

        return value;
    }

    private SourceLocation Loc(XObject node) => XmlSource.LocationOf(node, _file);

    private void Error(string code, XObject at, string? node, string message) =>
        _errors.Add(new WorkflowError(code, Loc(at), node, node is null ? message : $"Node '{node}': {message}"));
}
