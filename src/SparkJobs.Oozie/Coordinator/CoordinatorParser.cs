using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Parsing;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Parses coordinator.xml (<c>uri:oozie:coordinator:0.1</c> to <c>0.5</c>), collecting every error.</summary>
internal sealed partial class CoordinatorParser
{
    public const string NamespacePrefix = "uri:oozie:coordinator:";

    private static readonly string[] Versions = ["0.1", "0.2", "0.3", "0.4", "0.5"];
    private static readonly string[] LogicAttributes = ["min", "wait"];

    private readonly XmlElements _x;
    private XNamespace _ns = XNamespace.None;
    private string _version = "0.1";

    private CoordinatorParser(string file, List<WorkflowError> errors) => _x = new XmlElements(file, errors);

    /// <summary>Parses the text; returns null when the document is unusable, with the reasons in errors.</summary>
    public static CoordinatorApp? Parse(string text, string file, List<WorkflowError> errors)
    {
        var doc = XmlSource.Load(text, file, errors);
        return doc.Root is null ? null : new CoordinatorParser(file, errors).ParseRoot(doc.Root);
    }

    /// <summary>Checks a dataset or event name against Oozie's identifier rule.</summary>
    public static bool IsIdentifier(string name) => IdentifierPattern().IsMatch(name);

    private double V => double.Parse(_version, CultureInfo.InvariantCulture);

    private CoordinatorApp? ParseRoot(XElement root)
    {
        var nsName = root.Name.NamespaceName;
        var version = nsName.StartsWith(NamespacePrefix, StringComparison.Ordinal)
            ? nsName[NamespacePrefix.Length..]
            : null;
        if (root.Name.LocalName != "coordinator-app" || version is null || !Versions.Contains(version))
        {
            _x.Error("E0701", root, $"The root element is <{root.Name.LocalName}> in namespace '{nsName}'; it must " +
                $"be <coordinator-app> in one of {string.Join(", ", Versions.Select(v => NamespacePrefix + v))}.");
            return null;
        }

        _ns = root.Name.Namespace;
        _version = version;
        var attributes = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        string Attr(string name)
        {
            var a = root.Attribute(name);
            attributes[name] = a is null ? _x.Loc(root) : _x.Loc(a);
            return _x.Required(root, name) ?? string.Empty;
        }

        var (name, frequency, start, end, timezone) =
            (Attr("name"), Attr("frequency"), Attr("start"), Attr("end"), Attr("timezone"));
        var controls = new CoordinatorControls(null, null, null, null);
        var includes = new List<string>();
        var datasets = new List<DatasetDefinition>();
        var inputs = new List<DataInEvent>();
        var outputs = new List<DataOutEvent>();
        var parameters = new List<WorkflowParameter>();
        InputLogicNode? logic = null;
        CoordinatorWorkflow? workflow = null;
        string[] order =
            ["parameters", "controls", "datasets", "input-events", "input-logic", "output-events", "action"];
        var last = -1;
        foreach (var child in root.Elements())
        {
            if (child.Name.Namespace != _ns)
            {
                continue;
            }

            var index = Array.IndexOf(order, child.Name.LocalName);
            if (index < 0)
            {
                _x.Error("E0701", child, $"<{child.Name.LocalName}> is not allowed in <coordinator-app>; allowed " +
                    $"are, in this order: {string.Join(", ", order)}.");
                continue;
            }

            if (index <= last)
            {
                _x.Error("E0701", child, $"<{child.Name.LocalName}> is out of place or repeated; the children of " +
                    $"<coordinator-app> come once each in this order: {string.Join(", ", order)}.");
            }

            last = Math.Max(last, index);
            switch (child.Name.LocalName)
            {
                case "parameters":
                    NeedVersion(child, 0.4);
                    parameters.AddRange(_x.Parameters(child, _ns));
                    break;
                case "controls":
                    controls = ParseControls(child);
                    break;
                case "datasets":
                    foreach (var d in child.Elements())
                    {
                        if (d.Name == _ns + "include")
                        {
                            includes.Add(d.Value.Trim());
                        }
                        else if (d.Name == _ns + "dataset")
                        {
                            datasets.Add(ParseDataset(d));
                        }
                        else
                        {
                            _x.Error("E0701", d, $"<{d.Name.LocalName}> is not allowed in <datasets>; use " +
                                "<include> and <dataset>.");
                        }
                    }

                    break;
                case "input-events":
                    inputs.AddRange(child.Elements(_ns + "data-in").Select(ParseDataIn));
                    _x.OnlyChildren(child, _ns, "data-in");
                    break;
                case "input-logic":
                    NeedVersion(child, 0.5);
                    logic = ParseLogicChildren(child);
                    break;
                case "output-events":
                    outputs.AddRange(child.Elements(_ns + "data-out").Select(ParseDataOut));
                    _x.OnlyChildren(child, _ns, "data-out");
                    break;
                case "action":
                    workflow = ParseAction(child);
                    break;
            }
        }

        if (workflow is null)
        {
            _x.Error("E0701", root, "The coordinator has no <action><workflow><app-path>..</app-path></workflow>" +
                "</action>; add one naming the workflow to run.");
        }

        return new CoordinatorApp(name, version, frequency, start, end, timezone, controls, includes, datasets,
            inputs, logic, outputs, workflow ?? new CoordinatorWorkflow(string.Empty, [], _x.Loc(root)), parameters,
            _x.Loc(root), attributes);
    }

