using Grpc.Core;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Storage;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

using SparkJobs.DataFrame;

/// <summary>The client against the in-test server over real gRPC on 127.0.0.1.</summary>
public sealed class ServerTests
{
    private static readonly RetryPolicy Fast = new(3, TimeSpan.FromMilliseconds(1), 2, TimeSpan.FromMilliseconds(5));

    [Fact]
    public async Task Collect_sends_a_checked_request_and_decodes_the_arrow_batches()
    {
        // Arrange
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.ExpectedToken = "s3cret";
        await using var session = Session(server, ";token=s3cret");

        // Act
        var rows = await Input(session).Filter(Col("a") > 1).CollectAsync();

        // Assert
        Assert.Equal([1, 2, null], rows.Select(r => r["v"]));
        Assert.Equal(DataType.IntegerType, rows[0].Schema.Fields[0].Type);
        Assert.Empty(server.State.Violations);
        Assert.All(server.State.Authorizations, a => Assert.Equal("Bearer s3cret", a));
        Assert.Equal("false", server.State.Config["spark.sql.ansi.enabled"]);
        var execute = Assert.Single(server.State.Seen<ExecutePlanRequest>());
        Assert.Equal("tester", execute.UserContext.UserId);
        Assert.StartsWith("sparkjobs-dotnet", execute.ClientType, StringComparison.Ordinal);
        Assert.True(execute.RequestOptions.Single().ReattachOptions.Reattachable);
        Assert.Equal(Relation.RelTypeOneofCase.Filter, execute.Plan.Root.RelTypeCase);
        Assert.Equal(">", execute.Plan.Root.Filter.Condition.UnresolvedFunction.FunctionName);
        Assert.Equal("true", execute.Plan.Root.Filter.Input.Read.DataSource.Options["header"]);
        var sessions = server.State.Requests.Select(SessionOf).Distinct().ToList();
        Assert.Single(sessions);
        Assert.True(Guid.TryParseExact(sessions[0], "D", out _));
        var release = Assert.Single(server.State.Seen<ReleaseExecuteRequest>());
        Assert.Equal(execute.OperationId, release.OperationId);
        Assert.Equal(ReleaseExecuteRequest.ReleaseOneofCase.ReleaseAll, release.ReleaseCase);
    }

    [Fact]
    public async Task Broken_stream_is_reattached_from_the_last_response_id_without_losing_or_repeating_rows()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.BreakAfter = 1;
        var engine = Engine(server);
        await using var session = DataSession.ForEngine(engine);

        var rows = await Input(session).CollectAsync();

