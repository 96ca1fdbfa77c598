using System.Globalization;
using System.Text;

namespace SparkJobs.Oozie.Properties;

/// <summary>Reads <c>.properties</c> text with the rules of <c>java.util.Properties.load</c>.</summary>
public static class JavaProperties
{
    /// <summary>Parses properties text; later duplicates win, as in Java.</summary>
    /// <param name="text">The file contents.</param>
    /// <returns>The properties in first-seen order.</returns>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in LogicalLines(text))
        {
            var (key, value) = SplitLine(line);
            result[key] = value;
        }

        return result;
    }

    // A logical line joins natural lines that end in an odd number of backslashes; the continuation's leading
    // whitespace is dropped. Comment and blank lines never start a logical line.
    private static IEnumerable<string> LogicalLines(string text)
    {
        var natural = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var current = new StringBuilder();
        var continuing = false;
        foreach (var raw in natural)
        {
            var line = continuing ? raw.TrimStart(' ', '\t', '\f') : raw;
            if (!continuing)
            {
                var trimmed = line.TrimStart(' ', '\t', '\f');
                if (trimmed.Length == 0 || trimmed[0] is '#' or '!')
                {
                    continue;
                }

                line = trimmed;
            }

            var backslashes = 0;
            for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
            {
                backslashes++;
            }

            if (backslashes % 2 == 1)
            {
                current.Append(line, 0, line.Length - 1);
                continuing = true;
                continue;
            }

            current.Append(line);
            continuing = false;
            yield return current.ToString();
            current.Clear();
        }

        if (continuing)
        {
            yield return current.ToString();
        }
    }

    private static (string Key, string Value) SplitLine(string line)
    {
        var i = 0;
        var keyEnd = line.Length;
        var escaped = false;
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (escaped)
            {
                escaped = false;
                continue;
            }

            if (c == '\\')
            {
                escaped = true;
            }
            else if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                keyEnd = i;
                break;
            }
        }

        var valueStart = keyEnd;
        while (valueStart < line.Length && line[valueStart] is ' ' or '\t' or '\f')
        {
            valueStart++;
        }

        if (valueStart < line.Length && line[valueStart] is '=' or ':')
        {
            valueStart++;
            while (valueStart < line.Length && line[valueStart] is ' ' or '\t' or '\f')
            {
                valueStart++;
            }
        }

        return (Unescape(line[..keyEnd]), Unescape(line[Math.Min(valueStart, line.Length)..]));
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i == text.Length - 1)
            {
                sb.Append(c);
                continue;
            }

            var next = text[++i];
            switch (next)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < text.Length && int.TryParse(
                    text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(next); break;
            }
        }

        return sb.ToString();
    }
}
