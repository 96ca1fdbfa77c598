using SparkJobs.Storage.Deployment;
using SparkJobs.Storage.Tests.WebHdfs;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests.Deployment;

public sealed class AppDeployerTests : IAsyncLifetime
{
    private readonly TempDir _app = new();
    private WebHdfsTestServer _server = null!;
    private WebHdfsFileSystem _hdfs = null!;
    private FileSystems _fileSystems = null!;

    private static StoragePath Target => WebHdfsTestServer.Path("/user/alice/sparkjobs/apps/fashion-mnist");

    public async ValueTask InitializeAsync()
    {
        _server = await WebHdfsTestServer.StartAsync();
        _hdfs = new WebHdfsFileSystem(_server.Configuration());
        _fileSystems = new FileSystems().Register("hdfs", _hdfs);
        Write("workflow.xml", "<workflow-app xmlns=\"uri:oozie:workflow:1.0\" name=\"x\"/>");
        Write("config-default.xml", "<configuration/>");
        Write("lib/ingest.tgz", new string('i', 3000));
        Write("lib/training.tgz", new string('t', 2 * 1024 * 1024));
        Write(".workflow.xml.swp", "editor litter");
    }

    public async ValueTask DisposeAsync()
    {
        _hdfs.Dispose();
        await _server.DisposeAsync();
        _app.Dispose();
    }

    private string Remote(string relative) => _server.Local(Target.Path + "/" + relative);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_app.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private Task<DeploySummary> DeployAsync(IProgress<DeployProgress>? progress = null) =>
        AppDeployer.DeployAsync(_app.Root, Target, _fileSystems, progress);

    [Fact]
    public async Task Deploy_FreshTarget_UploadsEveryFileAndReportsProgress()
    {
        var reports = new List<DeployProgress>();

        var summary = await DeployAsync(new SyncProgress(reports.Add));

        string[] all = ["config-default.xml", "lib/ingest.tgz", "lib/training.tgz", "workflow.xml"];
        Assert.Equal(all, summary.Uploaded);
        Assert.Empty(summary.Skipped);
        Assert.Equal(all.Sum(f => new FileInfo(Path.Combine(_app.Path, f)).Length), summary.BytesUploaded);
        Assert.All(all, f => Assert.Equal(File.ReadAllText(Path.Combine(_app.Path, f)), File.ReadAllText(Remote(f))));
        Assert.False(File.Exists(Remote(".workflow.xml.swp")));
        Assert.True(File.Exists(Remote(AppDeployer.ManifestName)));
        Assert.Equal(8, reports.Count);
        Assert.Equal(new DeployProgress(DeployStep.Uploaded, "lib/ingest.tgz", 3000, 2, 4), reports[3]);
    }

    [Fact]
    public async Task Deploy_Rerun_SkipsWhatIsInPlaceAndUploadsOnlyWhatChanged()
    {
        await DeployAsync();
        Write("config-default.xml", "<configuration><property/></configuration>");

        var second = await DeployAsync();
        var third = await DeployAsync();

        Assert.Equal(new[] { "config-default.xml" }, second.Uploaded);
        Assert.Equal(3, second.Skipped.Count);
        Assert.Empty(third.Uploaded);
        Assert.Equal("<configuration><property/></configuration>", File.ReadAllText(Remote("config-default.xml")));
    }

