using System.Globalization;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Properties;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs java actions as a local JVM over the application's <c>lib/*.jar</c>, like Oozie's launcher.</summary>
internal sealed class JavaExecutor : IActionExecutor
{
    /// <summary>The system property naming the file a main class writes its captured output to.</summary>
    public const string OutputPropertiesProperty = "oozie.action.output.properties";

    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        var java = (JavaAction)context.Node.Body;
        var plan = Plan(context);
        var files = java.Files.Select(context.Evaluate).ToList();
        var archives = java.Archives.Select(context.Evaluate).ToList();
        await LocalProcess.LocalizeAsync(context, files, archives, cancellationToken);
        Directory.CreateDirectory(Path.Combine(context.WorkingDirectory, "lib"));
        await LocalizeLibAsync(context, Path.Combine(context.WorkingDirectory, "lib"), cancellationToken);
        var confXml = Path.Combine(context.WorkingDirectory, "action.xml");
        await File.WriteAllTextAsync(confXml, ShellExecutor.ToConfigurationXml(plan.Configuration), cancellationToken);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OOZIE_ACTION_CONF_XML"] = confXml,
            ["OOZIE_ACTION_OUTPUT_PROPERTIES"] = plan.OutputFile,
            ["PWD"] = context.WorkingDirectory,
        };
        var result = await LocalProcess.RunAsync(plan.Launch with { Environment = environment }, context,
            reportExternal, cancellationToken);
        return await FinishAsync(java, plan, result, cancellationToken);
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
            running, plan.Launch.CommandLine, plan.Launch.CaptureLimit, context, cancellationToken);
        return await FinishAsync((JavaAction)context.Node.Body, plan, result, cancellationToken);
    }

    // What both a launch and a reattach need, all from EL evaluation and fixed paths in the working directory.
    private static JavaPlan Plan(ActionContext context)
    {
        var java = (JavaAction)context.Node.Body;
        var mainClass = context.Evaluate(java.MainClass).Trim();
        var options = java.JavaOptions.Select(context.Evaluate)
            .SelectMany(o => o.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        var arguments = java.Arguments.Select(context.Evaluate).ToList();
        var conf = LocalProcess.ActionConfiguration(context, java.Configuration);

        // Jars shipped with <file> go on the classpath too, as the launcher does.
        var libDir = Path.Combine(context.WorkingDirectory, "lib");
        var classpath = string.Join(':', new[] { context.WorkingDirectory, Path.Combine(libDir, "*"),
            Path.Combine(context.WorkingDirectory, "*") });
        var outputFile = Path.Combine(context.WorkingDirectory, "output.properties");
        var confXml = Path.Combine(context.WorkingDirectory, "action.xml");
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        var program = string.IsNullOrEmpty(javaHome) ? "java" : Path.Combine(javaHome, "bin", "java");
        List<string> argv =
        [
            .. options, $"-D{OutputPropertiesProperty}={outputFile}", $"-Doozie.action.conf.xml={confXml}",
            "-cp", classpath, mainClass, .. arguments,
        ];
        var launch = new ProcessLaunch(program, argv, new Dictionary<string, string?>(),
            "Install a JDK and put java on PATH, or set JAVA_HOME.");
        return new JavaPlan(mainClass, conf, outputFile, launch);
    }

    private static async Task<ActionOutcome> FinishAsync(
        JavaAction java, JavaPlan plan, ProcessResult result, CancellationToken cancellationToken)
    {
        if (result.ExitCode != 0)
        {
            var code = result.ExitCode.ToString(CultureInfo.InvariantCulture);
            return ActionOutcome.Failed(code,
                $"Main class [{plan.MainClass}], exit code [{code}]: [{result.CommandLine}] failed; " +
                $"last stderr: {result.StderrTail}");
        }

        if (!java.CaptureOutput)
        {
            return ActionOutcome.Succeeded();
        }

        var output = File.Exists(plan.OutputFile)
            ? await File.ReadAllTextAsync(plan.OutputFile, cancellationToken)
            : "";
        var max = LocalProcess.MaxOutput(plan.Configuration);
        if (output.Length > max)
        {
            return ActionOutcome.Failed("JA010",
                $"Output data exceeds its limit [{max}]: the file {OutputPropertiesProperty} names is " +
                $"{output.Length} characters; write fewer properties or raise oozie.action.max.output.data.");
        }

        return ActionOutcome.Succeeded(JavaProperties.Parse(output));
    }

    private static async Task LocalizeLibAsync(ActionContext context, string libDir, CancellationToken ct)
    {
        var lib = context.AppDirectory.Combine("lib");
        var fs = context.FileSystems.For(lib);
        if (await fs.GetStatusAsync(lib, ct) is not { IsDirectory: true })
        {
            return;
        }

        var localizer = new Localizer(context.CacheDirectory, context.FileSystems);
        foreach (var entry in await fs.ListAsync(lib, ct))
        {
            var name = Path.GetFileName(entry.Path.ToString());
            if (!entry.IsDirectory && (name.EndsWith(".jar", StringComparison.Ordinal)
                || name.EndsWith(".so", StringComparison.Ordinal)))
            {
                await localizer.LocalizeFileAsync(entry.Path.ToString() + "#" + name, StoragePath.Parse("/"),
                    libDir, ct);
            }
        }
    }

    private sealed record JavaPlan(
        string MainClass, IReadOnlyDictionary<string, string> Configuration, string OutputFile, ProcessLaunch Launch);
}
