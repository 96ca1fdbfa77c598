using System.Globalization;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs sub-workflow actions as child jobs of the same engine and store.</summary>
/// <param name="engine">The engine that submits and runs the child.</param>
/// <param name="fileSystems">The file systems the child application is read through.</param>
internal sealed class SubWorkflowExecutor(WorkflowEngine engine, FileSystems fileSystems) : IActionExecutor
{
    /// <summary>The property holding the parent job id in a child's configuration, as in Oozie.</summary>
    public const string ParentIdProperty = "oozie.wf.parent.id";

    /// <summary>The property holding how deep a child is nested.</summary>
    public const string DepthProperty = "oozie.wf.subworkflow.depth";

    /// <summary>The property limiting the nesting depth.</summary>
    public const string MaxDepthProperty = "oozie.action.subworkflow.max.depth";

    private const int DefaultMaxDepth = 50;

    // Properties that describe the parent job itself and so must not leak into the child.
    private static readonly string[] ParentOnly =
    [
        WorkflowLoader.AppPathProperty, ParentIdProperty, DepthProperty, "oozie.wf.rerun.skip.nodes",
        "oozie.wf.rerun.failnodes", "oozie.suspend.on.nodes",
    ];

    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        var sub = (SubWorkflowAction)context.Node.Body;
        var appPathText = context.Evaluate(sub.AppPath).Trim();
        var conf = context.Configuration;
        var depth = ReadInt(conf, DepthProperty, 0) + 1;
        var maxDepth = ReadInt(conf, MaxDepthProperty, DefaultMaxDepth);
        if (depth > maxDepth)
        {
            return ActionOutcome.Failed("SUBWF001",
                $"Node '{context.Node.Name}': depth [{depth}] cannot exceed maximum depth [{maxDepth}] " +
                $"({MaxDepthProperty}); a sub-workflow probably calls itself without a stopping decision.");
        }

        var childProps = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sub.PropagateConfiguration)
        {
            foreach (var (key, value) in conf.Where(kv => !ParentOnly.Contains(kv.Key)))
            {
                childProps[key] = value;
            }
        }

        foreach (var property in sub.Configuration)
        {
            childProps[property.Name] = context.Evaluate(property.Value);
        }

        var user = conf.GetValueOrDefault("user.name", Environment.UserName);
        childProps["user.name"] = user;
        var isAbsolute = appPathText.Contains("://", StringComparison.Ordinal) || appPathText.StartsWith('/');
        childProps[WorkflowLoader.AppPathProperty] =
            isAbsolute ? appPathText : context.AppDirectory.Combine(appPathText).ToString();
        childProps[ParentIdProperty] = context.JobId;
        childProps[DepthProperty] = depth.ToString(CultureInfo.InvariantCulture);
        if (conf.TryGetValue(MaxDepthProperty, out var max))
        {
            childProps[MaxDepthProperty] = max;
        }

        PreparedWorkflow prepared;
        try
        {
            prepared = await WorkflowLoader.PrepareAsync(childProps, new Dictionary<string, string>(), user,
                $"sub-workflow '{context.Node.Name}'", fileSystems, cancellationToken);
        }
        catch (WorkflowValidationException e)
        {
            var first = e.Errors.First(x => !x.IsWarning);
            return ActionOutcome.Failed(first.Code,
                $"Node '{context.Node.Name}': the sub-workflow {appPathText} is not valid: {e.Message}");
        }

        var childId = engine.Submit(prepared);
        reportExternal(new ExternalRef(childId));
        await File.AppendAllTextAsync(context.LogPath, $"Started sub-workflow {childId} from {appPathText}\n",
            cancellationToken);
        return Outcome(context, childId, await engine.RunAsync(childId, cancellationToken));
    }

    public async Task<ActionOutcome?> ReattachAsync(
        ActionContext context, WorkflowActionRecord running, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        if (running.ExternalId is not { } childId)
        {
            return null;
        }

        await File.AppendAllTextAsync(context.LogPath, $"Waiting again for sub-workflow {childId}\n",
            cancellationToken);
        return Outcome(context, childId, await engine.FinishChildAsync(childId, cancellationToken));
    }

    private static ActionOutcome Outcome(ActionContext context, string childId, JobStatus status) =>
        status == JobStatus.SUCCEEDED
            ? ActionOutcome.Succeeded() with { ExternalStatus = status.ToString() }
            : new ActionOutcome(false, "SUBWF002",
                $"Node '{context.Node.Name}': sub-workflow {childId} ended {status}; see oozie-lite job -info " +
                childId, new Dictionary<string, string>(), status.ToString());

    private static int ReadInt(IReadOnlyDictionary<string, string> conf, string key, int fallback) =>
        conf.TryGetValue(key, out var text)
            && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}
