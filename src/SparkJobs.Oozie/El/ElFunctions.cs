using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SparkJobs.Oozie.El;

/// <summary>Oozie's basic EL functions and constants (concat, trim, KB, ...), independent of any job.</summary>
public static class ElFunctions
{
    /// <summary>Gets the size constants KB to PB.</summary>
    public static IReadOnlyDictionary<string, object?> Constants { get; } = new Dictionary<string, object?>
    {
        ["KB"] = 1024L, ["MB"] = 1024L * 1024, ["GB"] = 1024L * 1024 * 1024,
        ["TB"] = 1024L * 1024 * 1024 * 1024, ["PB"] = 1024L * 1024 * 1024 * 1024 * 1024,
    };

    /// <summary>Creates the basic function table.</summary>
    /// <param name="time">The clock for timestamp().</param>
    /// <returns>Functions by name.</returns>
    public static Dictionary<string, ElFunction> Basic(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new Dictionary<string, ElFunction>(StringComparer.Ordinal)
        {
            ["concat"] = a => Text(a, 0, 2, "concat") + Text(a, 1, 2, "concat"),
            ["trim"] = a => Text(a, 0, 1, "trim").Trim(),
            ["firstNotNull"] = a => Arity(a, 2, "firstNotNull")[0] ?? a[1],
            ["replaceAll"] = a => ReplaceAll(Arity(a, 3, "replaceAll")),
            ["appendAll"] = a => AppendAll(Arity(a, 3, "appendAll")),
            ["urlEncode"] = a => UrlEncode(Text(a, 0, 1, "urlEncode")),
            ["timestamp"] = a => Arity(a, 0, "timestamp") is not null
                ? time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)
                : null,
        };
    }

    internal static IReadOnlyList<object?> Arity(IReadOnlyList<object?> args, int count, string name) =>
        args.Count == count
            ? args
            : throw new ElException($"function [{name}] takes {count} argument(s) but was given {args.Count}.");

    internal static string Text(IReadOnlyList<object?> args, int index, int count, string name) =>
        ElValues.ToText(Arity(args, count, name)[index]);

    private static string? ReplaceAll(IReadOnlyList<object?> a)
    {
        if (a[0] is null || a[1] is null)
        {
            return a[0] is null ? null : ElValues.ToText(a[0]);
        }

        return Regex.Replace(ElValues.ToText(a[0]), ElValues.ToText(a[1]), ElValues.ToText(a[2]),
            RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    private static string? AppendAll(IReadOnlyList<object?> a)
    {
        if (a[0] is null)
        {
            return null;
        }

        var delimiter = ElValues.ToText(a[2]);
        var append = ElValues.ToText(a[1]);
        var pieces = delimiter.Length == 0 ? [ElValues.ToText(a[0])] : ElValues.ToText(a[0]).Split(delimiter);
        return string.Join(delimiter, pieces.Select(p => p + append));
    }

    // java.net.URLEncoder: letters, digits and ".-*_" stay, space becomes '+', the rest is %XX of UTF-8.
    private static string UrlEncode(string text)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '*' or '_')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
