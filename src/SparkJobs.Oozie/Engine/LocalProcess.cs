using System.ComponentModel;
using System.Globalization;
using System.Text;
using CliWrap;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Engine;

/// <summary>How a launched program ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StderrTail">The last stderr lines, joined for a message.</param>
/// <param name="CommandLine">The command line, for messages.</param>
internal sealed record ProcessResult(int ExitCode, string StderrTail, string CommandLine);

/// <summary>Launches the program of a java or spark action and logs its output to the action log.</summary>
internal static class LocalProcess
{
    private const int StderrTailLines = 10;

    /// <summary>Runs a program to its end; throws a JA018 OozieException when it cannot start.</summary>
    public static async Task<ProcessResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        ActionContext context,
        Action<string> reportExternalId,
        string howToFix,
        CancellationToken cancellationToken)
    {
        var commandLine = string.Join(' ', arguments.Prepend(program)
            .Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
        var tail = new Queue<string>();
        var gate = new object();
        await using var log = new StreamWriter(context.LogPath, append: true, Encoding.UTF8) { AutoFlush = true };
        await log.WriteLineAsync($"Launching: {commandLine}  (working directory {context.WorkingDirectory})");

        void Write(string line, bool isError)
        {
            lock (gate)
            {
                log.WriteLine(isError ? "[stderr] " + line : line);
                if (isError)
                {
                    tail.Enqueue(line);
                    if (tail.Count > StderrTailLines)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }

        try
        {
            var task = Cli.Wrap(program)
                .WithArguments(arguments)
                .WithWorkingDirectory(context.WorkingDirectory)
                .WithEnvironmentVariables(environment)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Write(line, false)))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Write(line, true)))
                .ExecuteAsync(cancellationToken);
            reportExternalId(task.ProcessId.ToString(CultureInfo.InvariantCulture));
            var exitCode = (await task).ExitCode;
            await log.WriteLineAsync($"Exit code: {exitCode}");
            lock (gate)
            {
                return new ProcessResult(
                    exitCode, tail.Count == 0 ? "(no stderr output)" : string.Join(" | ", tail), commandLine);
            }
        }
        catch (Win32Exception e)
        {
            await log.WriteLineAsync($"Could not start '{program}': {e.Message}");
            throw new OozieException("JA018", $"Could not start [{commandLine}]: {e.Message}. {howToFix}");
        }
    }

    /// <summary>Merges the job configuration, the global configuration and the action's own, lowest first.</summary>
    public static Dictionary<string, string> ActionConfiguration(
        ActionContext context, IReadOnlyList<ConfigProperty> own)
    {
        var conf = new Dictionary<string, string>(context.Configuration, StringComparer.Ordinal);
        foreach (var property in (context.Global?.Configuration ?? []).Concat(own))
        {
            conf[property.Name] = context.Evaluate(property.Value);
        }

        return conf;
    }

    /// <summary>Localises the action's files and archives into the working directory, as shell does.</summary>
    public static async Task LocalizeAsync(
        ActionContext context, IEnumerable<string> files, IEnumerable<string> archives, CancellationToken ct)
    {
        var localizer = new Localizer(context.CacheDirectory, context.FileSystems);
        foreach (var file in files)
        {
            await localizer.LocalizeFileAsync(file, context.AppDirectory, context.WorkingDirectory, ct);
        }

        foreach (var archive in archives)
        {
            await localizer.LocalizeArchiveAsync(archive, context.AppDirectory, context.WorkingDirectory, ct);
        }
    }

    /// <summary>Reads <c>oozie.action.max.output.data</c>, Oozie's limit on captured output.</summary>
    public static int MaxOutput(IReadOnlyDictionary<string, string> conf) =>
        conf.TryGetValue("oozie.action.max.output.data", out var m)
            && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : ShellExecutor.DefaultMaxOutputData;
}
