using System.Runtime.CompilerServices;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

/// <summary>
/// Compares text with a file under <c>golden/</c>. Set SPARKJOBS_UPDATE_GOLDEN=1 to rewrite the files in the
/// source tree after a deliberate change, then review the diff.
/// </summary>
internal static class Golden
{
    public static void Check(string name, string actual, [CallerFilePath] string source = "")
    {
        actual = actual.ReplaceLineEndings("\n").TrimEnd() + "\n";
        if (Environment.GetEnvironmentVariable("SPARKJOBS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "golden", name), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "golden", name);
        Assert.True(File.Exists(path), $"Golden file {name} is missing; run with SPARKJOBS_UPDATE_GOLDEN=1.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
