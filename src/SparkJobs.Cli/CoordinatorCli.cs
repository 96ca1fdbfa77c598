using System.Globalization;
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

    /// <summary>The property that bounds how many actions a dry run lists.</summary>
    public const string DryRunLimitProperty = "oozie-lite.dryrun.max.actions";

    private const int DefaultDryRunLimit = 1_000_000;

    /// <summary>Prints the actions a coordinator would materialise between its start and end.</summary>
    public async Task<int> DryRunAsync(IReadOnlyDictionary<string, string> properties,
        IReadOnlyDictionary<string, string> defines, string configFile, bool json)
    {
        var prepared = await CoordinatorLoader.PrepareAsync(properties, defines, Environment.UserName, configFile,
            FileSystems.Default, time);
        var materializer = new Materializer(prepared.Definition, time);
        var limitText = defines.GetValueOrDefault(DryRunLimitProperty) ?? properties.GetValueOrDefault(DryRunLimitProperty);
        var limit = DefaultDryRunLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture,
            out limit) || limit < 1))
        {
            throw new UsageException($"{DryRunLimitProperty}={limitText} is not a positive whole number.");
        }

        // Counting first keeps a window of millions of actions from being held in memory or half printed.
        var count = materializer.All().Take(limit + 1).Count();
        var d = prepared.Definition;
        if (count > limit)
        {
            throw new UsageException($"the coordinator [{d.Name}] would materialise more than {limit.ToString("N0", CultureInfo.InvariantCulture)} actions " +
                $"from {OozieTime.Format(d.Start)} to {OozieTime.Format(d.End)}; narrow start and end, or raise " +
                $"-D {DryRunLimitProperty}=N.");
        }

        if (json)
        {
            WriteDryRunJson(stdout, materializer, materializer.All());
            return ExitCodes.Success;
        }

        stdout.WriteLine($"Coordinator [{d.Name}] frequency {d.Frequency} timezone {d.Zone.Id}: {count} " +
            $"action(s) from {OozieTime.Format(d.Start)} to {OozieTime.Format(d.End)} (end exclusive)");
        foreach (var action in materializer.All())
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

    /// <summary>Writes the dry-run JSON, an array of {actionNumber, nominalTime, dataIn, dataOut}, as it goes.</summary>
    public static void WriteDryRunJson(TextWriter output, Materializer materializer, IEnumerable<MaterializedAction> actions)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(materializer);
        ArgumentNullException.ThrowIfNull(actions);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            void Drain()
            {
                w.Flush();
                output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                buffer.SetLength(0);
            }

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
                if (buffer.Length > 1 << 16)
                {
                    Drain();
                }
            }

            w.WriteEndArray();
            Drain();
        }

        output.WriteLine();
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
