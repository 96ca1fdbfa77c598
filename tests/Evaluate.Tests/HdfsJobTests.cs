using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using SparkJobs.Storage.Tests.WebHdfs;
using SparkJobs.Testing;
using SparkJobs.Training;
using static TorchSharp.torch;

namespace SparkJobs.Jobs.Evaluate.Tests;

/// <summary>Train and Evaluate against HDFS paths, through the in-test WebHDFS NameNode and DataNode.</summary>
public sealed class HdfsJobTests : IAsyncLifetime
{
    // The WebHDFS client's default block for seekable reads.
    private const long ReadBlockSize = 4 * 1024 * 1024;
    private readonly TempDir _dir = new();
    private WebHdfsTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await WebHdfsTestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Train_and_evaluate_read_shards_by_range_and_commit_their_outputs_on_hdfs()
    {
        await TestData.WritePreparedAsync(_server.Local("/data/prepared"), train: 256, validation: 64, test: 100);
        var environment = HadoopEnvironment();
        var hdfs = "hdfs://" + WebHdfsTestServer.Authority;

        var train = await JobProcess.RunAsync("train", environment,
            "--input", $"{hdfs}/data/prepared", "--output", $"{hdfs}/runs/model", "--epochs", "1", "--threads", "2");
        var evaluate = await JobProcess.RunAsync("evaluate", environment,
            "--model", $"{hdfs}/runs/model", "--input", $"{hdfs}/data/prepared", "--output", $"{hdfs}/runs/eval",
            "--threads", "2");

        Assert.True(train.ExitCode == 0, train.StandardError);
        Assert.True(evaluate.ExitCode == 0, evaluate.StandardError);
        Assert.Equal(
            ["_SUCCESS", "history.json", "model.pt"],
            Directory.GetFileSystemEntries(_server.Local("/runs/model")).Select(Path.GetFileName)
                .Order(StringComparer.Ordinal));
        Assert.Equal(
            ["_SUCCESS", "accuracy.png", "confusion-matrix.png", "loss.png", "metrics.json"],
            Directory.GetFileSystemEntries(_server.Local("/runs/eval")).Select(Path.GetFileName)
                .Order(StringComparer.Ordinal));
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(_server.Local("/runs/eval/metrics.json")));
        Assert.Equal(100, metrics.RootElement.GetProperty("report").GetProperty("samples").GetInt64());

        // Every read of a shard or of the weights was a ranged OPEN of at most one block: nothing was fetched whole.
        var reads = _server.Requests
            .Where(r => r is { Node: "datanode", Op: "OPEN" })
            .Where(r => r.Path.EndsWith(".parquet", StringComparison.Ordinal)
                || r.Path.EndsWith("model.pt", StringComparison.Ordinal))
            .Select(r => (r.Path, Query: QueryHelpers.ParseQuery(r.Query)))
            .ToList();
        Assert.Contains(reads, r => r.Path.EndsWith("/train/part-00000.parquet", StringComparison.Ordinal));
        Assert.Contains(reads, r => r.Path.EndsWith("/test/part-00000.parquet", StringComparison.Ordinal));
        Assert.Contains(reads, r => r.Path.EndsWith("/model.pt", StringComparison.Ordinal));
        Assert.All(reads, r =>
        {
            Assert.True(r.Query.ContainsKey("length"), $"{r.Path} was opened without a length");
            Assert.InRange(long.Parse(r.Query["length"]!, CultureInfo.InvariantCulture), 1, ReadBlockSize);
        });

        // Each output was written under _temporary and renamed into place before _SUCCESS.
        var renames = _server.Requests.Where(r => r is { Node: "namenode", Op: "RENAME" }).ToList();
        Assert.Contains(renames, r => r.Path.Contains("/runs/model/_temporary/", StringComparison.Ordinal));
        Assert.Contains(renames, r => r.Path.Contains("/runs/eval/_temporary/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_resumes_from_a_checkpoint_on_hdfs()
    {
        await TestData.WritePreparedAsync(_server.Local("/data/prepared"), train: 128, validation: 32, test: 8);
        var checkpoints = _server.Local("/runs/resumed/_checkpoints");
        Directory.CreateDirectory(checkpoints);
        using (var model = new FashionCnn())
        using (var trainer = new Trainer(model, CPU, 0.001))
        await using (var weights = File.Create(Path.Combine(checkpoints, "epoch-01.pt")))
        await using (var optimizer = File.Create(Path.Combine(checkpoints, "epoch-01.optim")))
        {
            trainer.SaveCheckpoint(weights, optimizer);
        }

        var first = new EpochRecord(1, 9.5, 0.1, 9.5, 0.1, 100, 1);
        await File.WriteAllTextAsync(Path.Combine(checkpoints, "epoch-01.json"),
            JsonSerializer.Serialize(new[] { first }, TrainingHistory.JsonOptions));
        var hdfs = "hdfs://" + WebHdfsTestServer.Authority;

        var train = await JobProcess.RunAsync("train", HadoopEnvironment(), "--input", $"{hdfs}/data/prepared",
            "--output", $"{hdfs}/runs/resumed", "--epochs", "2", "--resume", "--threads", "2");

        Assert.True(train.ExitCode == 0, train.StandardError);
        Assert.Contains("resuming after epoch 1", train.StandardError, StringComparison.Ordinal);
        var history = TrainingHistory.FromJson(
            await File.ReadAllTextAsync(_server.Local("/runs/resumed/history.json")));
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(first, history.Epochs[0]);
        Assert.Contains(_server.Requests, r => r is { Node: "datanode", Op: "OPEN" }
            && r.Path.EndsWith("epoch-01.optim", StringComparison.Ordinal)
            && r.Query.Contains("length=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_refuses_a_shard_on_hdfs_that_is_not_parquet()
    {
        await TestData.WritePreparedAsync(_server.Local("/data/prepared"), train: 8, validation: 8, test: 8);
        await File.WriteAllBytesAsync(_server.Local("/data/prepared/train/part-00000.parquet"), [0x50, 0x41, 0x52]);
        var hdfs = "hdfs://" + WebHdfsTestServer.Authority;

        var train = await JobProcess.RunAsync("train", HadoopEnvironment(),
            "--input", $"{hdfs}/data/prepared", "--output", $"{hdfs}/runs/model", "--epochs", "1");

        Assert.Equal(2, train.ExitCode);
        var line = Assert.Single(train.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(
            $"train: error: '{hdfs}/data/prepared/train/part-00000.parquet' is not a Parquet file",
            line,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(_server.Local("/runs/model")));
    }

    private Dictionary<string, string?> HadoopEnvironment()
    {
        var conf = Path.Combine(_dir.Path, "hadoop-conf");
        Directory.CreateDirectory(conf);
        File.WriteAllText(Path.Combine(conf, "core-site.xml"), $"""
            <configuration>
              <property>
                <name>fs.defaultFS</name>
                <value>hdfs://{WebHdfsTestServer.Authority}</value>
              </property>
              <property>
                <name>webhdfs.address.{WebHdfsTestServer.Authority}</name>
                <value>http://127.0.0.1:{_server.NameNodePort}</value>
              </property>
            </configuration>
            """);
        return new Dictionary<string, string?>
        {
            ["HADOOP_CONF_DIR"] = conf,
            ["HADOOP_USER_NAME"] = "alice",
        };
    }
}
