using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using Rpc = SparkJobs.DataFrame.SparkConnect.Protocol.Rpc;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>How often and how patiently transient failures (UNAVAILABLE) are retried.</summary>
/// <param name="MaxRetries">Retries after the first try.</param>
/// <param name="InitialBackoff">The wait before the first retry.</param>
/// <param name="Multiplier">The growth of the wait per retry.</param>
/// <param name="MaxBackoff">The longest wait.</param>
internal sealed record RetryPolicy(int MaxRetries, TimeSpan InitialBackoff, double Multiplier, TimeSpan MaxBackoff)
{
    /// <summary>Gets the defaults of Spark's own clients: 15 retries from 50 ms, times 4, at most a minute.</summary>
    public static RetryPolicy Default { get; } =
        new(15, TimeSpan.FromMilliseconds(50), 4, TimeSpan.FromMinutes(1));

    public TimeSpan Backoff(int retry) => TimeSpan.FromMilliseconds(Math.Min(
        MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * Math.Pow(Multiplier, retry)));
}

/// <summary>
/// One Spark Connect session over gRPC: every request carries the session id and user context, results stream
/// back reattachably, transient failures are retried, and server errors become <see cref="SparkConnectException"/>.
/// </summary>
internal sealed class SparkConnectClient : IDisposable
{
    private const string ClientType = "sparkjobs-dotnet/0.1";
    private readonly GrpcChannel _channel;
    private readonly SparkConnectService.SparkConnectServiceClient _client;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;
    private string? _version;
    private string? _serverSessionId;

