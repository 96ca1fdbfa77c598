using SparkJobs.Storage.Tests.WebHdfs;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests;

/// <summary>The output-commit contract, run on every file system that jobs write to.</summary>
public abstract class OutputCommitTests
{
    private IFileSystem _fs = null!;

    /// <summary>Gets a fresh, empty directory on the file system under test.</summary>
    protected StoragePath Root { get; private set; } = null!;

    protected void Use(IFileSystem fs, StoragePath root)
    {
        _fs = fs;
        Root = root;
    }

    [Fact]
    public async Task Commit_MovesFilesIntoPlaceAndWritesSuccessLast()
    {
        var output = Root.Combine("out");

        await using (var commit = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(commit.WorkPath.Combine("part-00000.csv"), "a,b\n");
            Assert.False(await OutputCommit.IsCompleteAsync(_fs, output));
            await commit.CommitAsync();
        }

        Assert.True(await OutputCommit.IsCompleteAsync(_fs, output));
        Assert.Equal("a,b\n", await _fs.ReadAllTextAsync(output.Combine("part-00000.csv")));
        Assert.False(await _fs.ExistsAsync(output.Combine(OutputCommit.TemporaryDirectory)));
    }

    [Fact]
    public async Task Dispose_WithoutCommit_KeepsThePreviousOutputWhole()
    {
        var output = Root.Combine("out");
        await using (var first = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(first.WorkPath.Combine("model.bin"), "v1");
            await first.CommitAsync();
        }

        await using (var failed = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(failed.WorkPath.Combine("model.bin"), "half");
        }

        Assert.True(await OutputCommit.IsCompleteAsync(_fs, output));
        Assert.Equal("v1", await _fs.ReadAllTextAsync(output.Combine("model.bin")));
        Assert.False(await _fs.ExistsAsync(output.Combine(OutputCommit.TemporaryDirectory)));
    }

    [Fact]
    public async Task Dispose_WithoutCommit_RemovesTheDirectoriesTheAttemptCreated()
    {
        await _fs.CreateDirectoryAsync(Root);
        var output = Root.Combine("new/deeper/out");

        await using (var failed = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(failed.WorkPath.Combine("part-00000.csv"), "half");
        }

        Assert.False(await _fs.ExistsAsync(Root.Combine("new")));
        Assert.True(await _fs.ExistsAsync(Root));
    }

    [Fact]
    public async Task Dispose_WithoutCommit_KeepsAnEmptyOutputDirectoryThatExistedBefore()
    {
        var output = Root.Combine("out");
        await _fs.CreateDirectoryAsync(output);

        await using (var failed = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(failed.WorkPath.Combine("part-00000.csv"), "half");
        }

        Assert.Equal(true, (await _fs.GetStatusAsync(output))?.IsDirectory);
        Assert.Empty(await _fs.ListAsync(output));
    }

    [Fact]
    public async Task Commit_OverPreviousOutput_RemovesFilesTheNewOutputDoesNotHave()
    {
        var output = Root.Combine("out");
        await using (var first = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(first.WorkPath.Combine("old.txt"), "old");
            await first.CommitAsync();
        }

        await using (var second = await OutputCommit.BeginAsync(_fs, output))
        {
            await _fs.WriteAllTextAsync(second.WorkPath.Combine("new.txt"), "new");
            await second.CommitAsync();
        }

        var names = (await _fs.ListAsync(output)).Select(e => e.Path.Name).ToArray();
        Assert.Equal(new[] { "_SUCCESS", "new.txt" }, names);
    }

    [Fact]
    public async Task Begin_OnAFile_SaysToPassADirectory()
    {
        var file = Root.Combine("file.txt");
        await _fs.WriteAllTextAsync(file, "x");

        var error = await Assert.ThrowsAsync<StorageException>(() => OutputCommit.BeginAsync(_fs, file));

        Assert.Contains("pass a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListDataFiles_SkipsHiddenAndMarkerFiles()
    {
        await _fs.WriteAllTextAsync(Root.Combine("a/part-0.parquet"), "x");
        await _fs.WriteAllTextAsync(Root.Combine("a/_SUCCESS"), "");
        await _fs.WriteAllTextAsync(Root.Combine("_temporary/x/part-1.parquet"), "x");
        await _fs.WriteAllTextAsync(Root.Combine(".part-0.crc"), "x");

        var files = await _fs.ListDataFilesAsync(Root);

        Assert.Equal(new[] { "part-0.parquet" }, files.Select(f => f.Path.Name).ToArray());
    }
}

public sealed class LocalOutputCommitTests : OutputCommitTests, IDisposable
{
    private readonly TempDir _dir = new();

    public LocalOutputCommitTests() => Use(LocalFileSystem.Instance, _dir.Root);

    public void Dispose() => _dir.Dispose();
}

public sealed class WebHdfsOutputCommitTests : OutputCommitTests, IAsyncLifetime
{
    private WebHdfsTestServer _server = null!;
    private WebHdfsFileSystem _fs = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await WebHdfsTestServer.StartAsync();
        _fs = new WebHdfsFileSystem(_server.Configuration());
        Use(_fs, WebHdfsTestServer.Path("/user/alice/jobs"));
    }

    public async ValueTask DisposeAsync()
    {
        _fs.Dispose();
        await _server.DisposeAsync();
    }
}