    private void NeedVersion(XObject node, double minimum)
    {
        if (V < minimum)
        {
            var what = node is XElement e ? $"<{e.Name.LocalName}>" : $"@{((XAttribute)node).Name.LocalName}";
            _x.Error("E0701", node, $"{what} needs uri:oozie:coordinator:{minimum.ToString("0.0",
                CultureInfo.InvariantCulture)} or later but this file declares {NamespacePrefix}{_version}; " +
                "raise the namespace version.");
        }
    }

    private CoordinatorControls ParseControls(XElement element)
    {
        string? Value(string name) => element.Element(_ns + name)?.Value.Trim();
        if (element.Element(_ns + "throttle") is { } throttle)
        {
            NeedVersion(throttle, 0.2);
        }

        _x.OnlyChildren(element, _ns, "timeout", "concurrency", "execution", "throttle");
        return new CoordinatorControls(Value("timeout"), Value("concurrency"), Value("execution"), Value("throttle"));
    }

    private DatasetDefinition ParseDataset(XElement d)
    {
        var name = _x.Required(d, "name") ?? string.Empty;
        CheckName(d, name, "dataset");
        var template = d.Element(_ns + "uri-template");
        if (template is null)
        {
            _x.Error("E0701", d, $"Dataset '{name}' has no <uri-template>; add one such as " +
                "hdfs://nn/data/${YEAR}/${MONTH}/${DAY}.");
        }

        var done = d.Element(_ns + "done-flag");
        return new DatasetDefinition(name, _x.Required(d, "frequency") ?? string.Empty,
            _x.Required(d, "initial-instance") ?? string.Empty, _x.Required(d, "timezone") ?? string.Empty,
            template?.Value.Trim() ?? string.Empty, done?.Value.Trim(), _x.Loc(d));
    }

    private DataInEvent ParseDataIn(XElement e)
    {
        var name = _x.Required(e, "name") ?? string.Empty;
        CheckName(e, name, "data-in");
        foreach (var attr in LogicAttributes.Select(a => e.Attribute(a)).OfType<XAttribute>())
        {
            NeedVersion(attr, 0.5);
        }

        var instances = e.Elements(_ns + "instance").Select(i => i.Value.Trim()).ToList();
        var start = e.Element(_ns + "start-instance")?.Value.Trim();
        var end = e.Element(_ns + "end-instance")?.Value.Trim();
        if (instances.Count > 0 == (start is not null || end is not null) || (start is null) != (end is null))
        {
            _x.Error("E0701", e, $"data-in '{name}' needs either one or more <instance> elements or a " +
                "<start-instance>/<end-instance> pair, not both and not neither.");
        }

        return new DataInEvent(name, _x.Required(e, "dataset") ?? string.Empty, instances, start, end, _x.Loc(e));
    }

    private DataOutEvent ParseDataOut(XElement e)
    {
        var name = _x.Required(e, "name") ?? string.Empty;
        CheckName(e, name, "data-out");
        var noCleanup = e.Attribute("nocleanup");
        if (noCleanup is not null)
        {
            NeedVersion(noCleanup, 0.4);
        }

        var instances = e.Elements(_ns + "instance").ToList();
        if (instances.Count != 1)
        {
            _x.Error("E0701", e, $"data-out '{name}' needs exactly one <instance>, not {instances.Count}.");
        }

        return new DataOutEvent(name, _x.Required(e, "dataset") ?? string.Empty,
            instances.FirstOrDefault()?.Value.Trim() ?? string.Empty,
            string.Equals(noCleanup?.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase), _x.Loc(e));
    }

    private InputLogicNode? ParseLogicChildren(XElement element)
    {
        var children = element.Elements().Where(c => c.Name.Namespace == _ns).Select(ParseLogic).ToList();
        if (children.Count != 1)
        {
            _x.Error("E0701", element, "<input-logic> holds exactly one <and>, <or>, <combine> or <data-in>.");
        }

        return children.FirstOrDefault();
    }

    private InputLogicNode ParseLogic(XElement e)
    {
        int? Number(string attr)
        {
            var text = e.Attribute(attr)?.Value.Trim();
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            _x.Error("E0701", e, $"@{attr}='{text}' on <{e.Name.LocalName}> is not a whole number.");
            return null;
        }

        var kind = e.Name.LocalName;
        if (kind is not ("and" or "or" or "combine" or "data-in"))
        {
            _x.Error("E0701", e, $"<{kind}> is not allowed in <input-logic>; use and, or, combine or data-in.");
        }

        var children = kind == "data-in"
            ? []
            : e.Elements().Where(c => c.Name.Namespace == _ns).Select(ParseLogic).ToList();
        if (kind != "data-in" && children.Count == 0)
        {
            _x.Error("E0701", e, $"<{kind}> in <input-logic> needs at least one child.");
        }

        var reference = kind == "data-in" ? (e.Attribute("dataset")?.Value ?? e.Attribute("name")?.Value) : null;
        return new InputLogicNode(kind, e.Attribute("name")?.Value, Number("min"), Number("wait"), reference,
            children, _x.Loc(e));
    }

    private CoordinatorWorkflow? ParseAction(XElement action)
    {
        var wf = action.Element(_ns + "workflow");
        if (wf is null)
        {
            _x.Error("E0701", action, "<action> needs a <workflow> with an <app-path>.");
            return null;
        }

        var appPath = wf.Element(_ns + "app-path");
        if (appPath is null || appPath.Value.Trim().Length == 0)
        {
            _x.Error("E0701", wf, "<workflow> needs a non-empty <app-path>, the workflow application directory.");
        }

        var conf = new List<KeyValuePair<string, string>>();
        foreach (var property in wf.Element(_ns + "configuration")?.Elements(_ns + "property") ?? [])
        {
            var key = property.Element(_ns + "name")?.Value.Trim();
            if (string.IsNullOrEmpty(key))
            {
                _x.Error("E0701", property, "A configuration <property> has no <name>; add <name>key</name>.");
                continue;
            }

            conf.Add(new(key, property.Element(_ns + "value")?.Value ?? string.Empty));
        }

        return new CoordinatorWorkflow(appPath?.Value.Trim() ?? string.Empty, conf, _x.Loc(wf));
    }

    private void CheckName(XElement e, string name, string what)
    {
        if (name.Length > 0 && !IsIdentifier(name))
        {
            _x.Error("E0701", e, $"The {what} name '{name}' is invalid; names match [a-zA-Z][-_a-zA-Z0-9]*.");
        }
    }

    [GeneratedRegex("^[a-zA-Z][-_a-zA-Z0-9]*$")]
    private static partial Regex IdentifierPattern();
}

