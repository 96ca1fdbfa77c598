namespace SparkJobs.Storage.Tests;

public sealed class StoragePathTests
{
    [Theory]
    [InlineData("file:///data/x", "file", "", "/data/x")]
    [InlineData("file:/data/x", "file", "", "/data/x")]
    [InlineData("/data/./y/../x/", "file", "", "/data/x")]
    [InlineData("hdfs://namenode:8020/user/a/b", "hdfs", "namenode:8020", "/user/a/b")]
    [InlineData("webhdfs://nn:9870/a%20b", "webhdfs", "nn:9870", "/a b")]
    [InlineData("hdfs://namenode:8020", "hdfs", "namenode:8020", "/")]
    public void Parse_KnownForms_SplitsSchemeAuthorityAndPath(string text, string scheme, string authority, string path)
    {
        var parsed = StoragePath.Parse(text);

        Assert.Equal(scheme, parsed.Scheme);
        Assert.Equal(authority, parsed.Authority);
        Assert.Equal(path, parsed.Path);
    }

    [Fact]
    public void Parse_RelativePath_ResolvesAgainstWorkingDirectory()
    {
        var parsed = StoragePath.Parse("some/dir");

        Assert.Equal(System.IO.Path.Combine(Environment.CurrentDirectory, "some/dir"), parsed.LocalPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("file://otherhost/x")]
    [InlineData("1ab$://x/y")]
    public void Parse_BadText_ThrowsStorageExceptionThatSaysWhatToWrite(string text)
    {
        var error = Assert.Throws<StorageException>(() => StoragePath.Parse(text));

        Assert.Matches("(pass a path|valid URI scheme|three slashes)", error.Message);
    }

    [Fact]
    public void Combine_Parent_Name_RoundTrip()
    {
        var root = StoragePath.Parse("hdfs://nn:8020/models");

        var child = root.Combine("fashion/v1");

        Assert.Equal("hdfs://nn:8020/models/fashion/v1", child.ToString());
        Assert.Equal("v1", child.Name);
        Assert.Equal(root.Combine("fashion"), child.Parent);
        Assert.True(child.IsUnder(root));
        Assert.False(root.IsUnder(child));
        Assert.False(StoragePath.Parse("hdfs://nn:8020/models2").IsUnder(root));
    }
}
