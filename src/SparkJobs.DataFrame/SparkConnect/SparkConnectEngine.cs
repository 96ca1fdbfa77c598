using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Storage;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>Runs plans on a Spark cluster: each action sends the translated plan to a Spark Connect server.</summary>
internal sealed class SparkConnectEngine : IDataEngine
{
    private readonly SparkConnectClient _client;
    private readonly SemaphoreSlim _configured = new(1, 1);
    private bool _isConfigured;

    public SparkConnectEngine(SparkConnectOptions options, RetryPolicy? retry = null, TimeProvider? time = null) =>
        _client = new SparkConnectClient(options, retry, time);

    /// <summary>
    /// Gets the session settings sent before the first plan. Our plan promises Spark's non-ANSI semantics (a bad
    /// cast gives null, division by zero gives null); Spark 4 turns ANSI mode on by default.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SessionConfig { get; } = new Dictionary<string, string>
    {
        ["spark.sql.ansi.enabled"] = "false",
    };

    public string Name => "spark-connect";

    public SparkConnectClient Client => _client;

    public async Task<StructType> SchemaAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        await ConfigureAsync(cancellationToken);
        var query = new SparkPlanTranslator().Query(plan);
        var response = await _client.AnalyzeAsync(
            r => r.Schema = new AnalyzePlanRequest.Types.Schema { Plan = query }, cancellationToken);
        return SparkTypes.FromProtoStruct(response.Schema.Schema_);
    }

    public async Task<long> CountAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        var rows = await CollectAsync(CountPlan(plan), cancellationToken);
        return rows.Count == 1 && rows[0][0] is long count
            ? count
            : throw new SparkConnectException("The server answered a count with no single bigint row.");
    }

    public async Task<IReadOnlyList<Row>> CollectAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        await ConfigureAsync(cancellationToken);
        var responses = await _client.ExecuteAsync(new SparkPlanTranslator().Query(plan), cancellationToken);
        return ArrowRows.Decode(responses);
    }

    public async Task PersistAsync(LogicalPlan plan, CancellationToken cancellationToken = default)
    {
        var relation = new SparkPlanTranslator().Translate(plan);
        await _client.AnalyzeAsync(
            r => r.Persist = new AnalyzePlanRequest.Types.Persist { Relation = relation }, cancellationToken);
    }

    public async Task WriteFilesAsync(
        WriteOperation write, StoragePath directory, string fileTag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(directory);
        await ConfigureAsync(cancellationToken);
        await _client.ExecuteAsync(WritePlan(write, directory), cancellationToken);
    }

    /// <summary>Asks the server to explain a plan (Spark's <c>explain(mode)</c>).</summary>
    public async Task<string> ExplainAsync(LogicalPlan plan, bool extended, CancellationToken cancellationToken)
    {
        var query = new SparkPlanTranslator().Query(plan);
        var response = await _client.AnalyzeAsync(
            r => r.Explain = new AnalyzePlanRequest.Types.Explain
            {
                Plan = query,
                ExplainMode = extended
                    ? AnalyzePlanRequest.Types.Explain.Types.ExplainMode.Extended
                    : AnalyzePlanRequest.Types.Explain.Types.ExplainMode.Simple,
            },
            cancellationToken);
        return response.Explain.ExplainString;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _configured.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ConfigureAsync(CancellationToken cancellationToken)
    {
        await _configured.WaitAsync(cancellationToken);
        try
        {
            if (_isConfigured)
            {
                return;
            }

            var set = new ConfigRequest.Types.Set();
            set.Pairs.AddRange(SessionConfig.Select(p => new KeyValue { Key = p.Key, Value = p.Value }));
            await _client.ConfigAsync(new ConfigRequest.Types.Operation { Set = set }, cancellationToken);
            _isConfigured = true;
        }
        finally
        {
            _configured.Release();
        }
    }

    /// <summary>The count of a plan is a query of its own: one global aggregate of <c>count(*)</c>.</summary>
    internal static LogicalPlan CountPlan(LogicalPlan plan) =>
        new Aggregate(plan, [], [new AliasExpr(new FunctionCall("count", [new Star()]), "count")]);

    /// <summary>
    /// The write command as sent. The output commit has made the directory and owns its modes, so Spark appends
    /// into it: ErrorIfExists would fail on the empty directory and Overwrite would delete files moved there.
    /// </summary>
    internal static Plan WritePlan(WriteOperation write, StoragePath directory) =>
        new SparkPlanTranslator().Write(write, directory.ToString(), SaveMode.Append);
}
