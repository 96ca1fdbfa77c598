using System.CommandLine;
using SparkJobs.Storage;

namespace SparkJobs.Hosting;

/// <summary>
/// Runs a job's body the same way for every job: cancellation on Ctrl+C or SIGTERM, user errors
/// printed as one line on standard error, and a stack trace only for genuine bugs.
/// </summary>
public static class JobHost
{
    /// <summary>
    /// Handles the parse results that end the process before the job runs: help and version print and
    /// exit with their own code, and parse errors are printed and exit with <see cref="ExitCodes.UserError"/>.
    /// </summary>
    /// <param name="parsed">The parsed command line.</param>
    /// <returns>The exit code to return, or <see langword="null"/> when the job should run.</returns>
    public static async Task<int?> HandleUsageAsync(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.Errors.Count == 0 && parsed.Action is null)
        {
            return null;
        }

        var code = await parsed.InvokeAsync();
        return parsed.Errors.Count > 0 ? ExitCodes.UserError : code;
    }

    /// <summary>Runs <paramref name="body"/> and turns its outcome into an exit code.</summary>
    /// <param name="jobName">The job's command name, used as the prefix of error lines.</param>
    /// <param name="body">The job; returns its exit code.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string jobName, Func<CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                cancellation.Cancel();
            });
        try
        {
            return await body(cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{jobName}: interrupted; no output was committed.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is JobException or StorageException)
        {
            await Console.Error.WriteLineAsync($"{jobName}: error: {e.Message}");
            return ExitCodes.UserError;
        }
#pragma warning disable CA1031 // The process edge: any other failure becomes an exit code with its trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"{jobName}: internal error: {e}");
            return ExitCodes.InternalError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