/// <summary>Small helpers shared by the coordinator and bundle parsers: positions and common checks.</summary>
internal sealed class XmlElements(string file, List<WorkflowError> errors)
{
    public List<WorkflowError> Errors => errors;

    public SourceLocation Loc(XObject node) => XmlSource.LocationOf(node, file);

    public void Error(string code, XObject node, string message) =>
        errors.Add(new WorkflowError(code, Loc(node), node is XElement e ? e.Name.LocalName : null, message));

    public string? Required(XElement element, string attribute)
    {
        var value = element.Attribute(attribute)?.Value;
        if (value is null)
        {
            Error("E0701", element, $"<{element.Name.LocalName}> is missing the required attribute " +
                $"'{attribute}'; add {attribute}=\"...\".");
        }

        return value;
    }

    public void OnlyChildren(XElement element, XNamespace ns, params string[] allowed)
    {
        foreach (var child in element.Elements().Where(c => c.Name.Namespace == ns))
        {
            if (!allowed.Contains(child.Name.LocalName))
            {
                Error("E0701", child, $"<{child.Name.LocalName}> is not allowed in <{element.Name.LocalName}>; " +
                    $"allowed are {string.Join(", ", allowed)}.");
            }
        }
    }

    public List<WorkflowParameter> Parameters(XElement element, XNamespace ns)
    {
        var list = new List<WorkflowParameter>();
        foreach (var property in element.Elements(ns + "property"))
        {
            var name = property.Element(ns + "name")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                Error("E0739", property, "A parameter has an empty <name>; give every parameter a name.");
                continue;
            }

            list.Add(new WorkflowParameter(name, property.Element(ns + "value")?.Value, Loc(property)));
        }

        return list;
    }
}
