using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests.WebHdfs;

public sealed class WebHdfsFileSystemTests : IAsyncLifetime
{
    private WebHdfsTestServer _server = null!;
    private WebHdfsFileSystem _fs = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await WebHdfsTestServer.StartAsync();
        _fs = new WebHdfsFileSystem(_server.Configuration(), FastRetries);
    }

    public async ValueTask DisposeAsync()
    {
        _fs.Dispose();
        await _server.DisposeAsync();
    }

    private static WebHdfsOptions FastRetries => new() { RetryDelay = TimeSpan.FromMilliseconds(1) };

    private static StoragePath P(string path) => WebHdfsTestServer.Path(path);

    [Fact]
    public async Task GetStatus_FileDirectoryAndMissing_ReportsTypeLengthAndTime()
    {
        Directory.CreateDirectory(_server.Local("/data/dir"));
        await File.WriteAllTextAsync(_server.Local("/data/a.txt"), "hello");
        var written = new DateTimeOffset(File.GetLastWriteTimeUtc(_server.Local("/data/a.txt")), TimeSpan.Zero);

        var file = await _fs.GetStatusAsync(P("/data/a.txt"));
        var dir = await _fs.GetStatusAsync(P("/data/dir"));
        var missing = await _fs.GetStatusAsync(P("/data/none"));

        Assert.NotNull(file);
        Assert.False(file.IsDirectory);
        Assert.Equal(5, file.Length);
        Assert.Equal(written.ToUnixTimeMilliseconds(), file.ModificationTime.ToUnixTimeMilliseconds());
        Assert.Equal(P("/data/a.txt"), file.Path);
        Assert.True(dir!.IsDirectory);
        Assert.Null(missing);
    }

    [Fact]
    public async Task List_Directory_ReturnsChildrenSortedWithFullPaths()
    {
        Directory.CreateDirectory(_server.Local("/d/sub"));
        await File.WriteAllTextAsync(_server.Local("/d/b.txt"), "bb");
        await File.WriteAllTextAsync(_server.Local("/d/a.txt"), "a");

        var entries = await _fs.ListAsync(P("/d"));

        Assert.Equal(new[] { "a.txt", "b.txt", "sub" }, entries.Select(e => e.Path.Name).ToArray());
        Assert.Equal(P("/d/b.txt"), entries[1].Path);
        Assert.Equal(2, entries[1].Length);
        Assert.True(entries[2].IsDirectory);
    }

    [Fact]
    public async Task List_MissingOrFile_ThrowsWithPathAndReason()
    {
        await File.WriteAllTextAsync(_server.Local("/f.txt"), "x");

        var missing = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.ListAsync(P("/nope")));
        var file = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.ListAsync(P("/f.txt")));

        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("hdfs://127.0.0.1:8020/nope", missing.Message, StringComparison.Ordinal);
        Assert.Equal(404, missing.StatusCode);
        Assert.Contains("is a file", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDirectory_MakesParentsAndSucceedsWhenPresent()
    {
        await _fs.CreateDirectoryAsync(P("/a/b/c"));
        await _fs.CreateDirectoryAsync(P("/a/b/c"));

        Assert.True(Directory.Exists(_server.Local("/a/b/c")));
    }

    [Fact]
    public async Task CreateDirectory_UnderAFile_NamesTheBlockingFile()
    {
        await File.WriteAllTextAsync(_server.Local("/file"), "x");

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.CreateDirectoryAsync(P("/file/sub")));

        Assert.Equal("ParentNotDirectoryException", error.RemoteException);
        Assert.Contains("is a file, not a directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("/file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Create_ThenOpen_RoundTripsThroughTheDataNode(bool noRedirect)
    {
        using var fs = new WebHdfsFileSystem(_server.Configuration(), FastRetries with { NoRedirect = noRedirect });

        await fs.WriteAllTextAsync(P("/new/dir/file.txt"), "über data\n");
        var text = await fs.ReadAllTextAsync(P("/new/dir/file.txt"));

        Assert.Equal("über data\n", text);
        Assert.Equal("über data\n", await File.ReadAllTextAsync(_server.Local("/new/dir/file.txt")));
        var creates = _server.Requests.Where(r => r.Op == "CREATE").ToList();
        Assert.Equal(new[] { "namenode", "datanode" }, creates.Select(r => r.Node).ToArray());
        Assert.Equal(noRedirect, creates[0].Query.Contains("noredirect=true", StringComparison.Ordinal));
        Assert.Contains("overwrite=true", creates[1].Query, StringComparison.Ordinal);
        var open = _server.Requests.First(r => r.Op == "OPEN");
        Assert.Equal(noRedirect, open.Query.Contains("noredirect=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_EmptyFile_ExistsWithLengthZero()
    {
        await _fs.TouchAsync(P("/out/_SUCCESS"));

        Assert.Equal(0, (await _fs.GetStatusAsync(P("/out/_SUCCESS")))!.Length);
    }

    [Fact]
    public async Task Create_WithoutOverwriteOnExistingFile_FailsAndKeepsTheOldContent()
    {
        await _fs.WriteAllTextAsync(P("/keep.txt"), "old");

        var error = await Assert.ThrowsAsync<WebHdfsException>(async () =>
        {
            await using var stream = await _fs.CreateAsync(P("/keep.txt"), overwrite: false);
            await stream.WriteAsync("new"u8.ToArray());
        });

        Assert.Equal("FileAlreadyExistsException", error.RemoteException);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("old", await _fs.ReadAllTextAsync(P("/keep.txt")));
    }

    [Fact]
    public async Task OpenRead_WithOffsetAndLength_ReturnsThatRange()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await File.WriteAllBytesAsync(_server.Local("/range.bin"), bytes);

        await using var stream = await _fs.OpenReadAsync(P("/range.bin"), offset: 10, length: 5);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        await using var tail = await _fs.OpenReadAsync(P("/range.bin"), offset: 250, length: null);
        using var tailCopy = new MemoryStream();
        await tail.CopyToAsync(tailCopy);

        Assert.Equal(new byte[] { 10, 11, 12, 13, 14 }, copy.ToArray());
        Assert.Equal(new byte[] { 250, 251, 252, 253, 254, 255 }, tailCopy.ToArray());
        Assert.Contains(_server.Requests, r => r.Node == "datanode"
            && r.Query.Contains("offset=10&length=5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenRead_MissingFileOrDirectory_SaysItDoesNotExist()
    {
        Directory.CreateDirectory(_server.Local("/adir"));

        var missing = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.OpenReadAsync(P("/none.txt")));
        var dir = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.OpenReadAsync(P("/adir")));

        Assert.Equal(
            "WebHDFS OPEN of 'hdfs://127.0.0.1:8020/none.txt' failed: FileNotFoundException: File does not exist: " +
            "/none.txt (HTTP 404). 'hdfs://127.0.0.1:8020/none.txt' does not exist; check the path " +
            "(hdfs dfs -ls hdfs://127.0.0.1:8020/) or create it first.",
            missing.Message);
        Assert.Contains("Path is not a file", dir.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_ToAFreeName_MovesAndToAnExistingName_ReturnsFalse()
    {
        await _fs.WriteAllTextAsync(P("/r/a.txt"), "a");
        await _fs.WriteAllTextAsync(P("/r/b.txt"), "b");
        await _fs.CreateDirectoryAsync(P("/r/dir"));

        Assert.True(await _fs.RenameAsync(P("/r/a.txt"), P("/r/c.txt")));
        Assert.False(await _fs.RenameAsync(P("/r/b.txt"), P("/r/c.txt")));
        Assert.False(await _fs.RenameAsync(P("/r/b.txt"), P("/r/dir")));
        Assert.False(await _fs.RenameAsync(P("/r/missing"), P("/r/d.txt")));

        Assert.Equal("a", await _fs.ReadAllTextAsync(P("/r/c.txt")));
        Assert.Equal("b", await _fs.ReadAllTextAsync(P("/r/b.txt")));
        Assert.Empty(await _fs.ListAsync(P("/r/dir")));
    }

    [Fact]
    public async Task Rename_AcrossFileSystems_IsRefused()
    {
        var error = await Assert.ThrowsAsync<WebHdfsException>(
            () => _fs.RenameAsync(P("/a"), StoragePath.Parse("hdfs://127.0.0.1:9999/a")));

        Assert.Contains("only within one file system", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_FileEmptyAndFullDirectories()
    {
        await _fs.WriteAllTextAsync(P("/x/y/z.txt"), "z");

        var notEmpty = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.DeleteAsync(P("/x"), recursive: false));
        Assert.True(await _fs.DeleteAsync(P("/x/y/z.txt"), recursive: false));
        Assert.True(await _fs.DeleteAsync(P("/x"), recursive: true));
        Assert.False(await _fs.DeleteAsync(P("/x"), recursive: true));

        Assert.Equal("PathIsNotEmptyDirectoryException", notEmpty.RemoteException);
        Assert.Contains("delete it recursively", notEmpty.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_server.Local("/x")));
    }

    [Fact]
    public async Task EveryCall_SendsTheConfiguredUser()
    {
        using var fs = new WebHdfsFileSystem(_server.Configuration(user: "svc-train"));

        await fs.WriteAllTextAsync(P("/u/f.txt"), "x");
        await fs.ReadAllTextAsync(P("/u/f.txt"));
        await fs.ListAsync(P("/u"));
        await fs.RenameAsync(P("/u/f.txt"), P("/u/g.txt"));
        await fs.DeleteAsync(P("/u"), recursive: true);

        Assert.All(_server.Requests, r => Assert.Equal("svc-train", r.User));
        Assert.Contains(_server.Requests, r => r.Op == "RENAME"
            && r.Query.Contains("destination=%2Fu%2Fg.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PermissionDenied_SaysWhichUserAndHowToFixIt()
    {
        _server.ReadOnlyUnder = "/locked";

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.CreateDirectoryAsync(P("/locked/x")));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("AccessControlException", error.RemoteException);
        Assert.Contains("Permission denied: user=alice", error.Message, StringComparison.Ordinal);
        Assert.Contains("User 'alice' lacks permission", error.Message, StringComparison.Ordinal);
        Assert.Contains("HADOOP_USER_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SafeMode_OnUpload_SaysToWaitForTheNameNode()
    {
        _server.SafeMode = true;

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.WriteAllTextAsync(P("/s.txt"), "x"));

        Assert.Equal("SafeModeException", error.RemoteException);
        Assert.Contains("safe mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("hdfs dfsadmin -safemode get", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOperation_BadRequest_IsReportedWithTheServerMessage()
    {
        var uri = _fs.OperationUri(P("/"), "NOSUCHOP", []);
        using var http = new HttpClient();
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();

        var error = WebHdfsErrors.FromAnswer("NOSUCHOP", P("/"), uri, response.StatusCode, body, "alice");

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("IllegalArgumentException", error.RemoteException);
        Assert.Contains("Invalid value for webhdfs parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailures_IdempotentReadsAreRetried()
    {
        await File.WriteAllTextAsync(_server.Local("/t.txt"), "t");
        _server.FailNext(2);

        var status = await _fs.GetStatusAsync(P("/t.txt"));

        Assert.NotNull(status);
        Assert.Equal(3, _server.Requests.Count(r => r.Op == "GETFILESTATUS"));
    }

    [Fact]
    public async Task TransientFailures_DeleteIsNotRetried()
    {
        await File.WriteAllTextAsync(_server.Local("/t.txt"), "t");
        _server.FailNext(1);

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => _fs.DeleteAsync(P("/t.txt"), recursive: false));

        Assert.Equal(503, error.StatusCode);
        Assert.Contains("without a RemoteException", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests, r => r.Op == "DELETE");
        Assert.True(File.Exists(_server.Local("/t.txt")));
    }

    [Fact]
    public async Task NoServer_RetriesThenSaysItCouldNotReachTheAddress()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = HadoopConfiguration.FromProperties(new Dictionary<string, string>
        {
            [HadoopConfiguration.AddressPrefix + WebHdfsTestServer.Authority] = $"http://127.0.0.1:{closedPort}",
            ["user.name"] = "alice",
        });
        using var fs = new WebHdfsFileSystem(config, FastRetries with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => fs.GetStatusAsync(P("/x")));

        Assert.Contains($"could not reach http://127.0.0.1:{closedPort}/", error.Message, StringComparison.Ordinal);
        Assert.Contains("webhdfs.address.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswer_TimesOutOnTheClockAndSaysSo()
    {
        var clock = new FakeTimeProvider();
        var options = new WebHdfsOptions { RequestTimeout = TimeSpan.FromSeconds(30), MaxRetries = 0 };
        using var fs = new WebHdfsFileSystem(_server.Configuration(), options, clock);
        _server.HangNext();

        var call = fs.GetStatusAsync(P("/slow"));
        Assert.True(await _server.WaitForRequestsAsync(1), "the request never reached the server");
        clock.Advance(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<WebHdfsException>(() => call);

        Assert.Contains("got no answer from http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("within 30 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataNodeRedirect_GoesThroughTheAddressMap()
    {
        _server.DataNodeHost = "localhost";
        var map = new Dictionary<string, string>
        {
            [$"{HadoopConfiguration.AddressPrefix}localhost:{_server.DataNodePort}"] =
                $"http://127.0.0.1:{_server.DataNodePort}",
        };
        using var fs = new WebHdfsFileSystem(_server.Configuration(more: map));

        await fs.WriteAllTextAsync(P("/m.txt"), "mapped");

        Assert.Equal("mapped", await fs.ReadAllTextAsync(P("/m.txt")));
        Assert.All(
            _server.Requests.Where(r => r.Node == "datanode"),
            r => Assert.Equal($"127.0.0.1:{_server.DataNodePort}", r.Host));
    }

    [Fact]
    public async Task OpenRead_LargeFile_StreamsAsTheBodyArrives()
    {
        const int size = 50 * 1024 * 1024;
        var content = new byte[size];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(_server.Local("/big.bin"), content);
        var release = _server.PauseReadsAfter(1024 * 1024);

        await using var stream = await _fs.OpenReadAsync(P("/big.bin"));
        var first = new byte[1024 * 1024];
        await stream.ReadExactlyAsync(first);
        var sentWhenFirstMegabyteArrived = _server.SentBytes;
        release.SetResult();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(first);
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        // The server held the rest back: the client handed out the first megabyte without the whole body.
        Assert.Equal(1024 * 1024, sentWhenFirstMegabyteArrived);
        Assert.Equal(SHA256.HashData(content), hash.GetHashAndReset());
    }

    [Fact]
    public async Task Create_LargeFile_UploadsWhileTheCallerWrites()
    {
        const int chunk = 1024 * 1024;
        var block = new byte[chunk];
        new Random(3).NextBytes(block);

        bool arrivedBeforeDispose;
        await using (var stream = await _fs.CreateAsync(P("/upload/big.bin"), overwrite: true))
        {
            for (var i = 0; i < 8; i++)
            {
                await stream.WriteAsync(block);
            }

            arrivedBeforeDispose = await _server.WaitForReceivedAsync(4 * chunk);
            for (var i = 8; i < 50; i++)
            {
                await stream.WriteAsync(block);
            }
        }

        Assert.True(arrivedBeforeDispose, "the DataNode got no bytes until the stream was disposed");
        Assert.Equal(50L * chunk, new FileInfo(_server.Local("/upload/big.bin")).Length);
        Assert.Equal(50L * chunk, (await _fs.GetStatusAsync(P("/upload/big.bin")))!.Length);
    }

    [Fact]
    public async Task Upload_DroppedConnection_ThrowsStorageExceptionNamingThePath()
    {
        _server.DropNextUploadAfter(100_000);

        var error = await Assert.ThrowsAsync<WebHdfsException>(async () =>
        {
            await using var stream = await _fs.CreateAsync(P("/drop.bin"), overwrite: true);
            var data = new byte[1024 * 1024];
            for (var i = 0; i < 20; i++)
            {
                await stream.WriteAsync(data);
            }
        });

        Assert.Contains("Uploading 'hdfs://127.0.0.1:8020/drop.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("upload it again", error.Message, StringComparison.Ordinal);
    }
}
