using Google.Protobuf;
using SparkJobs.Storage;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>
/// Contacts no server: writes the Spark Connect plan of every query and command as <c>001.plan.bin</c>, ... and
/// optionally prints each plan as a tree. Queries answer no rows, so a job runs its flow to the end.
/// </summary>
internal sealed class PlanFileEngine : IDataEngine
{
    private readonly string? _directory;
    private readonly TextWriter? _explain;
    private int _count;

    public PlanFileEngine(string? directory, TextWriter? explain)
    {
        _directory = directory;
        _explain = explain;
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    public string Name => "spark-connect (plans only)";

    /// <summary>Gets the number of plans written.</summary>
    public int Count => _count;

    public Task<StructType> SchemaAsync(LogicalPlan plan, CancellationToken cancellationToken = default) =>
        throw new DataFrameException("Without a server there is no schema; run with --engine sc://... instead.");

    public async Task<long> CountAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        var count = SparkConnectEngine.CountPlan(plan);
        await EmitAsync(new SparkPlanTranslator().Query(count), PlanText.Render(count), cancellationToken);
        return 0;
    }

    public async Task<IReadOnlyList<Row>> CollectAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        await EmitAsync(new SparkPlanTranslator().Query(plan), PlanText.Render(plan), cancellationToken);
        return [];
    }

    public Task PersistAsync(LogicalPlan plan, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task WriteFilesAsync(
        WriteOperation write, StoragePath directory, string fileTag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(directory);
        var sent = write with { Mode = SaveMode.Append };
        return EmitAsync(SparkConnectEngine.WritePlan(write, directory), PlanText.Render(sent, directory.ToString()),
            cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task EmitAsync(Protocol.Plan plan, string tree, CancellationToken cancellationToken)
    {
        _count++;
        var name = $"{_count:000}.plan.bin";
        if (_directory is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(_directory, name), plan.ToByteArray(), cancellationToken);
        }

        if (_explain is not null)
        {
            await _explain.WriteLineAsync($"== plan {_count:000} ({plan.CalculateSize()} bytes) ==");
            await _explain.WriteLineAsync(tree);
        }
    }
}
