using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests.WebHdfs;

public sealed class HadoopConfigurationTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static string Site(params (string Name, string Value)[] properties) =>
        "<?xml version=\"1.0\"?>\n<configuration>\n" + string.Concat(properties.Select(p =>
            $"  <property>\n    <name>{p.Name}</name>\n    <value>{p.Value}</value>\n  </property>\n")) +
        "</configuration>\n";

    private static HadoopConfiguration Props(params (string Name, string Value)[] properties) =>
        HadoopConfiguration.FromProperties(properties.ToDictionary(p => p.Name, p => p.Value));

    private static string Resolve(HadoopConfiguration config, string path) =>
        config.ResolveNameNode(StoragePath.Parse(path)).ToString();

    [Fact]
    public void Load_SiteFilesFromConfDir_MapDefaultFsToTheNameNodeHttpAddress()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "core-site.xml"), Site(("fs.defaultFS", "hdfs://namenode:8020")));
        File.WriteAllText(
            Path.Combine(dir.Path, "hdfs-site.xml"), Site(("dfs.namenode.http-address", "namenode:50070")));

        var config = HadoopConfiguration.Load(null, null, v => v == "HADOOP_CONF_DIR" ? dir.Path : null);

        Assert.Equal(2, config.Sources.Count);
        Assert.Equal("http://namenode:50070/", Resolve(config, "hdfs://namenode:8020/user/a"));
        Assert.Equal("http://namenode:50070/", Resolve(config, "hdfs:///user/a"));
        Assert.Equal("http://othernn:9870/", Resolve(config, "hdfs://othernn:8020/user/a"));
    }

    [Fact]
    public void Resolve_WithoutConfiguration_UsesPort9870OnThePathsHost()
    {
        Assert.Equal("http://namenode:9870/", Resolve(HadoopConfiguration.Empty, "hdfs://namenode:8020/x"));
        Assert.Equal("http://namenode:9870/", Resolve(HadoopConfiguration.Empty, "hdfs://namenode/x"));
    }

    [Fact]
    public void Resolve_WildcardHttpAddress_TakesTheNameNodesHost()
    {
        var config = Props(("fs.defaultFS", "hdfs://nn1:8020"), ("dfs.namenode.http-address", "0.0.0.0:9871"));

        Assert.Equal("http://nn1:9871/", Resolve(config, "hdfs://nn1:8020/x"));
    }

    [Fact]
    public void Resolve_WebHdfsSchemes_TalkToTheirAuthorityDirectly()
    {
        Assert.Equal("http://nn:1234/", Resolve(HadoopConfiguration.Empty, "webhdfs://nn:1234/x"));
        Assert.Equal("http://nn:9870/", Resolve(HadoopConfiguration.Empty, "webhdfs://nn/x"));
        Assert.Equal("https://nn:9871/", Resolve(HadoopConfiguration.Empty, "swebhdfs://nn/x"));
    }

    [Fact]
    public void Resolve_ExplicitMap_WinsOverEverything()
    {
        var config = Props(
            ("fs.defaultFS", "hdfs://namenode:8020"),
            ("dfs.namenode.http-address", "namenode:50070"),
            ("webhdfs.address.namenode:8020", "http://localhost:19870"));

        Assert.Equal("http://localhost:19870/", Resolve(config, "hdfs://namenode:8020/x"));
        Assert.Equal("http://localhost:19870/", Resolve(config, "hdfs:///x"));
    }

    [Fact]
    public void Resolve_HaNameService_UsesTheFirstNameNodesAddress()
    {
        var config = Props(
            ("dfs.nameservices", "prod"),
            ("dfs.ha.namenodes.prod", "nn1,nn2"),
            ("dfs.namenode.http-address.prod.nn1", "master1:9870"),
            ("dfs.namenode.http-address.prod.nn2", "master2:9870"));

        Assert.Equal("http://master1:9870/", Resolve(config, "hdfs://prod/data"));
    }

    [Fact]
    public void Resolve_NameServiceWithoutAddresses_NamesTheKeysToSet()
    {
        var config = Props(("dfs.nameservices", "prod"));

        var error = Assert.Throws<StorageException>(() => Resolve(config, "hdfs://prod/data"));

        Assert.Contains("dfs.namenode.http-address.prod", error.Message, StringComparison.Ordinal);
        Assert.Contains("webhdfs.address.prod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_HttpsOnlyPolicy_UsesTheHttpsAddress()
    {
        var config = Props(
            ("fs.defaultFS", "hdfs://nn:8020"),
            ("dfs.http.policy", "HTTPS_ONLY"),
            ("dfs.namenode.https-address", "nn:50470"));

        Assert.Equal("https://nn:50470/", Resolve(config, "hdfs://nn:8020/x"));
        Assert.Equal("https://other:9871/", Resolve(config, "hdfs://other:8020/x"));
    }

    [Fact]
    public void Resolve_EmptyAuthorityWithoutDefaultFs_SaysWhatToWrite()
    {
        var error = Assert.Throws<StorageException>(() => Resolve(HadoopConfiguration.Empty, "hdfs:///x"));

        Assert.Contains("fs.defaultFS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_LocalPath_IsRefused()
    {
        var error = Assert.Throws<StorageException>(() => Resolve(HadoopConfiguration.Empty, "/tmp/x"));

        Assert.Contains("not an HDFS path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapped_NotAnHttpAddress_IsRefused()
    {
        var config = Props(("webhdfs.address.nn:8020", "nn:9870"));

        var error = Assert.Throws<StorageException>(() => Resolve(config, "hdfs://nn:8020/x"));

        Assert.Contains("write it as http://host:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserName_PropertyThenEnvironmentThenOsUser()
    {
        var env = new Dictionary<string, string> { ["HADOOP_USER_NAME"] = "from-env" };
        var fromProperty = HadoopConfiguration.Load(
            null, new Dictionary<string, string> { ["user.name"] = "from-prop" }, v => env.GetValueOrDefault(v));
        var fromEnvironment = HadoopConfiguration.Load(null, null, v => env.GetValueOrDefault(v));
        var fromOs = HadoopConfiguration.Load(null, null, NoEnvironment);

        Assert.Equal("from-prop", fromProperty.UserName);
        Assert.Equal("from-env", fromEnvironment.UserName);
        Assert.Equal(Environment.UserName, fromOs.UserName);
    }

    [Fact]
    public void UserName_InsideAYarnContainer_IsTheSubmitterYarnNames()
    {
        var container = new Dictionary<string, string>
        {
            ["CONTAINER_ID"] = "container_1_0001_01_000002",
            ["USER"] = "sparkjobs",
        };
        var outside = new Dictionary<string, string> { ["USER"] = "someone" };

        var inYarn = HadoopConfiguration.Load(null, null, v => container.GetValueOrDefault(v));
        var elsewhere = HadoopConfiguration.Load(null, null, v => outside.GetValueOrDefault(v));

        Assert.Equal("sparkjobs", inYarn.UserName);
        Assert.Equal(Environment.UserName, elsewhere.UserName);
    }

    [Fact]
    public void Get_ExpandsReferencesAndOverridesWinOverFiles()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "core-site.xml"), Site(
            ("cluster.host", "nn7"), ("fs.defaultFS", "hdfs://${cluster.host}:8020"), ("x", "${undefined.key}")));

        var overrides = new Dictionary<string, string> { ["cluster.host"] = "nn8" };
        var config = HadoopConfiguration.Load(dir.Path, overrides, NoEnvironment);

        Assert.Equal("hdfs://nn8:8020", config.Get("fs.defaultFS"));
        Assert.Equal("${undefined.key}", config.Get("x"));
    }

    [Fact]
    public void Load_BrokenSiteFile_NamesTheFile()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "hdfs-site.xml");
        File.WriteAllText(file, "<configuration><property>");

        var error = Assert.Throws<StorageException>(() => HadoopConfiguration.Load(dir.Path, null, NoEnvironment));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDefault_FromSiteFiles_ServesHdfsPathsThroughTheServer()
    {
        await using var server = await WebHdfsTestServer.StartAsync();
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "core-site.xml"), Site(("fs.defaultFS", "hdfs://127.0.0.1:8020")));
        File.WriteAllText(Path.Combine(dir.Path, "hdfs-site.xml"),
            Site(("dfs.namenode.http-address", $"127.0.0.1:{server.NameNodePort}")));
        var config = HadoopConfiguration.Load(dir.Path, new Dictionary<string, string> { ["user.name"] = "bob" });
        var fileSystems = FileSystems.CreateDefault(config);

        var path = StoragePath.Parse("hdfs:///user/bob/hello.txt");
        await fileSystems.For(path).WriteAllTextAsync(path, "hi");

        Assert.Equal("hi", await File.ReadAllTextAsync(server.Local("/user/bob/hello.txt")));
        Assert.Same(fileSystems.For(path), fileSystems.For(StoragePath.Parse("webhdfs://127.0.0.1:1/x")));
        Assert.Same(LocalFileSystem.Instance, fileSystems.For(StoragePath.Parse("/tmp")));
        Assert.Contains(server.Requests, r => r.User == "bob");
    }
}
