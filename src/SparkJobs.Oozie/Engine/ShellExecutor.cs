using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using CliWrap;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Properties;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs shell actions as local processes with Oozie's shell launcher semantics.</summary>
internal sealed class ShellExecutor : IActionExecutor
{
    /// <summary>Oozie's default limit on captured output, in characters.</summary>
    public const int DefaultMaxOutputData = 2048;

    private const int StderrTailLines = 10;

    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<string> reportExternalId, CancellationToken cancellationToken)
    {
        var shell = (ShellAction)context.Node.Body;

        // Every EL expression is evaluated before anything runs, so an EL_ERROR leaves no side effects.
        var exec = context.Evaluate(shell.Exec);
        var arguments = shell.Arguments.Select(context.Evaluate).ToList();
        var envVars = shell.EnvironmentVariables.Select(context.Evaluate).ToList();
        var files = shell.Files.Select(context.Evaluate).ToList();
        var archives = shell.Archives.Select(context.Evaluate).ToList();
        var actionConf = new Dictionary<string, string>(context.Configuration, StringComparer.Ordinal);
        // Lowest to highest: job configuration (config-default.xml included), global, then the action's own.
        foreach (var property in (context.Global?.Configuration ?? []).Concat(shell.Configuration))
        {
            actionConf[property.Name] = context.Evaluate(property.Value);
        }

        var localizer = new Localizer(context.CacheDirectory, context.FileSystems);
        foreach (var file in files)
        {
            await localizer.LocalizeFileAsync(file, context.AppDirectory, context.WorkingDirectory, cancellationToken);
        }

        foreach (var archive in archives)
        {
            await localizer.LocalizeArchiveAsync(
                archive, context.AppDirectory, context.WorkingDirectory, cancellationToken);
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var envVar in envVars)
        {
            var eq = envVar.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return ActionOutcome.Failed("JA009",
                    $"The <env-var> '{envVar}' is not NAME=VALUE; write for example <env-var>LANG=C</env-var>.");
            }

            environment[envVar[..eq]] = envVar[(eq + 1)..];
        }

        var confXml = Path.Combine(context.WorkingDirectory, "action.xml");
        await File.WriteAllTextAsync(confXml, ToConfigurationXml(actionConf), cancellationToken);
        environment["OOZIE_ACTION_CONF_XML"] = confXml;
        environment["PWD"] = context.WorkingDirectory;

        var program = ResolveExec(exec, context.WorkingDirectory);
        var commandLine = string.Join(' ', arguments.Prepend(exec).Select(a => a.Contains(' ', StringComparison.Ordinal)
            ? $"'{a}'" : a));
        var maxOutput = actionConf.TryGetValue("oozie.action.max.output.data", out var m)
            && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : DefaultMaxOutputData;

        var stdout = new StringBuilder();
        var stderrTail = new Queue<string>();
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
                    stderrTail.Enqueue(line);
                    if (stderrTail.Count > StderrTailLines)
                    {
                        stderrTail.Dequeue();
                    }
                }
                else if (stdout.Length <= maxOutput + 1)
                {
                    stdout.Append(line).Append('\n');
                }
            }
        }

        int exitCode;
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
            exitCode = (await task).ExitCode;
        }
        catch (Win32Exception e)
        {
            await log.WriteLineAsync($"Could not start '{exec}': {e.Message}");
            return ActionOutcome.Failed("JA018",
                $"Could not start [{commandLine}]: {e.Message}. Ship the program with <file> or use a program on " +
                "PATH; a script also needs its execute bit (or run it as <exec>sh</exec><argument>x.sh</argument>).");
        }

        await log.WriteLineAsync($"Exit code: {exitCode}");
        if (exitCode != 0)
        {
            string tail;
            lock (gate)
            {
                tail = stderrTail.Count == 0 ? "(no stderr output)" : string.Join(" | ", stderrTail);
            }

            return ActionOutcome.Failed(exitCode.ToString(CultureInfo.InvariantCulture),
                $"Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [{exitCode}]: [{commandLine}] " +
                $"failed; last stderr: {tail}");
        }

        if (!shell.CaptureOutput)
        {
            return ActionOutcome.Succeeded();
        }

        var output = stdout.ToString();
        if (output.Length > maxOutput)
        {
            return ActionOutcome.Failed("JA010",
                $"The captured output of [{commandLine}] is over {maxOutput} characters " +
                "(oozie.action.max.output.data); print only key=value lines, or raise the limit.");
        }

        return ActionOutcome.Succeeded(JavaProperties.Parse(output));
    }

    private static string ResolveExec(string exec, string workDir)
    {
        if (Path.IsPathRooted(exec))
        {
            return exec;
        }

        var local = Path.Combine(workDir, exec);
        return exec.Contains('/', StringComparison.Ordinal) || File.Exists(local) ? local : exec;
    }

    internal static string ToConfigurationXml(IReadOnlyDictionary<string, string> conf) =>
        new XDocument(new XElement("configuration", conf.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new XElement("property", new XElement("name", kv.Key), new XElement("value", kv.Value)))))
            .ToString();
}
