using SparkJobs.Storage.Tests.WebHdfs;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary><c>oozie-lite deploy</c> against the in-test WebHDFS NameNode and DataNode.</summary>
public sealed class DeployTests
{
    [Fact]
    public async Task Deploy_uploads_the_app_then_skips_it_when_unchanged()
    {
        await using var hdfs = await WebHdfsTestServer.StartAsync();
        using var dir = new TempDir();
        dir.Write("app/workflow.xml", "<workflow-app xmlns=\"uri:oozie:workflow:1.0\" name=\"x\"/>");
        dir.Write("app/lib/run.sh", "echo hi\n");
        var target = WebHdfsTestServer.Path("/user/alice/apps/x").ToString();
        var address = $"-D{HadoopConfiguration.AddressPrefix}{WebHdfsTestServer.Authority}="
            + $"http://127.0.0.1:{hdfs.NameNodePort}";

        var first = await Cli.RunAsync("deploy", Path.Combine(dir.Path, "app"), target, address, "-Duser.name=alice");
        var second = await Cli.RunAsync("deploy", Path.Combine(dir.Path, "app"), target, address, "-Duser.name=alice");

        Assert.Equal(0, first.Code);
        Assert.Contains("2 uploaded", first.Out, StringComparison.Ordinal);
        Assert.Equal("echo hi\n", await File.ReadAllTextAsync(hdfs.Local("/user/alice/apps/x/lib/run.sh")));
        Assert.Contains("0 uploaded", second.Out, StringComparison.Ordinal);
        Assert.Contains("2 unchanged", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_names_the_argument_that_is_wrong()
    {
        using var dir = new TempDir();

        var missing = await Cli.RunAsync("deploy", Path.Combine(dir.Path, "nope"), "hdfs://127.0.0.1:8020/x");
        var few = await Cli.RunAsync("deploy", dir.Path);

        Assert.Equal(2, missing.Code);
        Assert.Contains("is not a directory", missing.Err, StringComparison.Ordinal);
        Assert.Equal(2, few.Code);
        Assert.Contains("deploy needs an application directory and a target path", few.Err,
            StringComparison.Ordinal);
    }
}
