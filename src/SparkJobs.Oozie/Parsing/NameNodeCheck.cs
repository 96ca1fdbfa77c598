using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Oozie's rule that Hadoop-launched actions need a name-node from the action, global or defaults.</summary>
internal static class NameNodeCheck
{
    /// <summary>The oozie-site default name-node property.</summary>
    public const string DefaultNameNodeProperty = "oozie.actions.default.name-node";

    /// <summary>The name-node oozie-lite uses when the configuration names none: the local file system.</summary>
    public const string LocalNameNode = "file:///";

    /// <summary>Adds E0701 for each action that needs a name-node and has none from any source.</summary>
    public static void Check(WorkflowApp app, IReadOnlyDictionary<string, string> conf, List<WorkflowError> errors)
    {
        // oozie-lite's own site default is the local file system; clearing it asks for Oozie's strict rule.
        var fallback = conf.TryGetValue(DefaultNameNodeProperty, out var configured) ? configured : LocalNameNode;
        if (!string.IsNullOrWhiteSpace(fallback) || !string.IsNullOrWhiteSpace(app.Global?.NameNode))
        {
            return;
        }

        foreach (var action in app.Nodes.OfType<ActionNode>())
        {
            var own = action.Body switch
            {
                // fs and sub-workflow are exempt (OOZIE-2320); email and ssh do not launch through Hadoop.
                FsAction or SubWorkflowAction or EmailAction or SshAction or UnknownAction => "exempt",
                ShellAction shell => shell.NameNode,
                ClusterAction cluster => cluster.NameNode,
                _ => "exempt",
            };
            if (string.IsNullOrWhiteSpace(own))
            {
                errors.Add(new WorkflowError("E0701", action.Body.Location, action.Name,
                    $"No name-node defined for the {action.Body.TypeName} action '{action.Name}'; add " +
                    "<name-node>, a <global><name-node>, or set " + DefaultNameNodeProperty + "."));
            }
        }
    }
}
