using System.Text.RegularExpressions;

namespace SparkJobs.DataFrame.Embedded;

/// <summary>
/// Turns DuckDB's CSV errors, which run to dozens of lines (the whole offending row, reader settings and
/// fixes that name options our API does not have), into one line: the file, the line, and what is wrong.
/// </summary>
internal static partial class DuckDbErrors
{
    /// <summary>Describes a DuckDB error as a <see cref="DataFrameException"/>.</summary>
    /// <param name="message">DuckDB's message.</param>
    /// <param name="inner">DuckDB's exception.</param>
    /// <returns>The exception to throw.</returns>
    public static DataFrameException Translate(string message, Exception inner)
    {
        if (CsvLine().Match(message) is not { Success: true } line)
        {
            return new DataFrameException($"The embedded engine (DuckDB) failed: {message}", inner);
        }

        var file = CsvFile().Match(message) is { Success: true } f ? f.Groups[1].Value.Trim() : null;
        var where = (file is null ? "The CSV input" : $"'{file}'") + $" line {line.Groups[1].Value}";
        string what;
        if (Conversion().Match(message) is { Success: true } conversion)
        {
            what = $": column '{conversion.Groups[1].Value}' holds '{Short(conversion.Groups[2].Value)}', which is "
                + $"not {TypeInWords(conversion.Groups[3].Value)}";
        }
        else if (ColumnCount().Match(message) is { Success: true } count)
        {
            what = $" has {count.Groups[2].Value} columns where {count.Groups[1].Value} are expected";
        }
        else if (message.Contains("unterminated quote", StringComparison.OrdinalIgnoreCase))
        {
            what = " has a value with an unterminated quote";
        }
        else
        {
            what = " cannot be read: " + Reason(message);
        }

        return new DataFrameException($"{where}{what}.", inner) { InputFile = file };
    }

    private static string TypeInWords(string duckDbType) => duckDbType.ToUpperInvariant() switch
    {
        "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" => $"a whole number ({duckDbType})",
        "FLOAT" or "DOUBLE" => "a number",
        "BOOLEAN" => "true or false",
        _ => $"a {duckDbType} value",
    };

    // The first line after the "CSV Error on Line" and "Original Line" lines says what went wrong.
    private static string Reason(string message) =>
        message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !CsvLine().IsMatch(l) && !l.StartsWith("Original Line:", StringComparison.Ordinal))
            .Select(Short)
            .FirstOrDefault() ?? "DuckDB gave no reason";

    private static string Short(string text) => text.Length > 60 ? text[..60] + "..." : text;

    [GeneratedRegex(@"CSV Error on Line: (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex CsvLine();

    [GeneratedRegex(@"^\s*file = (.+)$", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex CsvFile();

    [GeneratedRegex(
        "converting column \"([^\"]*)\"\\. Could not convert string \"([^\"]*)\" to '([^']*)'",
        RegexOptions.CultureInvariant)]
    private static partial Regex Conversion();

    [GeneratedRegex(@"Expected Number of Columns: (\d+) Found: (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnCount();
}
