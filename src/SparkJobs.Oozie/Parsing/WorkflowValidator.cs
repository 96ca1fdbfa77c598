using System.Text.RegularExpressions;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Checks the workflow graph the way Oozie's LiteWorkflowValidator does.</summary>
internal static partial class WorkflowValidator
{
    public static void Validate(WorkflowApp app, List<WorkflowError> errors)
    {
        var byName = new Dictionary<string, WorkflowNode>(StringComparer.Ordinal);
        foreach (var node in app.Nodes)
        {
            if (node is not StartNode && !NodeName().IsMatch(node.Name))
            {
                errors.Add(new WorkflowError("E0724", node.Location, node.Name,
                    $"The node name '{node.Name}' is not valid; a name starts with a letter or '_', " +
                    "continues with letters, digits, '_' or '-', and has at most 128 characters."));
            }

            if (!byName.TryAdd(node.Name, node))
            {
                errors.Add(new WorkflowError("E0705", node.Location, node.Name,
                    $"The node name '{node.Name}' is already used at {byName[node.Name].Location}; " +
                    "give every node a unique name."));
            }
        }

        foreach (var node in app.Nodes)
        {
            foreach (var transition in node.Transitions.Where(t => t.To.Length > 0))
            {
                if (transition.To == node.Name)
                {
                    errors.Add(new WorkflowError("E0706", transition.Location, node.Name,
                        $"Node '{node.Name}' transitions to itself; point it to another node."));
                }
                else if (!byName.ContainsKey(transition.To))
                {
                    var known = string.Join(", ", byName.Keys.Where(k => k != WorkflowApp.StartNodeName));
                    errors.Add(new WorkflowError("E0708", transition.Location, node.Name,
                        $"Node '{node.Name}' has a transition to '{transition.To}', which does not exist; " +
                        $"the nodes are: {known}."));
                }
            }
        }

        // Walk from start first so loop paths read naturally, then from anything unreachable from it.
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in app.Nodes.OfType<StartNode>().Concat(byName.Values))
        {
            FindLoops(node, byName, [], done, errors);
        }

        ReportUnreachable(app, byName, errors);
        ReportUndefinedCredentials(app, errors);
    }

    // Oozie accepts an unknown cred name at submission and fails the action with JA021 when it starts.
    private static void ReportUndefinedCredentials(WorkflowApp app, List<WorkflowError> errors)
    {
        var defined = app.CredentialDefinitions.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var action in app.Nodes.OfType<ActionNode>())
        {
            foreach (var name in action.Credentials.Where(c => !defined.Contains(c) && !c.Contains("${", StringComparison.Ordinal)))
            {
                var known = defined.Count == 0 ? "the workflow has no <credentials> section" : "defined are " +
                    string.Join(", ", defined.Order(StringComparer.Ordinal));
                errors.Add(new WorkflowError("W0003", action.Location, action.Name,
                    $"cred=\"{name}\" names no <credential>; {known}. The action will fail with JA021 " +
                    "when it starts.", IsWarning: true));
            }
        }
    }

    private static void ReportUnreachable(
        WorkflowApp app, Dictionary<string, WorkflowNode> byName, List<WorkflowError> errors)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { WorkflowApp.StartNodeName };
        var queue = new Queue<string>(reached);
        while (queue.TryDequeue(out var name))
        {
            foreach (var t in byName.TryGetValue(name, out var n) ? n.Transitions : [])
            {
                if (reached.Add(t.To))
                {
                    queue.Enqueue(t.To);
                }
            }
        }

        foreach (var node in app.Nodes.Where(n => !reached.Contains(n.Name) && n is not (KillNode or EndNode)))
        {
            errors.Add(new WorkflowError("W0001", node.Location, node.Name,
                $"Node '{node.Name}' cannot be reached from <start>; connect it or remove it.", IsWarning: true));
        }
    }

    private static void FindLoops(
        WorkflowNode node,
        Dictionary<string, WorkflowNode> byName,
        List<string> path,
        HashSet<string> done,
        List<WorkflowError> errors)
    {
        if (done.Contains(node.Name))
        {
            return;
        }

        path.Add(node.Name);
        foreach (var transition in node.Transitions)
        {
            if (transition.To == node.Name || !byName.TryGetValue(transition.To, out var next))
            {
                continue;
            }

            var at = path.IndexOf(next.Name);
            if (at >= 0)
            {
                var loop = string.Join(" -> ", path.Skip(at).Append(next.Name));
                errors.Add(new WorkflowError("E0707", transition.Location, node.Name,
                    $"Loop detected: {loop}; workflows are acyclic, so break the cycle."));
                continue;
            }

            FindLoops(next, byName, path, done, errors);
        }

        path.RemoveAt(path.Count - 1);
        done.Add(node.Name);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex NodeName();
}
