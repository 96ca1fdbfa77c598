using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Parquet;
using Parquet.Schema;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests.WebHdfs;

/// <summary>Random access to HDFS files through ranged OPEN requests, and to local files through FileStream.</summary>
public sealed class SeekableReadTests : IAsyncLifetime
{
    private const int BlockSize = 64 * 1024;
    private WebHdfsTestServer _server = null!;
    private WebHdfsFileSystem _fs = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await WebHdfsTestServer.StartAsync();
        _fs = new WebHdfsFileSystem(_server.Configuration(), new WebHdfsOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(1),
            ReadBlockSize = BlockSize,
        });
    }

    public async ValueTask DisposeAsync()
    {
        _fs.Dispose();
        await _server.DisposeAsync();
    }

    private static StoragePath P(string path) => WebHdfsTestServer.Path(path);

    [Fact]
    public async Task OpenReadSeekable_ReportsTheLengthAndSeeksFromEveryOrigin()
    {
        var content = RandomBytes(3 * BlockSize + 17, seed: 1);
        await File.WriteAllBytesAsync(_server.Local("/s.bin"), content);

        await using var stream = await _fs.OpenReadSeekableAsync(P("/s.bin"));
        var fromEnd = stream.Seek(-5, SeekOrigin.End);
        var tail = new byte[10];
        var tailRead = await stream.ReadAsync(tail);
        stream.Position = 100;
        stream.Seek(BlockSize, SeekOrigin.Current);
        var middle = new byte[4];
        stream.ReadExactly(middle);
        stream.Position = content.Length + 50;
        var pastEnd = await stream.ReadAsync(new byte[8]);

        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        Assert.Equal(content.Length - 5, fromEnd);
        Assert.Equal(5, tailRead);
        Assert.Equal(content[^5..], tail[..5]);
        Assert.Equal(content.AsSpan(100 + BlockSize, 4).ToArray(), middle);
        Assert.Equal(0, pastEnd);
        Assert.Throws<IOException>(() => stream.Seek(-1, SeekOrigin.Begin));
    }

    [Fact]
    public async Task RandomSeeksAndReads_ReturnTheFileBytes_AcrossBlockBoundariesAndAtTheEnd()
    {
        // Lengths that end inside, exactly at and just past a block, and a file that ends mid-block.
        var content = RandomBytes((5 * BlockSize) + 1234, seed: 2);
        await File.WriteAllBytesAsync(_server.Local("/r.bin"), content);
        var random = new Random(42);
        var cases = new List<(long Offset, int Count)>
        {
            (0, 0), (0, 1), (BlockSize - 1, 2), (BlockSize - 10, BlockSize + 20), (0, content.Length),
            (content.Length - 1, 1), (content.Length - 3, 100), (content.Length, 10), (4 * BlockSize, 3 * BlockSize),
        };
        for (var i = 0; i < 300; i++)
        {
            var offset = random.NextInt64(0, content.Length + 1);
            cases.Add((offset, random.Next(0, i % 10 == 0 ? 3 * BlockSize : 5000)));
        }

        await using var stream = await _fs.OpenReadSeekableAsync(P("/r.bin"));
        for (var i = 0; i < cases.Count; i++)
        {
            var (offset, count) = cases[i];
            stream.Position = offset;
            var buffer = new byte[count];
            var read = i % 2 == 0 ? await stream.ReadAsync(buffer) : stream.Read(buffer, 0, count);
            var expected = (int)Math.Min(count, content.Length - offset);

            Assert.Equal(expected, read);
            Assert.True(content.AsSpan((int)offset, expected).SequenceEqual(buffer.AsSpan(0, read)),
                $"bytes differ for offset {offset}, count {count}");
            Assert.Equal(offset + read, stream.Position);
        }

        Assert.All(OpenLengths(), length => Assert.InRange(length, 1, BlockSize));
    }

    [Fact]
    public async Task SequentialRead_FetchesEachBlockOnce_WithOffsetAndLength()
    {
        var content = RandomBytes((3 * BlockSize) + 5, seed: 3);
        await File.WriteAllBytesAsync(_server.Local("/q.bin"), content);

        await using var stream = await _fs.OpenReadSeekableAsync(P("/q.bin"));
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, bufferSize: 1000);

        Assert.Equal(content, copy.ToArray());
        var opens = DataNodeOpens().ToList();
        Assert.Equal(
            new (long, int)[]
            {
                (0, BlockSize), (BlockSize, BlockSize), (2 * BlockSize, BlockSize), (3 * BlockSize, 5),
            },
            opens);
    }

    [Fact]
    public async Task Parquet_ThroughTheStream_ReadsTheSameRowsAsALocalRead()
    {
        var (local, rows) = await WriteParquetAsync("/p/data.parquet", rowGroups: 3, rowsPerGroup: 5000);

        var overHdfs = await ReadParquetAsync(await _fs.OpenReadSeekableAsync(P("/p/data.parquet")));
        var fromDisk = await ReadParquetAsync(
            await LocalFileSystem.Instance.OpenReadSeekableAsync(StoragePath.FromLocal(local)));

        Assert.Equal(rows, overHdfs);
        Assert.Equal(fromDisk, overHdfs);
    }

    [Fact]
    public async Task Parquet_MultiRowGroupFile_IsStreamedInBoundedRangesNeverWhole()
    {
        var (local, _) = await WriteParquetAsync("/p/big.parquet", rowGroups: 4, rowsPerGroup: 40_000);
        var fileSize = new FileInfo(local).Length;
        Assert.True(fileSize > 10 * BlockSize, $"the file ({fileSize} bytes) is too small to show streaming");

        await using var stream = await _fs.OpenReadSeekableAsync(P("/p/big.parquet"));
        var seekable = Assert.IsType<WebHdfsSeekableStream>(stream);
        await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
        var idField = reader.Schema.DataFields[0];
        long sum = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var ids = new long[group.RowCount];
            await group.ReadAsync(idField, ids.AsMemory());
            sum += ids.Sum();
        }

        var lengths = OpenLengths().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{lengths.Count} ranged OPENs fetched {_server.SentBytes} of {fileSize} bytes; the largest asked for " +
            $"{lengths.Max()} bytes, the stream held {seekable.BufferedCapacity}");
        const long rows = 4 * 40_000L;
        Assert.Equal(rows * (rows - 1) / 2, sum);
        Assert.Equal(4, reader.RowGroupCount);
        Assert.NotEmpty(lengths);
        Assert.True(lengths.Max() <= BlockSize, $"an OPEN asked for {lengths.Max()} bytes");
        Assert.InRange(seekable.BufferedCapacity, 1, BlockSize);
        Assert.True(seekable.BufferedCapacity < fileSize);

        // Reading one column of three fetched its chunks and the footer, not the file.
        Assert.True(_server.SentBytes < fileSize / 2, $"sent {_server.SentBytes} of {fileSize} bytes");
    }

    [Fact]
    public async Task OpenReadSeekable_MissingFileOrDirectory_SaysWhichPath()
    {
        Directory.CreateDirectory(_server.Local("/adir"));

        var missing = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.OpenReadSeekableAsync(P("/none.bin")));
        var dir = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.OpenReadSeekableAsync(P("/adir")));

        Assert.Equal("FileNotFoundException", missing.RemoteException);
        Assert.Equal(
            "WebHDFS GETFILESTATUS of 'hdfs://127.0.0.1:8020/none.bin' failed: FileNotFoundException: File does " +
            "not exist: /none.bin (HTTP 404). 'hdfs://127.0.0.1:8020/none.bin' does not exist; check the path " +
            "(hdfs dfs -ls hdfs://127.0.0.1:8020/) or create it first.",
            missing.Message);
        Assert.Equal("'hdfs://127.0.0.1:8020/adir' is a directory; name a file inside it.", dir.Message);
    }

    [Fact]
    public async Task FileRemovedWhileOpen_ReadFailsWithTheRemoteExceptionAndPath()
    {
        await File.WriteAllBytesAsync(_server.Local("/gone.bin"), RandomBytes(2 * BlockSize, seed: 4));
        await using var stream = await _fs.OpenReadSeekableAsync(P("/gone.bin"));
        File.Delete(_server.Local("/gone.bin"));

        var error = await Assert.ThrowsAsync<WebHdfsException>(
            async () => await stream.ReadExactlyAsync(new byte[10]));

        Assert.Equal("FileNotFoundException", error.RemoteException);
        Assert.Contains("WebHDFS OPEN of 'hdfs://127.0.0.1:8020/gone.bin' failed", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileShortenedWhileOpen_ReadSaysTheFileChanged()
    {
        await File.WriteAllBytesAsync(_server.Local("/short.bin"), RandomBytes(2 * BlockSize, seed: 5));
        await using var stream = await _fs.OpenReadSeekableAsync(P("/short.bin"));
        await File.WriteAllBytesAsync(_server.Local("/short.bin"), RandomBytes(BlockSize + 10, seed: 5));
        stream.Position = BlockSize;

        var error = await Assert.ThrowsAsync<WebHdfsException>(
            async () => await stream.ReadExactlyAsync(new byte[100]));

        Assert.Equal(
            $"'hdfs://127.0.0.1:8020/short.bin' ended after {BlockSize + 10} bytes, short of the {2 * BlockSize} " +
            "bytes GETFILESTATUS reported: the file changed while it was read. Read it again once its writer " +
            "has finished.",
            error.Message);
    }

    [Fact]
    public async Task TransientFailures_ABlockFetchIsRetried()
    {
        var content = RandomBytes(BlockSize + 1, seed: 6);
        await File.WriteAllBytesAsync(_server.Local("/t.bin"), content);
        await using var stream = await _fs.OpenReadSeekableAsync(P("/t.bin"));
        _server.FailNext(2);

        var buffer = new byte[content.Length];
        await stream.ReadExactlyAsync(buffer);

        Assert.Equal(content, buffer);
    }

    [Fact]
    public async Task BrokenTransfer_TheBlockIsFetchedAgain()
    {
        var content = RandomBytes(BlockSize, seed: 8);
        await File.WriteAllBytesAsync(_server.Local("/b.bin"), content);
        await using var stream = await _fs.OpenReadSeekableAsync(P("/b.bin"));
        _server.DropNextReadAfter(1000);

        var buffer = new byte[content.Length];
        await stream.ReadExactlyAsync(buffer);

        Assert.Equal(content, buffer);
        Assert.Equal(new (long, int)[] { (0, BlockSize), (0, BlockSize) }, DataNodeOpens().ToArray());
    }

    [Fact]
    public async Task LocalFiles_AreOpenedAsFileStreams()
    {
        using var dir = new TempDir();
        var path = System.IO.Path.Combine(dir.Path, "l.bin");
        await File.WriteAllBytesAsync(path, RandomBytes(1000, seed: 7));

        await using var stream = await LocalFileSystem.Instance.OpenReadSeekableAsync(StoragePath.FromLocal(path));
        var missing = await Assert.ThrowsAsync<StorageException>(() =>
            LocalFileSystem.Instance.OpenReadSeekableAsync(StoragePath.FromLocal(path + ".none")));

        Assert.IsType<FileStream>(stream);
        Assert.Equal(1000, stream.Length);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<List<(long Id, double Value, string? Name)>> ReadParquetAsync(Stream stream)
    {
        await using (stream)
        {
            await using var reader = await ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.DataFields;
            var rows = new List<(long, double, string?)>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                var ids = new long[count];
                var values = new double[count];
                var names = new string?[count];
                await group.ReadAsync(fields[0], ids.AsMemory());
                await group.ReadAsync(fields[1], values.AsMemory());
                await group.ReadAsync(fields[2], names.AsMemory());
                rows.AddRange(ids.Select((id, i) => (id, values[i], names[i])));
            }

            return rows;
        }
    }

    private IEnumerable<long> OpenLengths() =>
        DataNodeOpens().Select(o => (long)o.Length);

    // The DataNode side of each OPEN: the range the client asked for (a missing length is the whole rest).
    private IEnumerable<(long Offset, int Length)> DataNodeOpens() =>
        _server.Requests
            .Where(r => r is { Node: "datanode", Op: "OPEN" })
            .Select(r => QueryHelpers.ParseQuery(r.Query))
            .Select(q => (
                q.TryGetValue("offset", out var o) ? long.Parse(o!, CultureInfo.InvariantCulture) : 0L,
                q.TryGetValue("length", out var l) ? int.Parse(l!, CultureInfo.InvariantCulture) : int.MaxValue));

    // Random doubles and strings compress poorly, so each column chunk spans several blocks.
    private async Task<(string Local, List<(long Id, double Value, string? Name)> Rows)> WriteParquetAsync(
        string path, int rowGroups, int rowsPerGroup)
    {
        var local = _server.Local(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(local)!);
        var id = new DataField<long>("id");
        var value = new DataField<double>("value");
        var name = new DataField<string>("name");
        var random = new Random(11);
        var rows = new List<(long, double, string?)>();
        await using (var file = File.Create(local))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, value, name), file))
        {
            for (var g = 0; g < rowGroups; g++)
            {
                var ids = Enumerable.Range(g * rowsPerGroup, rowsPerGroup).Select(i => (long)i).ToArray();
                var values = ids.Select(_ => random.NextDouble()).ToArray();
                var names = ids.Select(_ => Convert.ToHexString(RandomBytes(8, random.Next()))).ToArray();
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<long>(id, ids);
                await group.WriteAsync<double>(value, values);
                await group.WriteAsync(name, names);
                rows.AddRange(ids.Select((x, i) => (x, values[i], (string?)names[i])));
            }
        }

        return (local, rows);
    }
}
