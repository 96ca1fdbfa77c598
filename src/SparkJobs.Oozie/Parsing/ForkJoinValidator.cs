using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Oozie's fork/join rules (E0730, E0733, E0737, E0742, E0743, E0744, E0757, E0758).</summary>
/// <remarks>Run it only on a graph without loops or unknown targets: those are reported first.</remarks>
internal sealed class ForkJoinValidator
{
    private readonly WorkflowApp _app;
    private readonly List<WorkflowError> _errors;
    private readonly Dictionary<string, HashSet<string>> _joinsOfFork = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _forksOfJoin = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fork, int Branch)> _okArrivals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    private ForkJoinValidator(WorkflowApp app, List<WorkflowError> errors)
    {
        _app = app;
        _errors = errors;
    }

    private readonly record struct Frame(string Fork, int Branch);

    public static void Validate(WorkflowApp app, List<WorkflowError> errors)
    {
        if (errors.Any(e => e.Code is "E0706" or "E0707" or "E0708"))
        {
            return;
        }

        var validator = new ForkJoinValidator(app, errors);
        var forks = app.Nodes.OfType<ForkNode>().ToList();
        var joins = app.Nodes.OfType<JoinNode>().ToList();
        if (forks.Count != joins.Count)
        {
            errors.Add(new WorkflowError("E0730", app.Location, null,
                $"Fork/Join not in pair: the workflow has {forks.Count} fork(s) and {joins.Count} join(s); " +
                "every fork needs exactly one join where its paths meet."));
        }

        foreach (var fork in forks)
        {
            foreach (var twice in fork.Paths.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                if (app.Find(twice.Key) is not (JoinNode or KillNode))
                {
                    errors.Add(new WorkflowError("E0744", fork.Location, fork.Name,
                        $"Fork '{fork.Name}' has more than one path to node '{twice.Key}'; list each path once."));
                }
            }
        }

        if (app.Find(WorkflowApp.StartNodeName) is StartNode start)
        {
            validator.Walk(start.To, [], okPath: true, start);
        }

        foreach (var fork in forks.Where(f => validator.Reached(f.Name)))
        {
            var joinsReached = validator._joinsOfFork.GetValueOrDefault(fork.Name) ?? [];
            if (joinsReached.Count == 0)
            {
                errors.Add(new WorkflowError("E0733", fork.Location, fork.Name,
                    $"Fork '{fork.Name}' has no path that reaches a join; end its paths in a common <join>."));
            }
            else if (joinsReached.Count > 1)
            {
                errors.Add(new WorkflowError("E0757", fork.Location, fork.Name,
                    $"Fork '{fork.Name}' reaches more than one join ({string.Join(", ", joinsReached.Order())}); " +
                    "all its paths must meet in a single join."));
            }
        }

        foreach (var (join, forksReaching) in validator._forksOfJoin.Where(kv => kv.Value.Count > 1))
        {
            errors.Add(new WorkflowError("E0758", app.Find(join)!.Location, join,
                $"Join '{join}' is reached from more than one fork ({string.Join(", ", forksReaching.Order())}); " +
                "give each fork its own join."));
        }
    }

    private bool Reached(string node) => _visited.Any(v => v.StartsWith(node + "|", StringComparison.Ordinal));

    private void Walk(string name, List<Frame> stack, bool okPath, WorkflowNode from)
    {
        if (_app.Find(name) is not { } node)
        {
            return;
        }

        // Each node is walked once per fork context and path kind; that bounds the walk on diamond-shaped graphs.
        var key = name + "|" + string.Join("/", stack.Select(f => $"{f.Fork}:{f.Branch}")) + "|" + okPath;
        var inFork = stack.Count > 0;
        if (okPath && inFork && node is not (KillNode or JoinNode or EndNode))
        {
            var here = stack[^1];
            if (_okArrivals.TryGetValue(name, out var earlier)
                && earlier.Fork == here.Fork && earlier.Branch != here.Branch)
            {
                Report("E0743", node, $"Node '{name}' is reached by ok transitions from two paths of fork " +
                    $"'{here.Fork}' (last from '{from.Name}'); each fork path must stay separate until the join.");
            }
            else
            {
                _okArrivals.TryAdd(name, (here.Fork, here.Branch));
            }
        }

        if (!_visited.Add(key))
        {
            return;
        }

        switch (node)
        {
            case EndNode when inFork:
                Report("E0737", node, $"The end node '{name}' is reached from '{from.Name}' inside fork " +
                    $"'{stack[^1].Fork}'; paths of a fork must meet in its join before the workflow ends.");
                break;
            case ForkNode fork:
                // A path listed twice is E0744 already; walking it once avoids a second report as E0743.
                var paths = fork.Paths.Distinct(StringComparer.Ordinal).ToList();
                for (var i = 0; i < paths.Count; i++)
                {
                    Walk(paths[i], [.. stack, new Frame(fork.Name, i)], okPath: true, fork);
                }

                break;
            case JoinNode join:
                if (!inFork)
                {
                    Report("E0742", node, $"Join '{name}' is reached from '{from.Name}' outside any fork; " +
                        "a join can only be reached from the paths of a fork.");
                    break;
                }

                var owner = stack[^1].Fork;
                Add(_joinsOfFork, owner, name);
                Add(_forksOfJoin, name, owner);
                Walk(join.To, stack[..^1], okPath, join);
                break;
            case DecisionNode decision:
                foreach (var target in decision.Transitions.Select(t => t.To).Distinct(StringComparer.Ordinal))
                {
                    Walk(target, stack, okPath, decision);
                }

                break;
            case ActionNode action:
                Walk(action.OkTo, stack, okPath, action);

                // Error paths may leave the fork (OOZIE-1035) and never count as a second ok path.
                Walk(action.ErrorTo, stack, okPath: false, action);
                break;
        }
    }

    private void Report(string code, WorkflowNode node, string message)
    {
        if (_reported.Add(code + node.Name))
        {
            _errors.Add(new WorkflowError(code, node.Location, node.Name, message));
        }
    }

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(value);
    }
}
