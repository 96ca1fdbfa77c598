using System.Collections.Concurrent;
using System.Net;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using Rpc = SparkJobs.DataFrame.SparkConnect.Protocol.Rpc;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

/// <summary>
/// A Spark Connect server for tests, written from the protocol description: it checks every request's session
/// id (a UUID), user context and credentials, keeps each operation's responses for ReattachExecute, and answers
/// with Arrow IPC batches. Scenarios (a broken stream, an error with ErrorInfo, UNAVAILABLE) are switched on per
/// test through the public fields.
/// </summary>
internal sealed class FakeSparkConnectServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSparkConnectServer(WebApplication app, ServerState state, int port)
    {
        _app = app;
        State = state;
        Port = port;
    }

    public ServerState State { get; }

    public int Port { get; }

    public string ConnectionString(string extra = "") => $"sc://127.0.0.1:{Port}/;user_id=tester{extra}";

    public static async Task<FakeSparkConnectServer> StartAsync(string version = "3.5.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        var state = new ServerState { Version = version };
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single();
        var port = new Uri(address).Port;
        return new FakeSparkConnectServer(app, state, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Builds one Arrow IPC stream (schema and one batch), as Spark puts in <c>arrow_batch.data</c>.</summary>
    public static ByteString Arrow(RecordBatch batch)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return ByteString.CopyFrom(stream.ToArray());
    }

    /// <summary>What the server saw and how it behaves; shared by all calls.</summary>
    internal sealed class ServerState
    {
        public string Version { get; set; } = "3.5.1";

        public string ServerSessionId { get; } = Guid.NewGuid().ToString();

        public string? ExpectedToken { get; set; }

        /// <summary>Gets or sets the batches answered to a query; by default two batches of one int column.</summary>
        public Func<Plan, IReadOnlyList<RecordBatch>> Results { get; set; } = DefaultResults;

        /// <summary>Gets or sets how many responses the first stream of an operation sends before it breaks.</summary>
        public int? BreakAfter { get; set; }

        /// <summary>Gets or sets how many responses the first stream sends before it ends without an error.</summary>
        public int? EndAfter { get; set; }

        /// <summary>Gets or sets an error every ExecutePlan answers.</summary>
        public (string ErrorClass, string SqlState, string Message)? Error { get; set; }

        /// <summary>Gets or sets how many AnalyzePlan calls fail with UNAVAILABLE before one succeeds.</summary>
        public int UnavailableAnalyses { get; set; }

        /// <summary>Gets or sets the status every Config call fails with, if any.</summary>
        public StatusCode? ConfigFailure { get; set; }

        public ConcurrentQueue<IMessage> Requests { get; } = new();

        public ConcurrentQueue<string?> Authorizations { get; } = new();

        public ConcurrentQueue<string> Violations { get; } = new();

        public ConcurrentDictionary<string, List<ExecutePlanResponse>> Operations { get; } = new();

        public ConcurrentDictionary<string, string> Config { get; } = new();

        public int AnalyzeCalls;

        public int ConfigCalls;

        public bool Is4 => Version.StartsWith('4');

        public T[] Seen<T>() where T : IMessage => [.. Requests.OfType<T>()];

        private static IReadOnlyList<RecordBatch> DefaultResults(Plan plan)
        {
            if (plan.Root?.Aggregate is { } aggregate && aggregate.GroupingExpressions.Count == 0)
            {
                var count = new Int64Array.Builder().Append(3).Build();
                return [new RecordBatch(new Schema.Builder().Field(f => f.Name("count").DataType(
                    Apache.Arrow.Types.Int64Type.Default).Nullable(false)).Build(), [count], 1)];
            }

            RecordBatch Batch(int?[] values)
            {
                var builder = new Int32Array.Builder();
                foreach (var v in values)
                {
                    if (v is { } x)
                    {
                        builder.Append(x);
                    }
                    else
                    {
                        builder.AppendNull();
                    }
                }

                var schema = new Schema.Builder()
                    .Field(f => f.Name("v").DataType(Apache.Arrow.Types.Int32Type.Default).Nullable(true)).Build();
                return new RecordBatch(schema, [builder.Build()], values.Length);
            }

            return [Batch([1, 2]), Batch([null])];
        }
    }

    private sealed class Service(ServerState state) : SparkConnectService.SparkConnectServiceBase
    {
        public ServerState State { get; } = state;

        public override async Task ExecutePlan(
            ExecutePlanRequest request, IServerStreamWriter<ExecutePlanResponse> responseStream,
            ServerCallContext context)
        {
            Check(request, request.SessionId, request.UserContext, context);
            CheckObserved(request.HasClientObservedServerSideSessionId, request.ClientObservedServerSideSessionId);
            if (!Guid.TryParse(request.OperationId, out _))
            {
                State.Violations.Enqueue($"operation_id '{request.OperationId}' is not a UUID");
            }

            if (State.Error is { } error)
            {
                throw Failure(error.ErrorClass, error.SqlState, error.Message);
            }

            var responses = Respond(request);
            State.Operations[request.OperationId] = responses;
            var count = 0;
            foreach (var response in responses)
            {
                if (State.BreakAfter is { } limit && count == limit)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "connection reset by the test"));
                }

                if (State.EndAfter is { } end && count == end)
                {
                    // A proxy that closes a long stream cleanly: no error, but no result_complete either.
                    return;
                }

                await responseStream.WriteAsync(response);
                count++;
            }
        }

        public override async Task ReattachExecute(
            ReattachExecuteRequest request, IServerStreamWriter<ExecutePlanResponse> responseStream,
            ServerCallContext context)
        {
            Check(request, request.SessionId, request.UserContext, context);
            if (!State.Operations.TryGetValue(request.OperationId, out var responses))
            {
                throw Failure("INVALID_HANDLE.OPERATION_NOT_FOUND", "HY000", "no such operation");
            }

            var start = request.HasLastResponseId
                ? responses.FindIndex(r => r.ResponseId == request.LastResponseId) + 1
                : 0;
            foreach (var response in responses.Skip(start))
            {
                await responseStream.WriteAsync(response);
            }
        }

        public override Task<ReleaseExecuteResponse> ReleaseExecute(
            ReleaseExecuteRequest request, ServerCallContext context)
        {
            Check(request, request.SessionId, request.UserContext, context);
            return Task.FromResult(new ReleaseExecuteResponse
            {
                SessionId = request.SessionId, OperationId = request.OperationId,
                ServerSideSessionId = State.Is4 ? State.ServerSessionId : string.Empty,
            });
        }

        public override Task<AnalyzePlanResponse> AnalyzePlan(AnalyzePlanRequest request, ServerCallContext context)
        {
            if (Interlocked.Increment(ref State.AnalyzeCalls) <= State.UnavailableAnalyses)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "server is starting"));
            }

            Check(request, request.SessionId, request.UserContext, context);
            CheckObserved(request.HasClientObservedServerSideSessionId, request.ClientObservedServerSideSessionId);
            var response = new AnalyzePlanResponse
            {
                SessionId = request.SessionId,
                ServerSideSessionId = State.Is4 ? State.ServerSessionId : string.Empty,
            };
            switch (request.AnalyzeCase)
            {
                case AnalyzePlanRequest.AnalyzeOneofCase.SparkVersion:
                    response.SparkVersion = new AnalyzePlanResponse.Types.SparkVersion { Version = State.Version };
                    break;
                case AnalyzePlanRequest.AnalyzeOneofCase.Schema:
                    response.Schema = new AnalyzePlanResponse.Types.Schema { Schema_ = SchemaOf() };
                    break;
                case AnalyzePlanRequest.AnalyzeOneofCase.Explain:
                    response.Explain = new AnalyzePlanResponse.Types.Explain
                    {
                        ExplainString = "== Physical Plan ==\n" + request.Explain.Plan.Root.RelTypeCase,
                    };
                    break;
                case AnalyzePlanRequest.AnalyzeOneofCase.Persist:
                    response.Persist = new AnalyzePlanResponse.Types.Persist();
                    break;
                default:
                    throw new RpcException(new Status(StatusCode.Unimplemented, request.AnalyzeCase.ToString()));
            }

            return Task.FromResult(response);
        }

        public override Task<ConfigResponse> Config(ConfigRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref State.ConfigCalls);
            if (State.ConfigFailure is { } code)
            {
                throw new RpcException(new Status(code, "config refused by the test"));
            }

            Check(request, request.SessionId, request.UserContext, context);
            var response = new ConfigResponse { SessionId = request.SessionId };
            var operation = request.Operation;
            if (operation.Set is { } set)
            {
                foreach (var pair in set.Pairs)
                {
                    State.Config[pair.Key] = pair.Value;
                }
            }
            else if (operation.Get is { } get)
            {
                response.Pairs.AddRange(get.Keys.Select(k => State.Config.TryGetValue(k, out var v)
                    ? new KeyValue { Key = k, Value = v }
                    : new KeyValue { Key = k }));
            }

            return Task.FromResult(response);
        }

        public override Task<FetchErrorDetailsResponse> FetchErrorDetails(
            FetchErrorDetailsRequest request, ServerCallContext context)
        {
            Check(request, request.SessionId, request.UserContext, context);
            if (!State.Is4)
            {
                State.Violations.Enqueue("FetchErrorDetails sent to a 3.5 server");
            }

            var response = new FetchErrorDetailsResponse { SessionId = request.SessionId, RootErrorIdx = 0 };
            response.Errors.Add(new FetchErrorDetailsResponse.Types.Error
            {
                Message = "root", CauseIdx = 1, ErrorTypeHierarchy = { "org.apache.spark.sql.AnalysisException" },
            });
            response.Errors.Add(new FetchErrorDetailsResponse.Types.Error
            {
                Message = "file is corrupt", ErrorTypeHierarchy = { "java.io.IOException" },
            });
            return Task.FromResult(response);
        }

        private static Protocol.DataType SchemaOf()
        {
            var fields = new Protocol.DataType.Types.Struct();
            fields.Fields.Add(new Protocol.DataType.Types.StructField
            {
                Name = "a", DataType = new Protocol.DataType { Integer = new() }, Nullable = true,
            });
            fields.Fields.Add(new Protocol.DataType.Types.StructField
            {
                Name = "s", DataType = new Protocol.DataType { String = new() }, Nullable = true,
            });
            return new Protocol.DataType { Struct = fields };
        }

        private List<ExecutePlanResponse> Respond(ExecutePlanRequest request)
        {
            ExecutePlanResponse Next() => new()
            {
                SessionId = request.SessionId,
                OperationId = request.OperationId,
                ResponseId = Guid.NewGuid().ToString(),
                ServerSideSessionId = State.Is4 ? State.ServerSessionId : string.Empty,
            };
            var responses = new List<ExecutePlanResponse>();
            if (request.Plan.OpTypeCase == Plan.OpTypeOneofCase.Root)
            {
                foreach (var batch in State.Results(request.Plan))
                {
                    var response = Next();
                    response.ArrowBatch = new ExecutePlanResponse.Types.ArrowBatch
                    {
                        RowCount = batch.Length, Data = Arrow(batch),
                    };
                    responses.Add(response);
                }
            }

            var metrics = Next();
            metrics.Metrics = new ExecutePlanResponse.Types.Metrics();
            responses.Add(metrics);
            var complete = Next();
            complete.ResultComplete = new ExecutePlanResponse.Types.ResultComplete();
            responses.Add(complete);
            return responses;
        }

        private void Check(IMessage request, string sessionId, UserContext? user, ServerCallContext context)
        {
            State.Requests.Enqueue(request);
            var authorization = context.RequestHeaders.GetValue("authorization");
            State.Authorizations.Enqueue(authorization);
            if (State.ExpectedToken is { } token && authorization != "Bearer " + token)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid bearer token"));
            }

            if (!Guid.TryParseExact(sessionId, "D", out _))
            {
                State.Violations.Enqueue($"session_id '{sessionId}' is not a UUID");
                throw Failure("INVALID_HANDLE.FORMAT", "HY000", $"Invalid session id {sessionId}");
            }

            if (string.IsNullOrEmpty(user?.UserId))
            {
                State.Violations.Enqueue("user_context.user_id is empty");
            }
        }

        private void CheckObserved(bool present, string value)
        {
            // A 3.5 server knows no client_observed_server_side_session_id; a 4.x one wants its own id back.
            if (present && !State.Is4)
            {
                State.Violations.Enqueue("client_observed_server_side_session_id sent to a 3.5 server");
            }

            if (present && value != State.ServerSessionId)
            {
                State.Violations.Enqueue($"client observed session '{value}' is not the server's");
            }
        }

        private static RpcException Failure(string errorClass, string sqlState, string message)
        {
            var info = new Rpc.ErrorInfo
            {
                Reason = "org.apache.spark.sql.AnalysisException", Domain = "org.apache.spark",
            };
            info.Metadata["errorClass"] = errorClass;
            info.Metadata["sqlState"] = sqlState;
            info.Metadata["messageParameters"] = "{}";
            info.Metadata["errorId"] = Guid.NewGuid().ToString();
            var status = new Rpc.Status { Code = (int)StatusCode.Internal, Message = message };
            status.Details.Add(Any.Pack(info));
            var trailers = new Metadata { { "grpc-status-details-bin", status.ToByteArray() } };
            return new RpcException(new Status(StatusCode.Internal, message), trailers);
        }
    }
}
