namespace SparkJobs.Storage.Tests;

public sealed class OutputCommitTests
{
    private readonly IFileSystem _fs = LocalFileSystem.Instance;

    [Fact]
    public async Task Commit_MovesFilesIntoPlaceAndWritesSuccessLast()
    {
        using var dir = new TempDir();
        var output = dir.Root.Combine("out");

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
        using var dir = new TempDir();
        var output = dir.Root.Combine("out");
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
    public async Task Commit_OverPreviousOutput_RemovesFilesTheNewOutputDoesNotHave()
    {
        using var dir = new TempDir();
        var output = dir.Root.Combine("out");
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
        using var dir = new TempDir();
        var file = dir.Root.Combine("file.txt");
        await _fs.WriteAllTextAsync(file, "x");

        var error = await Assert.ThrowsAsync<StorageException>(() => OutputCommit.BeginAsync(_fs, file));

        Assert.Contains("pass a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListDataFiles_SkipsHiddenAndMarkerFiles()
    {
        using var dir = new TempDir();
        await _fs.WriteAllTextAsync(dir.Root.Combine("a/part-0.parquet"), "x");
        await _fs.WriteAllTextAsync(dir.Root.Combine("a/_SUCCESS"), "");
        await _fs.WriteAllTextAsync(dir.Root.Combine("_temporary/x/part-1.parquet"), "x");
        await _fs.WriteAllTextAsync(dir.Root.Combine(".part-0.crc"), "x");

        var files = await _fs.ListDataFilesAsync(dir.Root);

        Assert.Equal(new[] { "part-0.parquet" }, files.Select(f => f.Path.Name).ToArray());
    }
}
