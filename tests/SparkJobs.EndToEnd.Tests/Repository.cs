using CliWrap;
using CliWrap.Buffered;

namespace SparkJobs.EndToEnd.Tests;

/// <summary>The repository these tests were built from, and its packaged workflow application.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string OozieLite => Path.Combine(Root, "artifacts", "bin", "oozie-lite");

    public static string JobProperties => Path.Combine(Root, "workflows", "fashion-mnist", "job.properties");

    public static string PackagedApp => Path.Combine(Root, "artifacts", "apps", "fashion-mnist");

    public const string DatasetDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fails with instructions when the Package target has not run.</summary>
    public static void RequirePackagedApp()
    {
        Assert.True(File.Exists(OozieLite) && File.Exists(Path.Combine(PackagedApp, "lib", "training.tgz")),
            $"The packaged workflow application is missing under {PackagedApp}; "
            + "run ./build.sh --target=Package (./build.sh --target=Test does it) before these tests.");
        Assert.True(File.Exists(Path.Combine(DatasetDirectory, "train-images-idx3-ubyte.gz")),
            "The Fashion-MNIST data set is missing; apt-get install dataset-fashion-mnist.");
    }

    /// <summary>Runs oozie-lite from the repository root with its own job store.</summary>
    public static Task<BufferedCommandResult> OozieLiteAsync(string home, params string[] arguments) =>
        Cli.Wrap(OozieLite)
            .WithArguments(arguments)
            .WithWorkingDirectory(Root)
            .WithEnvironmentVariables(env => env.Set("OOZIE_LITE_HOME", home))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SparkJobs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SparkJobs.sln above {AppContext.BaseDirectory}.");
    }
}
