using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Parsing;

/// <summary>Finds EL variables a workflow uses that its configuration does not define.</summary>
internal static class ElReferences
{
    /// <summary>Reports only the EL that does not parse: what can be known without a configuration.</summary>
    public static void CheckSyntax(WorkflowApp app, List<WorkflowError> errors)
    {
        foreach (var (text, node, location) in Texts(app))
        {
            try
            {
                ElEvaluator.Variables(text);
            }
            catch (ElException e)
            {
                errors.Add(new WorkflowError("W0002", location, node,
                    $"The EL in [{text.Trim()}] does not parse ({e.Message}); the node will fail with EL_ERROR.",
                    IsWarning: true));
            }
        }
    }

    public static void Check(WorkflowApp app, IReadOnlyDictionary<string, string> conf, List<WorkflowError> errors)
    {
        foreach (var (text, node, location) in Texts(app))
        {
            IReadOnlyList<string> names;
            try
            {
                names = ElEvaluator.Variables(text);
            }
            catch (ElException e)
            {
                errors.Add(new WorkflowError("W0002", location, node,
                    $"The EL in [{text.Trim()}] does not parse ({e.Message}); the node will fail with EL_ERROR.",
                    IsWarning: true));
                continue;
            }

            foreach (var name in names.Distinct(StringComparer.Ordinal)
                .Where(n => !conf.ContainsKey(n) && !ElFunctions.Constants.ContainsKey(n)))
            {
                errors.Add(new WorkflowError("W0002", location, node,
                    $"${{{name}}} is not defined in the job configuration; the node will fail with EL_ERROR " +
                    $"unless you define {name} in job.properties, config-default.xml or with -D.", IsWarning: true));
            }
        }
    }

    private static IEnumerable<(string Text, string? Node, SourceLocation Location)> Texts(WorkflowApp app)
    {
        yield return (app.Name, null, app.Location);
        foreach (var node in app.Nodes)
        {
            var texts = node switch
            {
                KillNode k => [k.Message],
                DecisionNode d => d.Cases.Select(c => c.Predicate),
                ActionNode { Body: ShellAction s } => new[] { s.Exec }.Concat(s.Arguments)
                    .Concat(s.EnvironmentVariables).Concat(s.Files).Concat(s.Archives)
                    .Concat(s.Configuration.Select(c => c.Value)),
                ActionNode { Body: FsAction f } => f.Operations.SelectMany(o => o switch
                {
                    FsMove m => new[] { m.Source, m.Target },
                    FsMkdir m => [m.Path],
                    FsDelete d => [d.Path],
                    FsTouchz t => [t.Path],
                    FsChmod c => [c.Path, c.Permissions],
                    _ => [],
                }),
                _ => [],
            };
            foreach (var text in texts.Where(t => t.Contains("${", StringComparison.Ordinal)))
            {
                yield return (text, node.Name, node.Location);
            }
        }
    }
}