    [Fact]
    public async Task Deploy_TargetChangedBehindItsBack_UploadsThatFileAgain()
    {
        await DeployAsync();
        File.WriteAllText(Remote("workflow.xml"), "<workflow-app/>  <!-- someone edited this on the cluster -->");
        File.SetLastWriteTimeUtc(Remote("workflow.xml"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var summary = await DeployAsync();

        Assert.Equal(new[] { "workflow.xml" }, summary.Uploaded);
        var expected = File.ReadAllText(Path.Combine(_app.Path, "workflow.xml"));
        Assert.Equal(expected, File.ReadAllText(Remote("workflow.xml")));
    }

    [Fact]
    public async Task Deploy_InterruptedUpload_LeavesNoTruncatedFileAndARerunFinishes()
    {
        _server.DropNextUploadAfter(300_000, "training.tgz");

        var error = await Assert.ThrowsAsync<WebHdfsException>(() => DeployAsync());

        Assert.Contains("training.tgz", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Remote("lib/training.tgz")));
        Assert.True(new FileInfo(Remote("lib/.training.tgz._COPYING_")).Length < 2 * 1024 * 1024);
        Assert.True(File.Exists(Remote("lib/ingest.tgz")));

        var rerun = await DeployAsync();

        Assert.Equal(new[] { "lib/training.tgz", "workflow.xml" }, rerun.Uploaded);
        Assert.Equal(new[] { "config-default.xml", "lib/ingest.tgz" }, rerun.Skipped);
        Assert.Equal(2 * 1024 * 1024, new FileInfo(Remote("lib/training.tgz")).Length);
        Assert.False(File.Exists(Remote("lib/.training.tgz._COPYING_")));
    }

    [Fact]
    public async Task Deploy_InterruptedReplacement_KeepsThePreviousFileWhole()
    {
        await DeployAsync();
        Write("lib/training.tgz", new string('u', 2 * 1024 * 1024));
        _server.DropNextUploadAfter(300_000, "training.tgz");

        await Assert.ThrowsAsync<WebHdfsException>(() => DeployAsync());

        Assert.Equal(new string('t', 2 * 1024 * 1024), File.ReadAllText(Remote("lib/training.tgz")));
        var rerun = await DeployAsync();
        Assert.Equal(new[] { "lib/training.tgz" }, rerun.Uploaded);
        Assert.Equal(new string('u', 2 * 1024 * 1024), File.ReadAllText(Remote("lib/training.tgz")));
    }

    [Fact]
    public async Task Deploy_UploadShorterThanTheSource_IsRejectedAndNotRenamedIntoPlace()
    {
        _server.ShortenNextUpload(5);

        var error = await Assert.ThrowsAsync<StorageException>(() => DeployAsync());

        Assert.Contains("gave 11 bytes instead of 16 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Remote("config-default.xml")));
        Assert.False(File.Exists(Remote(".config-default.xml._COPYING_")));
    }

    [Fact]
    public async Task Deploy_FileRemovedFromTheApp_IsRemovedButForeignFilesStay()
    {
        await DeployAsync();
        File.Delete(Path.Combine(_app.Path, "lib/ingest.tgz"));
        Directory.CreateDirectory(Remote("logs"));
        File.WriteAllText(Remote("logs/run.log"), "not ours");

        var summary = await DeployAsync();

        Assert.Equal(new[] { "lib/ingest.tgz" }, summary.Removed);
        Assert.False(File.Exists(Remote("lib/ingest.tgz")));
        Assert.True(File.Exists(Remote("logs/run.log")));
    }

    [Fact]
    public async Task Deploy_DirectoryWithoutAnAppDefinition_IsRefused()
    {
        File.Delete(Path.Combine(_app.Path, "workflow.xml"));

        var error = await Assert.ThrowsAsync<StorageException>(() => DeployAsync());

        Assert.Contains(
            "holds no workflow.xml, coordinator.xml or bundle.xml", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Remote("")));
    }

    [Fact]
    public async Task Deploy_ToTheLocalFileSystem_WorksTheSameWay()
    {
        using var target = new TempDir();

        var first = await AppDeployer.DeployAsync(_app.Root, target.Root.Combine("app"), FileSystems.Default);
        var second = await AppDeployer.DeployAsync(_app.Root, target.Root.Combine("app"), FileSystems.Default);

        Assert.Equal(4, first.Uploaded.Count);
        Assert.Empty(second.Uploaded);
        Assert.True(File.Exists(Path.Combine(target.Path, "app/lib/training.tgz")));
    }

    private sealed class SyncProgress(Action<DeployProgress> report) : IProgress<DeployProgress>
    {
        public void Report(DeployProgress value) => report(value);
    }
}
