using System.Xml;
using System.Xml.Linq;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Loads XML safely: no DTDs, no external resolution, a size limit, and line numbers kept.</summary>
internal static class XmlSource
{
    /// <summary>Oozie's limit on the size of a workflow definition.</summary>
    public const int MaxDefinitionBytes = 100_000;

    public static XDocument Load(
        string text, string file, List<WorkflowError> errors, int maxBytes = MaxDefinitionBytes)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > maxBytes)
        {
            errors.Add(new WorkflowError(
                "E0736", new SourceLocation(file, 1, 1), null,
                $"The definition is {bytes:N0} bytes, over the limit of {maxBytes:N0}; " +
                "split it into sub-workflows or move configuration into config-default.xml."));
            return new XDocument();
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            // Errors found at the end of the input (an empty or truncated file) come without a position.
            var location = e.LineNumber > 0
                ? new SourceLocation(file, e.LineNumber, e.LinePosition)
                : EndOf(text, file);
            errors.Add(new WorkflowError(
                "E0700", location, null,
                $"The XML is not well formed: {e.Message} Fix the markup at that position " +
                "(every element needs a matching end tag; DTDs are not allowed)."));
            return new XDocument();
        }
    }

    private static SourceLocation EndOf(string text, string file)
    {
        var lastBreak = text.LastIndexOf('\n');
        return new SourceLocation(file, text.Count(c => c == '\n') + 1, text.Length - lastBreak);
    }

    public static SourceLocation LocationOf(XObject node, string file) =>
        node is IXmlLineInfo info && info.HasLineInfo()
            ? new SourceLocation(file, info.LineNumber, info.LinePosition)
            : new SourceLocation(file, 0, 0);
}
