using Spectre.Console;

namespace SparkJobs.Jobs.Train;

/// <summary>A per-epoch progress bar on standard error, shown only when standard error is a terminal.</summary>
internal static class ConsoleProgress
{
    /// <summary>Runs <paramref name="body"/> with a callback taking (epoch, batches done, batches).</summary>
    /// <param name="epochs">The number of epochs, for the bar's labels.</param>
    /// <param name="body">The training loop.</param>
    /// <returns>A task that completes with the body.</returns>
    public static async Task RunAsync(int epochs, Func<Action<int, int, int>, Task> body)
    {
        // Logs and pipes (Oozie, CI) get plain lines only; a bar would fill them with control codes.
        if (Console.IsErrorRedirected)
        {
            await body((_, _, _) => { });
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask? task = null;
                var current = 0;
                await body((epoch, done, count) =>
                {
                    if (epoch != current)
                    {
                        task?.StopTask();
                        task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: count);
                        current = epoch;
                    }

                    task!.Value = done;
                });
                task?.StopTask();
            });
    }
}
