using System.Diagnostics;
using System.Text;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Bench;

/// <summary>Measures the workflow engine's own cost per action and how many trivial jobs per second it runs.</summary>
internal sealed class EngineBenchmark : IBenchmark
{
    private const int ChainLength = 1000;
    private const int ForkWidth = 200;
    private const int TrivialJobs = 200;

    /// <inheritdoc />
    public string Name => "engine";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        foreach (var kind in new[] { "fs", "shell" })
        {
            var chain = await RunAppAsync(context, $"chain-{kind}", Chain(kind, context), cancellationToken);
            figures.Add(new Figure($"{ChainLength}-node {kind} chain: wall time", chain.Wall, "s"));
            figures.Add(new Figure($"{ChainLength}-node {kind} chain: engine overhead per action",
                (chain.Wall - chain.ActionSeconds) / ChainLength * 1000, "ms"));
            var fork = await RunAppAsync(context, $"fork-{kind}", Fork(kind, context), cancellationToken);
            figures.Add(new Figure($"{ForkWidth}-way {kind} fork: wall time", fork.Wall, "s"));
            figures.Add(new Figure($"{ForkWidth}-way {kind} fork: wall time per action",
                fork.Wall / ForkWidth * 1000, "ms"));
            figures.Add(new Figure($"{ForkWidth}-way {kind} fork: actions' own time / wall time",
                fork.ActionSeconds / fork.Wall, "x"));
        }

        figures.Add(new Figure($"trivial start-fs-end jobs through the store ({TrivialJobs})",
            await JobsPerSecondAsync(context, cancellationToken), "jobs/s"));
        return figures;
    }

    private static string Body(string kind, string name, string ok, BenchContext context) => kind == "fs"
        ? $"<action name=\"{name}\"><fs><mkdir path=\"${{o}}/{name}\"/></fs>" +
            $"<ok to=\"{ok}\"/><error to=\"k\"/></action>\n"
        : $"<action name=\"{name}\"><s:shell><s:exec>true</s:exec></s:shell><ok to=\"{ok}\"/><error to=\"k\"/>" +
            "</action>\n";

    // The shell namespace is declared once on the root so that 1,000 actions stay under Oozie's 100,000-byte limit.
    private static string App(string start, string nodes) =>
        "<workflow-app xmlns=\"uri:oozie:workflow:1.0\" xmlns:s=\"uri:oozie:shell-action:1.0\" name=\"bench\">\n" +
        $"<start to=\"{start}\"/>\n{nodes}<kill name=\"k\"><message>failed</message></kill>\n<end name=\"end\"/>\n" +
        "</workflow-app>\n";

    private static string Chain(string kind, BenchContext context)
    {
        var nodes = new StringBuilder();
        for (var i = 1; i <= ChainLength; i++)
        {
            nodes.Append(Body(kind, $"n{i}", i == ChainLength ? "end" : $"n{i + 1}", context));
        }

        return App("n1", nodes.ToString());
    }

    private static string Fork(string kind, BenchContext context)
    {
        var nodes = new StringBuilder("<fork name=\"f\">");
        for (var i = 1; i <= ForkWidth; i++)
        {
            nodes.Append($"<path start=\"n{i}\"/>");
        }

        nodes.Append("</fork>\n");
        for (var i = 1; i <= ForkWidth; i++)
        {
            nodes.Append(Body(kind, $"n{i}", "j", context));
        }

        nodes.Append("<join name=\"j\" to=\"end\"/>\n");
        return App("f", nodes.ToString());
    }

    private static async Task<PreparedWorkflow> PrepareAsync(string appDir, CancellationToken cancellationToken) =>
        await WorkflowLoader.PrepareAsync(
            new Dictionary<string, string>
            {
                [WorkflowLoader.AppPathProperty] = appDir,
                ["o"] = Path.Combine(appDir, "out"),
            },
            new Dictionary<string, string>(), "bench", "bench", FileSystems.Default, cancellationToken);

    private static async Task<(double Wall, double ActionSeconds)> RunAppAsync(
        BenchContext context, string name, string xml, CancellationToken cancellationToken)
    {
        var appDir = Path.Combine(context.ScratchDirectory, name);
        Directory.CreateDirectory(appDir);
        await File.WriteAllTextAsync(Path.Combine(appDir, "workflow.xml"), xml, cancellationToken);
        var store = JobStore.Open(Path.Combine(context.ScratchDirectory, "home-" + name), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        var id = engine.Submit(await PrepareAsync(appDir, cancellationToken));
        var status = await engine.RunAsync(id, cancellationToken);
        var wall = clock.Elapsed.TotalSeconds;
        if (status != JobStatus.SUCCEEDED)
        {
            throw new InvalidOperationException($"{name} ended {status}");
        }

        // The executor's own time per action, from the start and end times the engine records around it.
        var actionSeconds = store.GetActions(id)
            .Where(a => a.Type is "fs" or "shell" && a.StartTime is not null && a.EndTime is not null)
            .Sum(a => (a.EndTime!.Value - a.StartTime!.Value).TotalSeconds);
        return (wall, actionSeconds);
    }

    private static async Task<double> JobsPerSecondAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var appDir = Path.Combine(context.ScratchDirectory, "trivial");
        Directory.CreateDirectory(appDir);
        await File.WriteAllTextAsync(Path.Combine(appDir, "workflow.xml"),
            App("n1", Body("fs", "n1", "end", context)), cancellationToken);
        var store = JobStore.Open(Path.Combine(context.ScratchDirectory, "home-trivial"), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System);
        var prepared = await PrepareAsync(appDir, cancellationToken);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < TrivialJobs; i++)
        {
            await engine.RunAsync(engine.Submit(prepared), cancellationToken);
        }

        return TrivialJobs / clock.Elapsed.TotalSeconds;
    }
}
