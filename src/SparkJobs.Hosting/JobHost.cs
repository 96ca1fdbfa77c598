using SparkJobs.Storage;

namespace SparkJobs.Hosting;

/// <summary>
/// Runs a job's body the same way for every job: cancellation on Ctrl+C or SIGTERM, user errors
/// printed as one line on standard error, and a stack trace only for genuine bugs.
/// </summary>
public static class JobHost
{
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
