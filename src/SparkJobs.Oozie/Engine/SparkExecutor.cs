using System.Globalization;
using System.Text;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs spark actions through the local <c>$SPARK_HOME/bin/spark-submit</c>, as Oozie's SparkMain does.</summary>
internal sealed class SparkExecutor : IActionExecutor
{
    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        var spark = (SparkAction)context.Node.Body;
        var (launch, conf) = Plan(context);
        var files = spark.Files.Select(context.Evaluate).ToList();
        var archives = spark.Archives.Select(context.Evaluate).ToList();
        if (launch is null)
        {
            return ActionOutcome.Failed("JA018",
                $"Node '{context.Node.Name}': SPARK_HOME is not set, so spark-submit cannot be found. Set " +
                "SPARK_HOME to a Spark installation to run the spark action locally, or submit the workflow to " +
                "an Oozie server.");
        }

        await LocalProcess.LocalizeAsync(context, files, archives, cancellationToken);
        // A relative jar is found in the working directory (shipped with <file>) or else the app directory,
        // so it is resolved once the files are in place.
        var jar = launch.Arguments.Count - spark.Arguments.Count - 1;
        var argv = launch.Arguments.ToList();
        argv[jar] = ResolveJar(argv[jar], context);
        var confXml = Path.Combine(context.WorkingDirectory, "action.xml");
        await File.WriteAllTextAsync(confXml, ShellExecutor.ToConfigurationXml(conf), cancellationToken);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OOZIE_ACTION_CONF_XML"] = confXml,
            ["PWD"] = context.WorkingDirectory,
        };
        var result = await LocalProcess.RunAsync(launch with { Arguments = argv, Environment = environment },
            context, reportExternal, cancellationToken);
        return Finish(result);
    }

    public async Task<ActionOutcome?> ReattachAsync(
        ActionContext context, WorkflowActionRecord running, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        var (launch, _) = Plan(context);
        if (running.ExternalId is null || launch is null)
        {
            return null;
        }

        return Finish(await LocalProcess.ReattachAsync(running, launch.CommandLine, -1, context, cancellationToken));
    }

    // The spark-submit command line from EL evaluation alone; null when SPARK_HOME is not set.
    private static (ProcessLaunch? Launch, Dictionary<string, string> Configuration) Plan(ActionContext context)
    {
        var spark = (SparkAction)context.Node.Body;
        var master = context.Evaluate(spark.Master).Trim();
        var name = context.Evaluate(spark.Name).Trim();
        var jar = context.Evaluate(spark.Jar).Trim();
        var mode = spark.Mode is null ? null : context.Evaluate(spark.Mode).Trim();
        var mainClass = spark.Class is null ? null : context.Evaluate(spark.Class).Trim();
        var options = spark.SparkOptions is null ? [] : SplitOptions(context.Evaluate(spark.SparkOptions));
        var arguments = spark.Arguments.Select(context.Evaluate).ToList();
        var conf = LocalProcess.ActionConfiguration(context, spark.Configuration);
        var sparkHome = Environment.GetEnvironmentVariable("SPARK_HOME");
        if (string.IsNullOrWhiteSpace(sparkHome))
        {
            return (null, conf);
        }

        List<string> argv = ["--master", master];
        if (!string.IsNullOrEmpty(mode))
        {
            argv.AddRange(["--deploy-mode", mode]);
        }

        argv.AddRange(["--name", name]);
        if (!string.IsNullOrEmpty(mainClass))
        {
            argv.AddRange(["--class", mainClass]);
        }

        argv.AddRange(options);
        argv.Add(jar);
        argv.AddRange(arguments);
        var launch = new ProcessLaunch(Path.Combine(sparkHome, "bin", "spark-submit"), argv,
            new Dictionary<string, string?>(), "Check that SPARK_HOME points to a Spark installation.");
        return (launch, conf);
    }

    private static ActionOutcome Finish(ProcessResult result)
    {
        if (result.ExitCode == 0)
        {
            return ActionOutcome.Succeeded();
        }

        var code = result.ExitCode.ToString(CultureInfo.InvariantCulture);
        return ActionOutcome.Failed(code,
            $"Main class [org.apache.oozie.action.hadoop.SparkMain], exit code [{code}]: [{result.CommandLine}] " +
            $"failed; last stderr: {result.StderrTail}");
    }

    /// <summary>Splits spark-opts on whitespace, keeping quoted parts together and dropping the quotes.</summary>
    public static List<string> SplitOptions(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inToken = false;
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        if (inToken)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }

    private static string ResolveJar(string jar, ActionContext context)
    {
        if (jar.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(jar))
        {
            return jar;
        }

        var local = Path.Combine(context.WorkingDirectory, jar);
        var inApp = context.AppDirectory.Combine(jar);
        return File.Exists(local) ? local : inApp.IsLocal ? inApp.LocalPath : inApp.ToString();
    }
}
