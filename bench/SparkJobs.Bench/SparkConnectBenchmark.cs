using System.Diagnostics;
using System.Globalization;
using System.Net;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SparkJobs.DataFrame;
using SparkJobs.DataFrame.SparkConnect;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Preprocess;
using SparkJobs.Storage;
using static SparkJobs.DataFrame.Functions;
using DataType = SparkJobs.DataFrame.DataType;
using Frame = SparkJobs.DataFrame.DataFrame;

namespace SparkJobs.Bench;

/// <summary>
/// What the Spark Connect client itself costs: plan sizes on the wire, building and serialising a plan, and
/// collecting a 10,000 x 10 Arrow result from an in-process server, against the embedded engine running the same
/// query. The server's answer is precomputed, so the client's time is all that is measured on that side.
/// </summary>
internal sealed class SparkConnectBenchmark : IBenchmark
{
    private const int Rows = 10_000;
    private const int Columns = 10;
    private const int Repeats = 20;

    public string Name => "spark-connect";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();

        // Plan sizes: the seed's tabular case and every plan of the Fashion-MNIST job.
        var plans = Path.Combine(context.ScratchDirectory, "plans");
        var options = new PreprocessOptions("hdfs://namenode:8020/landing", "hdfs://namenode:8020/prepared", 10, 42,
            "embedded", plans);
        await PreprocessJob.RunAsync(options, FileSystems.Default, cancellationToken);
        var sizes = Directory.GetFiles(plans, "*.plan.bin").Select(f => new FileInfo(f).Length).ToList();
        await using (var planOnly = DataSession.PlansOnly(null, null))
        {
            var tabular = Tabular(planOnly, "hdfs://namenode:8020/data/tabular.csv");
            figures.Add(new Figure("tabular plan (read csv, dropna, feature1)", Query(tabular).CalculateSize(),
                "bytes"));
        }

        figures.Add(new Figure($"Fashion-MNIST plans ({sizes.Count}), largest", sizes.Max(), "bytes"));
        figures.Add(new Figure($"Fashion-MNIST plans ({sizes.Count}), total", sizes.Sum(), "bytes"));

        // The same query on both engines: 10 double columns, filtered and derived, collected.
        var parquet = Path.Combine(context.ScratchDirectory, "wide.parquet");
        await using var embedded = DataSession.Embedded();
        var columns = Enumerable.Range(0, Columns).Select(c => $"CAST(range * {c + 1} AS DOUBLE) AS c{c}");
        await embedded.Sql($"SELECT {string.Join(", ", columns)} FROM range({Rows})")
            .Write.Format("parquet").SaveAsync(parquet, cancellationToken);
        Frame QueryOf(DataSession s) => s.Read.Parquet(parquet).Filter(Col("c0") >= 0)
            .WithColumn("c9", Col("c9") * 2);

        var build = Time(() => Query(QueryOf(embedded)).ToByteArray().Length, Repeats * 10);
        figures.Add(new Figure("build + serialise the query plan", build * 1000, "ms"));

        var embeddedTime = await TimeAsync(() => QueryOf(embedded).CollectAsync(cancellationToken), Repeats);
        var batch = ArrowPayload();
        var decode = Time(() => DecodeOnly(batch), Repeats);
        await using var server = await InProcessServer.StartAsync(batch);
        await using var spark = DataSession.SparkConnect(SparkConnectOptions.Parse($"sc://127.0.0.1:{server.Port}"));
        var sparkTime = await TimeAsync(() => QueryOf(spark).CollectAsync(cancellationToken), Repeats);
        figures.Add(new Figure($"decode a {Rows:N0} x {Columns} Arrow batch", decode * 1000, "ms"));
        figures.Add(new Figure("spark-connect collect (gRPC + decode, in-process server)", sparkTime * 1000, "ms"));
        figures.Add(new Figure("embedded collect of the same query (DuckDB)", embeddedTime * 1000, "ms"));
        figures.Add(new Figure("ratio client overhead / embedded query", sparkTime / embeddedTime, "x"));
        return figures;
    }

    private static Frame Tabular(DataSession session, string path) => session.Read.Format("csv")
        .Schema(new StructType([new StructField("column1", DataType.DoubleType),
            new StructField("column2", DataType.DoubleType), new StructField("column3", DataType.StringType)]))
        .Option("header", "true").Load(path).DropNa().WithColumn("feature1", Col("column1") * Col("column2"));

    private static Plan Query(Frame frame) => new SparkPlanTranslator().Query(frame.Plan);

    private static int DecodeOnly(ByteString batch) =>
        ArrowRows.Decode([new ExecutePlanResponse { ArrowBatch = new() { RowCount = Rows, Data = batch } }]).Count;

    private static ByteString ArrowPayload()
    {
        var schema = new Schema.Builder();
        var arrays = new List<IArrowArray>();
        for (var c = 0; c < Columns; c++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"c{c}");
            schema.Field(f => f.Name(name).DataType(Apache.Arrow.Types.DoubleType.Default).Nullable(true));
            var builder = new DoubleArray.Builder();
            for (var r = 0; r < Rows; r++)
            {
                builder.Append(r * (c + 1.0));
            }

            arrays.Add(builder.Build());
        }

        using var batch = new RecordBatch(schema.Build(), arrays, Rows);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return ByteString.CopyFrom(stream.ToArray());
    }

    private static double Time(Func<int> action, int repeats)
    {
        action();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            action();
        }

        return clock.Elapsed.TotalSeconds / repeats;
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> action, int repeats)
    {
        await action();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            await action();
        }

        return clock.Elapsed.TotalSeconds / repeats;
    }

    /// <summary>Answers every query with the same precomputed batch; a minimal Spark Connect server.</summary>
    private sealed class InProcessServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private InProcessServer(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public static async Task<InProcessServer> StartAsync(ByteString batch)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
                k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = null);
            builder.Services.AddSingleton(new Answer(batch));
            var app = builder.Build();
            app.MapGrpcService<Service>();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            return new InProcessServer(app, new Uri(address).Port);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed record Answer(ByteString Batch);

    private sealed class Service(Answer answer) : SparkConnectService.SparkConnectServiceBase
    {
        public override async Task ExecutePlan(ExecutePlanRequest request,
            IServerStreamWriter<ExecutePlanResponse> responseStream, ServerCallContext context)
        {
            await responseStream.WriteAsync(new ExecutePlanResponse
            {
                SessionId = request.SessionId, OperationId = request.OperationId, ResponseId = "1",
                ArrowBatch = new() { RowCount = Rows, Data = answer.Batch },
            });
            await responseStream.WriteAsync(new ExecutePlanResponse
            {
                SessionId = request.SessionId, OperationId = request.OperationId, ResponseId = "2",
                ResultComplete = new(),
            });
        }

        public override Task<AnalyzePlanResponse> AnalyzePlan(AnalyzePlanRequest request, ServerCallContext context) =>
            Task.FromResult(new AnalyzePlanResponse
            {
                SessionId = request.SessionId, SparkVersion = new() { Version = "3.5.1" },
            });

        public override Task<ConfigResponse> Config(ConfigRequest request, ServerCallContext context) =>
            Task.FromResult(new ConfigResponse { SessionId = request.SessionId });

        public override Task<ReleaseExecuteResponse> ReleaseExecute(ReleaseExecuteRequest request,
            ServerCallContext context) =>
            Task.FromResult(new ReleaseExecuteResponse { SessionId = request.SessionId });
    }
}
