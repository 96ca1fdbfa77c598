using System.Diagnostics;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Coordinator;

namespace SparkJobs.Bench;

/// <summary>Materializes an hourly coordinator over ten years (87,600 actions) with a two-dataset input-event.</summary>
internal sealed class CoordinatorBenchmark : IBenchmark
{
    private const string Xml = """
        <coordinator-app xmlns="uri:oozie:coordinator:0.5" name="bench" frequency="${coord:hours(1)}"
            start="2010-01-01T00:00Z" end="2020-01-01T00:00Z" timezone="UTC">
          <datasets>
            <dataset name="a" frequency="60" initial-instance="2009-01-01T00:00Z" timezone="UTC">
              <uri-template>hdfs://nn/a/${YEAR}/${MONTH}/${DAY}/${HOUR}</uri-template></dataset>
            <dataset name="b" frequency="${coord:days(1)}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
              <uri-template>hdfs://nn/b/${YEAR}/${MONTH}/${DAY}</uri-template></dataset>
          </datasets>
          <input-events>
            <data-in name="a" dataset="a"><start-instance>${coord:current(-1)}</start-instance>
              <end-instance>${coord:current(0)}</end-instance></data-in>
            <data-in name="b" dataset="b"><instance>${coord:current(-1)}</instance></data-in>
          </input-events>
          <action><workflow><app-path>hdfs://nn/wf</app-path></workflow></action>
        </coordinator-app>
        """;

    /// <inheritdoc />
    public string Name => "coordinator";

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(Xml, "bench.xml", errors)!;
        var definition = CoordinatorLoader.Resolve(app, new Dictionary<string, string>(), "bench",
            TimeProvider.System, errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
        var materializer = new Materializer(definition, TimeProvider.System);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        long actions = 0, uris = 0;
        foreach (var action in materializer.All())
        {
            actions++;
            uris += action.DataIn.Sum(i => materializer.Uris(i).Count);
        }

        watch.Stop();
        using var process = Process.GetCurrentProcess();
        IReadOnlyList<Figure> figures =
        [
            new("actions materialized", actions, "actions"),
            new("data-in URIs resolved", uris, "uris"),
            new("materialization time", watch.Elapsed.TotalSeconds, "s"),
            new("actions per second", actions / watch.Elapsed.TotalSeconds, "actions/s"),
            new("allocated", (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0, "MiB"),
            new("peak working set", process.PeakWorkingSet64 / 1048576.0, "MiB"),
        ];
        return Task.FromResult(figures);
    }
}
