using System.Xml.Linq;
using SparkJobs.Oozie.Parsing;

namespace SparkJobs.Oozie.Properties;

/// <summary>Reads Hadoop configuration XML, such as config-default.xml.</summary>
public static class HadoopConfiguration
{
    /// <summary>Parses configuration XML; later duplicates win, as in Hadoop.</summary>
    /// <param name="text">The XML text.</param>
    /// <param name="file">The file name, for error messages.</param>
    /// <returns>The properties in document order.</returns>
    /// <exception cref="WorkflowValidationException">The XML is malformed or not a configuration.</exception>
    public static IReadOnlyDictionary<string, string> Parse(string text, string file)
    {
        var errors = new List<WorkflowError>();
        var doc = XmlSource.Load(text, file, errors, maxBytes: 10_000_000);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.Root is { } root)
        {
            if (root.Name.LocalName != "configuration")
            {
                errors.Add(new WorkflowError("E0701", XmlSource.LocationOf(root, file), null,
                    $"The root element is <{root.Name.LocalName}>; a Hadoop configuration file has <configuration> " +
                    "with <property><name>..</name><value>..</value></property> children."));
            }

            foreach (var property in root.Elements().Where(e => e.Name.LocalName == "property"))
            {
                var name = Child(property, "name")?.Value.Trim();
                if (string.IsNullOrEmpty(name))
                {
                    errors.Add(new WorkflowError("E0701", XmlSource.LocationOf(property, file), null,
                        "A <property> has no <name>; add <name>key</name>."));
                    continue;
                }

                result[name] = Child(property, "value")?.Value ?? string.Empty;
            }
        }

        return errors.Count > 0 ? throw new WorkflowValidationException(errors) : result;
    }

    private static XElement? Child(XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name);
}