    public SparkConnectClient(SparkConnectOptions options, RetryPolicy? retry = null, TimeProvider? time = null)
    {
        Options = options;
        _retry = retry ?? RetryPolicy.Default;
        _time = time ?? TimeProvider.System;
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            // Arrow batches and plans of 800 columns exceed gRPC's 4 MB default; Spark allows 128 MB.
            MaxReceiveMessageSize = 128 * 1024 * 1024,
            MaxSendMessageSize = 128 * 1024 * 1024,
        });
        _client = new SparkConnectService.SparkConnectServiceClient(_channel);
    }

    public SparkConnectOptions Options { get; }

    /// <summary>Gets the number of times a broken result stream was resumed with ReattachExecute.</summary>
    public int Reattaches { get; private set; }

    /// <summary>Asks the server for its Spark version once; 4.x servers get the 4.0 fields.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        if (_version is null)
        {
            var request = Analyze();
            request.SparkVersion = new AnalyzePlanRequest.Types.SparkVersion();
            var response = await CallAsync(
                () => _client.AnalyzePlanAsync(request, Headers(cancellationToken)), false, cancellationToken);
            _version = response.SparkVersion?.Version ?? string.Empty;
            Observe(response.ServerSideSessionId);
        }

        return _version;
    }

    public async Task<bool> IsSpark4Async(CancellationToken cancellationToken)
    {
        var version = await VersionAsync(cancellationToken);
        var major = version.Split('.')[0];
        return int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m >= 4;
    }

    public async Task<AnalyzePlanResponse> AnalyzeAsync(
        Action<AnalyzePlanRequest> fill, CancellationToken cancellationToken)
    {
        var spark4 = await IsSpark4Async(cancellationToken);
        var request = Analyze();
        fill(request);
        Echo(spark4, id => request.ClientObservedServerSideSessionId = id);
        var response = await CallAsync(
            () => _client.AnalyzePlanAsync(request, Headers(cancellationToken)), spark4, cancellationToken);
        Observe(response.ServerSideSessionId);
        return response;
    }

    public async Task<ConfigResponse> ConfigAsync(ConfigRequest.Types.Operation operation,
        CancellationToken cancellationToken)
    {
        var spark4 = await IsSpark4Async(cancellationToken);
        var request = new ConfigRequest
        {
            SessionId = Options.SessionId, UserContext = User(), ClientType = FullClientType, Operation = operation,
        };
        Echo(spark4, id => request.ClientObservedServerSideSessionId = id);
        var response = await CallAsync(
            () => _client.ConfigAsync(request, Headers(cancellationToken)), spark4, cancellationToken);
        Observe(response.ServerSideSessionId);
        return response;
    }

    /// <summary>
    /// Runs a plan and returns all its responses. A stream that breaks before <c>result_complete</c> is resumed
    /// with ReattachExecute from the last response id; the operation is released at the end.
    /// </summary>
    public async Task<IReadOnlyList<ExecutePlanResponse>> ExecuteAsync(
        Plan plan, CancellationToken cancellationToken)
    {
        var spark4 = await IsSpark4Async(cancellationToken);
        var operationId = Guid.NewGuid().ToString();
        var request = new ExecutePlanRequest
        {
            SessionId = Options.SessionId,
            UserContext = User(),
            OperationId = operationId,
            Plan = plan,
            ClientType = FullClientType,
        };
        request.RequestOptions.Add(new ExecutePlanRequest.Types.RequestOption
        {
            ReattachOptions = new ReattachOptions { Reattachable = true },
        });
        Echo(spark4, id => request.ClientObservedServerSideSessionId = id);

        var responses = new List<ExecutePlanResponse>();
        string? lastResponseId = null;
        var complete = false;
        var retries = 0;
        try
        {
            var call = _client.ExecutePlan(request, Headers(cancellationToken));
            while (!complete)
            {
                try
                {
                    using (call)
                    {
                        while (await call.ResponseStream.MoveNext(cancellationToken))
                        {
                            var response = call.ResponseStream.Current;
                            Observe(response.ServerSideSessionId);
                            lastResponseId = response.ResponseId;
                            complete |= response.ResponseTypeCase
                                == ExecutePlanResponse.ResponseTypeOneofCase.ResultComplete;
                            responses.Add(response);
                        }
                    }

                    if (complete)
                    {
                        break;
                    }
                }
                catch (RpcException e) when (IsTransient(e) && retries < _retry.MaxRetries)
                {
                    // Broken mid-stream: fall through to reattach below.
                }

                // The stream ended without result_complete (or broke): the operation still runs on the server.
                if (retries >= _retry.MaxRetries)
                {
                    throw new SparkConnectException(
                        $"The result stream of operation {operationId} broke {retries + 1} times; giving up.");
                }

                await Task.Delay(_retry.Backoff(retries++), _time, cancellationToken);
                if (responses.Count == 0)
                {
                    // Nothing arrived, so the server may never have seen the operation: send it again.
                    call = _client.ExecutePlan(request, Headers(cancellationToken));
                    continue;
                }

                Reattaches++;
                var reattach = new ReattachExecuteRequest
                {
                    SessionId = Options.SessionId, UserContext = User(), OperationId = operationId,
                    ClientType = FullClientType,
                };
                if (lastResponseId is not null)
                {
                    reattach.LastResponseId = lastResponseId;
                }

                Echo(spark4, id => reattach.ClientObservedServerSideSessionId = id);
                call = _client.ReattachExecute(reattach, Headers(cancellationToken));
            }
        }
        catch (RpcException e)
        {
            throw await ConvertAsync(e, spark4, cancellationToken);
        }

        await ReleaseAsync(operationId, spark4, cancellationToken);
        return responses;
    }

    public void Dispose() => _channel.Dispose();

    private string FullClientType => Options.UserAgent is null ? ClientType : $"{ClientType} {Options.UserAgent}";

    private async Task ReleaseAsync(string operationId, bool spark4, CancellationToken cancellationToken)
    {
        var release = new ReleaseExecuteRequest
        {
            SessionId = Options.SessionId, UserContext = User(), OperationId = operationId,
            ClientType = FullClientType, ReleaseAll = new ReleaseExecuteRequest.Types.ReleaseAll(),
        };
        Echo(spark4, id => release.ClientObservedServerSideSessionId = id);
        try
        {
            await UnaryAsync(() => _client.ReleaseExecuteAsync(release, Headers(cancellationToken)));
        }
        catch (RpcException)
        {
            // The result is complete; the server drops unreleased operations after a timeout anyway.
        }
    }

    private AnalyzePlanRequest Analyze() => new()
    {
        SessionId = Options.SessionId, UserContext = User(), ClientType = FullClientType,
    };

    private UserContext User() => new() { UserId = Options.UserId, UserName = Options.UserId };

    private void Echo(bool spark4, Action<string> set)
    {
        if (spark4 && _serverSessionId is { Length: > 0 } id)
        {
            set(id);
        }
    }

    private void Observe(string serverSessionId)
    {
        if (serverSessionId.Length == 0)
        {
            return;
        }

        if (_serverSessionId is not null && _serverSessionId != serverSessionId)
        {
            throw new SparkConnectException(
                $"The Spark Connect server's session changed from {_serverSessionId} to {serverSessionId} (it was "
                + "restarted), so cached data and temporary views are gone; run the job again.");
        }

        _serverSessionId = serverSessionId;
    }

    private CallOptions Headers(CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if (Options.Token is not null)
        {
            headers.Add("authorization", "Bearer " + Options.Token);
        }

        return new CallOptions(headers, cancellationToken: cancellationToken);
    }

    private async Task<T> CallAsync<T>(Func<AsyncUnaryCall<T>> call, bool spark4, CancellationToken cancellationToken)
    {
        try
        {
            return await UnaryAsync(call);
        }
        catch (RpcException e)
        {
            throw await ConvertAsync(e, spark4, cancellationToken);
        }
    }

    private async Task<T> UnaryAsync<T>(Func<AsyncUnaryCall<T>> call)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                using var pending = call();
                return await pending.ResponseAsync;
            }
            catch (RpcException e) when (IsTransient(e) && retry < _retry.MaxRetries)
            {
                await Task.Delay(_retry.Backoff(retry), _time);
            }
        }
    }

    /// <summary>UNAVAILABLE: the server was not reached or the connection dropped; nothing else is retried.</summary>
    internal static bool IsTransient(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable
        || (e.StatusCode == StatusCode.Internal
            && e.Status.Detail.Contains("INVALID_CURSOR.DISCONNECTED", StringComparison.Ordinal));

    /// <summary>Turns a gRPC error into a message with Spark's error class, message and SQL state.</summary>
    internal async Task<SparkConnectException> ConvertAsync(
        RpcException e, bool spark4, CancellationToken cancellationToken)
    {
        var info = ErrorInfo(e);
        var message = e.Status.Detail;
        string? errorClass = null;
        string? sqlState = null;
        string? reason = null;
        var causes = new List<string>();
        if (info is not null)
        {
            reason = info.Reason;
            errorClass = info.Metadata.GetValueOrDefault("errorClass");
            sqlState = info.Metadata.GetValueOrDefault("sqlState");
            if (spark4 && info.Metadata.GetValueOrDefault("errorId") is { Length: > 0 } errorId)
            {
                causes.AddRange(await CausesAsync(errorId, cancellationToken));
            }
        }

        if (e.StatusCode == StatusCode.Unavailable)
        {
            message = $"The Spark Connect server at {Options.Address} is unreachable ({e.Status.Detail}); check that "
                + "it runs (start-connect-server.sh) and that host and port in --engine are right";
        }
        else if (e.StatusCode == StatusCode.Unauthenticated || e.StatusCode == StatusCode.PermissionDenied)
        {
            message = $"The Spark Connect server refused the credentials ({e.Status.Detail}); check token= in the "
                + "connection string";
        }

        var text = new StringBuilder("Spark failed");
        if (errorClass is not null)
        {
            text.Append(" [").Append(errorClass).Append(']');
        }

        text.Append(": ").Append(message.TrimEnd('.')).Append('.');
        if (sqlState is not null)
        {
            text.Append(" (SQLSTATE ").Append(sqlState).Append(')');
        }

        foreach (var cause in causes)
        {
            text.Append(" Caused by: ").Append(cause);
        }

        return new SparkConnectException(text.ToString(), e)
        {
            ErrorClass = errorClass, SqlState = sqlState, Reason = reason, StatusCode = e.StatusCode,
        };
    }

    private static Rpc.ErrorInfo? ErrorInfo(RpcException e)
    {
        var details = e.Trailers.GetValueBytes("grpc-status-details-bin");
        if (details is null)
        {
            return null;
        }

        try
        {
            var status = Rpc.Status.Parser.ParseFrom(details);
            return status.Details.Where(d => d.TypeUrl.EndsWith("/google.rpc.ErrorInfo", StringComparison.Ordinal))
                .Select(d => Rpc.ErrorInfo.Parser.ParseFrom(d.Value)).FirstOrDefault();
        }
        catch (InvalidProtocolBufferException)
        {
            // A proxy's malformed details must not hide the status message itself.
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> CausesAsync(string errorId, CancellationToken cancellationToken)
    {
        var request = new FetchErrorDetailsRequest
        {
            SessionId = Options.SessionId, UserContext = User(), ErrorId = errorId, ClientType = FullClientType,
        };
        Echo(true, id => request.ClientObservedServerSideSessionId = id);
        try
        {
            var response = await UnaryAsync(
                () => _client.FetchErrorDetailsAsync(request, Headers(cancellationToken)));
            if (!response.HasRootErrorIdx)
            {
                return [];
            }

            // The root is the error already shown; its causes follow cause_idx links.
            var causes = new List<string>();
            var index = response.Errors[response.RootErrorIdx].HasCauseIdx
                ? response.Errors[response.RootErrorIdx].CauseIdx : -1;
            while (index >= 0 && index < response.Errors.Count && causes.Count < response.Errors.Count)
            {
                var error = response.Errors[index];
                var type = error.ErrorTypeHierarchy.FirstOrDefault() ?? "error";
                causes.Add($"{type}: {error.Message}");
                index = error.HasCauseIdx ? error.CauseIdx : -1;
            }

            return causes;
        }
        catch (RpcException)
        {
            return [];
        }
    }
}
