using CliWrap;
using CliWrap.Buffered;

namespace SparkJobs.EndToEnd.Tests;

/// <summary>
/// Checks the archives in the packaged application's lib/ the way a cluster node would use them:
/// unpacked into an empty directory and run with no .NET installation on the path.
/// </summary>
[Collection(nameof(SerialPipelineRuns))]
public sealed class PackagedJobsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pkg-" + Guid.NewGuid().ToString("N")[..8]);

    public PackagedJobsTests()
    {
        Repository.RequirePackagedApp();
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("ingest", "ingest")]
    [InlineData("preprocess", "preprocess")]
    [InlineData("training", "train")]
    [InlineData("training", "evaluate")]
    [InlineData("publish", "publish")]
    public async Task Archive_RunsWithoutAnInstalledDotNetRuntime(string archive, string executable)
    {
        var target = Path.Combine(_dir, archive);
        Directory.CreateDirectory(target);
        var unpack = await Cli.Wrap("tar")
            .WithArguments(["-xzf", Path.Combine(Repository.PackagedApp, "lib", archive + ".tgz"), "-C", target])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Assert.True(unpack.ExitCode == 0, unpack.StandardError);

        // A self-contained publish carries the runtime itself.
        Assert.True(File.Exists(Path.Combine(target, "libcoreclr.so")), $"{archive}.tgz does not carry the .NET runtime");

        var run = await Cli.Wrap(Path.Combine(target, executable))
            .WithArguments("--version")
            .WithEnvironmentVariables(env => env
                .Set("PATH", "/usr/bin:/bin")
                .Set("DOTNET_ROOT", Path.Combine(_dir, "no-dotnet-here"))
                .Set("DOTNET_ROOT_X64", Path.Combine(_dir, "no-dotnet-here")))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, $"{executable} --version exited {run.ExitCode}: {run.StandardError}");
        Assert.Matches(@"^\d+\.\d+\.\d+", run.StandardOutput.Trim());
    }
}
