using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SparkJobs.Storage;

namespace SparkJobs.Hosting;

/// <summary>
/// Runs a job's body the same way for every job: cancellation on Ctrl+C or SIGTERM, user errors
/// printed as one line on standard error, and a stack trace only for genuine bugs.
/// </summary>
public static class JobHost
{
    /// <summary>
    /// Handles the parse results that end the process before the job runs: help and version print and
    /// exit with their own code, and parse errors are printed as one line on standard error (with a hint to
    /// run <c>--help</c>, never the whole help text) and exit with <see cref="ExitCodes.UserError"/>.
    /// </summary>
    /// <param name="jobName">The job's command name, used as the prefix of the error line.</param>
    /// <param name="parsed">The parsed command line.</param>
    /// <returns>The exit code to return, or <see langword="null"/> when the job should run.</returns>
    public static async Task<int?> HandleUsageAsync(string jobName, ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.Action is { ClearsParseErrors: true })
        {
            return await parsed.InvokeAsync();
        }

        if (parsed.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync(UsageErrorLine(jobName, parsed.Errors));
            return ExitCodes.UserError;
        }

        return parsed.Action is null || parsed.Action == parsed.CommandResult.Command.Action
            ? null
            : await parsed.InvokeAsync();
    }

    // One line in the user's terms: a value that is not a number names the option and the value, never a
    // .NET type, and multi-line messages are folded.
    private static string UsageErrorLine(string jobName, IReadOnlyList<ParseError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var messages = errors.Select(Describe).Distinct(StringComparer.Ordinal).ToList();
        var text = string.Join("; ", messages.Select(m => m.TrimEnd('.')));
        return $"{jobName}: error: {text}. Run '{jobName} --help' for the options.";
    }

    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option is not null && NumberKind(option.Option.ValueType) is { } number)
        {
            foreach (var token in option.Tokens)
            {
                if (!number.Parses(token.Value))
                {
                    return $"{option.Option.Name}: '{Printable(token.Value)}' is not {number.Kind}";
                }
            }
        }

        var message = Fold(error.Message);
        return option is null || message.Contains(option.Option.Name, StringComparison.Ordinal)
            ? message
            : $"{option.Option.Name}: {message}";
    }

    private static (string Kind, Func<string, bool> Parses)? NumberKind(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        var culture = CultureInfo.InvariantCulture;
        const NumberStyles whole = NumberStyles.Integer;
        const NumberStyles real = NumberStyles.Float;
        const string wholeNumber = "a whole number";
        return t switch
        {
            _ when t == typeof(int) => (wholeNumber, v => int.TryParse(v, whole, culture, out _)),
            _ when t == typeof(long) => (wholeNumber, v => long.TryParse(v, whole, culture, out _)),
            _ when t == typeof(short) => (wholeNumber, v => short.TryParse(v, whole, culture, out _)),
            _ when t == typeof(double) => ("a number", v => double.TryParse(v, real, culture, out _)),
            _ when t == typeof(float) => ("a number", v => float.TryParse(v, real, culture, out _)),
            _ when t == typeof(decimal) => ("a number", v => decimal.TryParse(v, real, culture, out _)),
            _ => null,
        };
    }

    // Messages such as "Must be one of:" put each item on an indented line of its own.
    private static string Fold(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length <= 1 ? message.Trim() : $"{lines[0]} {string.Join(", ", lines.Skip(1))}";
    }

    // Shows a value briefly and with control characters escaped, so that a stray byte cannot garble the line.
    private static string Printable(string value)
    {
        var shown = value.Length > 40 ? value[..40] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c)
            ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}")
            : c.ToString()));
    }

    /// <summary>Runs <paramref name="body"/> and turns its outcome into an exit code.</summary>
    /// <param name="jobName">The job's command name, used as the prefix of error lines.</param>
    /// <param name="body">The job; returns its exit code.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string jobName, Func<CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                cancellation.Cancel();
            });
        try
        {
            return await body(cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{jobName}: interrupted; no output was committed.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is JobException or StorageException)
        {
            await Console.Error.WriteLineAsync($"{jobName}: error: {e.Message}");
            return ExitCodes.UserError;
        }
#pragma warning disable CA1031 // The process edge: any other failure becomes an exit code with its trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"{jobName}: internal error: {e}");
            return ExitCodes.InternalError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