        Assert.Equal([1, 2, null], rows.Select(r => r["v"]));
        var reattach = Assert.Single(server.State.Seen<ReattachExecuteRequest>());
        var operation = server.State.Operations[reattach.OperationId];
        Assert.Equal(operation[0].ResponseId, reattach.LastResponseId);
        Assert.Equal(1, engine.Client.Reattaches);
        Assert.Single(server.State.Seen<ReleaseExecuteRequest>());
        Assert.Empty(server.State.Violations);
    }

    [Fact]
    public async Task Stream_that_ends_without_result_complete_is_reattached_and_the_session_comes_from_the_string()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.EndAfter = 2;
        await using var session = DataSession.Create(server.ConnectionString(";user_agent=tests"));

        var rows = await Input(session).CollectAsync();

        Assert.Equal([1, 2, null], rows.Select(r => r["v"]));
        var reattach = Assert.Single(server.State.Seen<ReattachExecuteRequest>());
        Assert.Equal(server.State.Operations[reattach.OperationId][1].ResponseId, reattach.LastResponseId);
        Assert.EndsWith(" tests", server.State.Seen<ExecutePlanRequest>()[0].ClientType, StringComparison.Ordinal);
        Assert.Empty(server.State.Violations);
    }

    [Fact]
    public async Task Server_error_shows_error_class_message_and_sql_state_without_the_grpc_dump()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.Error = ("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703",
            "A column or function parameter with name `x` cannot be resolved.");
        await using var session = Session(server);

        var e = await Assert.ThrowsAsync<SparkConnectException>(() => Input(session).CollectAsync());

        Assert.Equal(
            "Spark failed [UNRESOLVED_COLUMN.WITH_SUGGESTION]: A column or function parameter with name `x` cannot "
            + "be resolved. (SQLSTATE 42703)",
            e.Message);
        Assert.Equal("42703", e.SqlState);
        Assert.Equal("org.apache.spark.sql.AnalysisException", e.Reason);
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Empty(server.State.Seen<FetchErrorDetailsRequest>());
        Assert.Empty(server.State.Violations);
    }

    [Fact]
    public async Task Spark_4_gets_its_session_echoed_and_error_causes_fetched()
    {
        await using var server = await FakeSparkConnectServer.StartAsync("4.0.1");
        await using var session = Session(server);
        Assert.Equal(3, await Input(session).CountAsync());
        server.State.Error = ("DIVIDE_BY_ZERO", "22012", "Division by zero.");

        var e = await Assert.ThrowsAsync<SparkConnectException>(() => Input(session).CollectAsync());

        Assert.Contains("[DIVIDE_BY_ZERO]", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Caused by: java.io.IOException: file is corrupt", e.Message, StringComparison.Ordinal);
        Assert.Single(server.State.Seen<FetchErrorDetailsRequest>());
        var executes = server.State.Seen<ExecutePlanRequest>();
        Assert.All(executes, r => Assert.Equal(server.State.ServerSessionId, r.ClientObservedServerSideSessionId));
        Assert.Empty(server.State.Violations);
    }

    [Fact]
    public async Task Spark_35_never_gets_fields_new_in_4()
    {
        await using var server = await FakeSparkConnectServer.StartAsync("3.5.1");
        await using var session = Session(server);
        await Input(session).CountAsync();
        await Input(session).SchemaAsync();
        Assert.All(server.State.Seen<ExecutePlanRequest>(), r => Assert.False(r.HasClientObservedServerSideSessionId));
        Assert.All(server.State.Seen<AnalyzePlanRequest>(), r => Assert.False(r.HasClientObservedServerSideSessionId));
        Assert.Empty(server.State.Violations);
    }

    [Fact]
    public async Task Unavailable_is_retried_with_backoff_and_invalid_argument_is_not()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.UnavailableAnalyses = 2;
        await using var session = Session(server);

        var schema = await Input(session).SchemaAsync();
        Assert.Equal(["a", "s"], schema.Names);
        Assert.Equal(4, server.State.AnalyzeCalls);

        server.State.ConfigFailure = StatusCode.InvalidArgument;
        var client = ((SparkConnectEngine)session.Engine).Client;
        var calls = server.State.ConfigCalls;
        var e = await Assert.ThrowsAsync<SparkConnectException>(() => client.ConfigAsync(
            new ConfigRequest.Types.Operation { Get = new ConfigRequest.Types.Get { Keys = { "x" } } }, default));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(calls + 1, server.State.ConfigCalls);
    }

    [Fact]
    public async Task Unreachable_server_gives_up_after_the_retries_with_a_clear_message()
    {
        int port;
        await using (var gone = await FakeSparkConnectServer.StartAsync())
        {
            port = gone.Port;
        }

        await using var session = DataSession.ForEngine(
            new SparkConnectEngine(SparkConnectOptions.Parse($"sc://127.0.0.1:{port}"), Fast));
        var e = await Assert.ThrowsAsync<SparkConnectException>(() => Input(session).CountAsync());
        Assert.Contains("is unreachable", e.Message, StringComparison.Ordinal);
        Assert.Contains("start-connect-server.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_token_is_reported_as_refused_credentials()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        server.State.ExpectedToken = "right";
        await using var session = Session(server, ";token=wrong");
        var e = await Assert.ThrowsAsync<SparkConnectException>(() => Input(session).CountAsync());
        Assert.Contains("refused the credentials", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_set_and_get_round_trip()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        await using var session = Session(server);
        var client = ((SparkConnectEngine)session.Engine).Client;
        await client.ConfigAsync(new ConfigRequest.Types.Operation
        {
            Set = new ConfigRequest.Types.Set
            {
                Pairs = { new KeyValue { Key = "spark.sql.ansi.enabled", Value = "false" } },
            },
        }, default);
        var got = await client.ConfigAsync(new ConfigRequest.Types.Operation
        {
            Get = new ConfigRequest.Types.Get { Keys = { "spark.sql.ansi.enabled" } },
        }, default);
        Assert.Equal("false", got.Pairs.Single().Value);
    }

    [Fact]
    public async Task Write_sends_the_command_with_source_path_options_and_partitions_and_persist_analyzes()
    {
        await using var server = await FakeSparkConnectServer.StartAsync();
        await using var session = Session(server);
        var df = await Input(session).CacheAsync();
        await df.Write.Format("parquet").Option("compression", "snappy").PartitionBy("s")
            .SaveUncommittedAsync(StoragePath.Parse("hdfs://nn:8020/out/_temporary/a1/train"));

        var persist = server.State.Seen<AnalyzePlanRequest>().Single(r => r.Persist is not null);
        Assert.Equal(Relation.RelTypeOneofCase.Read, persist.Persist.Relation.RelTypeCase);
        var write = server.State.Seen<ExecutePlanRequest>().Single().Plan.Command.WriteOperation;
        Assert.Equal("parquet", write.Source);
        Assert.Equal("hdfs://nn:8020/out/_temporary/a1/train", write.Path);
        Assert.Equal(Protocol.WriteOperation.Types.SaveMode.Append, write.Mode);
        Assert.Equal("snappy", write.Options["compression"]);
        Assert.Equal(["s"], write.PartitioningColumns);
        var explain = await ((SparkConnectEngine)session.Engine).ExplainAsync(df.Plan, extended: false, default);
        Assert.Contains("Physical Plan", explain, StringComparison.Ordinal);
    }

    private static SparkConnectEngine Engine(FakeSparkConnectServer server, string extra = "") =>
        new(SparkConnectOptions.Parse(server.ConnectionString(extra)), Fast);

    private static DataSession Session(FakeSparkConnectServer server, string extra = "") =>
        DataSession.ForEngine(Engine(server, extra));

    private static DataFrame Input(DataSession session) => session.Read.Format("csv")
        .Schema(new StructType([new StructField("a", DataType.IntegerType), new StructField("s", DataType.StringType)]))
        .Option("header", "true")
        .Load("hdfs://nn:8020/in.csv");

    private static string SessionOf(Google.Protobuf.IMessage m) => m switch
    {
        ExecutePlanRequest r => r.SessionId,
        AnalyzePlanRequest r => r.SessionId,
        ReleaseExecuteRequest r => r.SessionId,
        ReattachExecuteRequest r => r.SessionId,
        ConfigRequest r => r.SessionId,
        _ => string.Empty,
    };
}
