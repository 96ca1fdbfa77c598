using System.Text.Json;
using System.Xml;
using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Storage;

namespace SparkJobs.Cli;

/// <summary>The coordinator and bundle side of oozie-lite: validate, dry-run, submit, control and the server.</summary>
internal sealed partial class CoordinatorCli(TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    /// <summary>Whether a configuration submits a coordinator or a bundle rather than a workflow.</summary>
    public static bool Handles(IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string> d) =>
        properties.ContainsKey(CoordinatorLoader.AppPathProperty) || d.ContainsKey(CoordinatorLoader.AppPathProperty)
        || properties.ContainsKey(BundleLoader.AppPathProperty) || d.ContainsKey(BundleLoader.AppPathProperty);

    /// <summary>Reads the root element of an XML file, or null when it is not XML at all.</summary>
    public static string? RootElement(string path)
    {
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null,
            });
            return reader.MoveToContent() == XmlNodeType.Element ? reader.LocalName : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Validates a coordinator.xml or bundle.xml, printing every error with its position.</summary>
    public int Validate(string path, string root)
    {
        var text = File.ReadAllText(path);
        List<WorkflowError> errors;
        string kind;
        if (root == "bundle-app")
        {
            errors = [];
            BundleParser.Parse(text, path, errors);
            kind = "bundle-app";
        }
        else
        {
            errors = CoordinatorLoader.Check(text, path, time).Errors;
            kind = "coordinator-app";
        }

        foreach (var error in errors)
        {
            stdout.WriteLine(error);
        }

        if (errors.Count > 0)
        {
            stderr.WriteLine($"Error: {path} has {errors.Count} error(s).");
            return ExitCodes.Failure;
        }

        stdout.WriteLine($"Valid {kind}");
        return ExitCodes.Success;
    }

    /// <summary>Prints the actions a coordinator would materialise between its start and end.</summary>
    public async Task<int> DryRunAsync(IReadOnlyDictionary<string, string> properties,
        IReadOnlyDictionary<string, string> defines, string configFile, bool json)
    {
        var prepared = await CoordinatorLoader.PrepareAsync(properties, defines, Environment.UserName, configFile,
            FileSystems.Default, time);
        var materializer = new Materializer(prepared.Definition, time);
        var actions = materializer.All().ToList();
        if (json)
        {
            stdout.WriteLine(DryRunJson(materializer, actions));
            return ExitCodes.Success;
        }

        var d = prepared.Definition;
        stdout.WriteLine($"Coordinator [{d.Name}] frequency {d.Frequency} timezone {d.Zone.Id}: {actions.Count} " +
            $"action(s) from {OozieTime.Format(d.Start)} to {OozieTime.Format(d.End)} (end exclusive)");
        foreach (var action in actions)
        {
            stdout.WriteLine($"Action {action.Number} nominal {OozieTime.Format(action.NominalTime)}");
            foreach (var input in action.DataIn)
            {
                stdout.WriteLine($"  data-in  {input.Name}: {string.Join(",", materializer.Uris(input))}");
            }

            foreach (var (name, uris) in action.DataOut)
            {
                stdout.WriteLine($"  data-out {name}: {string.Join(",", uris)}");
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Renders the dry-run JSON: an array of {actionNumber, nominalTime, dataIn, dataOut}.</summary>
    public static string DryRunJson(Materializer materializer, IEnumerable<MaterializedAction> actions)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var action in actions)
            {
                w.WriteStartObject();
                w.WriteNumber("actionNumber", action.Number);
                w.WriteString("nominalTime", OozieTime.Format(action.NominalTime));
                w.WriteStartObject("dataIn");
                foreach (var input in action.DataIn)
                {
                    WriteList(w, input.Name, materializer.Uris(input));
                }

                w.WriteEndObject();
                w.WriteStartObject("dataOut");
                foreach (var (name, uris) in action.DataOut)
                {
                    WriteList(w, name, uris);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteList(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
