using System.Globalization;
using System.Xml.Linq;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Properties;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs shell actions as local processes with Oozie's shell launcher semantics.</summary>
internal sealed class ShellExecutor : IActionExecutor
{
    /// <summary>Oozie's default limit on captured output, in characters.</summary>
    public const int DefaultMaxOutputData = 2048;

    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        // Every EL expression is evaluated before anything runs, so an EL_ERROR leaves no side effects.
        var plan = Plan(context);
        var shell = plan.Shell;
        var envVars = shell.EnvironmentVariables.Select(context.Evaluate).ToList();
        var files = shell.Files.Select(context.Evaluate).ToList();
        var archives = shell.Archives.Select(context.Evaluate).ToList();
        await LocalProcess.LocalizeAsync(context, files, archives, cancellationToken);

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
        await File.WriteAllTextAsync(confXml, ToConfigurationXml(plan.Configuration), cancellationToken);
        environment["OOZIE_ACTION_CONF_XML"] = confXml;
        environment["PWD"] = context.WorkingDirectory;

        var launch = new ProcessLaunch(ResolveExec(plan.Exec, context.WorkingDirectory), plan.Arguments, environment,
            "Ship the program with <file> or use a program on PATH; a script also needs its execute bit (or run " +
            "it as <exec>sh</exec><argument>x.sh</argument>).")
        {
            CaptureLimit = plan.CaptureLimit,
        };
        return Finish(plan, await LocalProcess.RunAsync(launch, context, reportExternal, cancellationToken));
    }

    public async Task<ActionOutcome?> ReattachAsync(
        ActionContext context, WorkflowActionRecord running, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        if (running.ExternalId is null)
        {
            return null;
        }

        var plan = Plan(context);
        var result = await LocalProcess.ReattachAsync(
            running, plan.CommandLine, plan.CaptureLimit, context, cancellationToken);
        return Finish(plan, result);
    }

    // What both a launch and a reattach need, all from EL evaluation, which has no side effects.
    private static ShellPlan Plan(ActionContext context)
    {
        var shell = (ShellAction)context.Node.Body;
        var exec = context.Evaluate(shell.Exec);
        var arguments = shell.Arguments.Select(context.Evaluate).ToList();
        // Lowest to highest: job configuration (config-default.xml included), global, then the action's own.
        var conf = LocalProcess.ActionConfiguration(context, shell.Configuration);
        return new ShellPlan(shell, exec, arguments, conf, LocalProcess.MaxOutput(conf),
            LocalProcess.CommandLine(exec, arguments));
    }

    private static ActionOutcome Finish(ShellPlan plan, ProcessResult result)
    {
        if (result.ExitCode != 0)
        {
            return ActionOutcome.Failed(result.ExitCode.ToString(CultureInfo.InvariantCulture),
                $"Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [{result.ExitCode}]: " +
                $"[{plan.CommandLine}] failed; last stderr: {result.StderrTail}");
        }

        if (!plan.Shell.CaptureOutput)
        {
            return ActionOutcome.Succeeded();
        }

        if (result.Stdout.Length > plan.CaptureLimit)
        {
            return ActionOutcome.Failed("JA010",
                $"The captured output of [{plan.CommandLine}] is over {plan.CaptureLimit} characters " +
                "(oozie.action.max.output.data); print only key=value lines, or raise the limit.");
        }

        return ActionOutcome.Succeeded(JavaProperties.Parse(result.Stdout));
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

    private sealed record ShellPlan(
        ShellAction Shell,
        string Exec,
        IReadOnlyList<string> Arguments,
        IReadOnlyDictionary<string, string> Configuration,
        int CaptureLimit,
        string CommandLine);
}
