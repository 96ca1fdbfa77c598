using SparkJobs.Cli;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>Runs oozie-lite in this process and reports errors the way its Program does.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code;
        try
        {
            code = await new OozieCli(stdout, stderr, TimeProvider.System).RunAsync(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"Error: {e.Message}");
            code = 2;
        }
        catch (OozieException e)
        {
            stderr.WriteLine($"Error: {e.ErrorCode}: {e.Message}");
            code = 1;
        }

        return (code, stdout.ToString(), stderr.ToString());
    }
}
