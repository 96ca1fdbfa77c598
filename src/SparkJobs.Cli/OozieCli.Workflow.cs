using System.Globalization;
using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Cli;

/// <summary>The workflow job commands that split -run into its parts: -submit, -start and -poll.</summary>
internal sealed partial class OozieCli
{
    private static readonly string[] FinalStatuses = ["SUCCEEDED", "KILLED", "FAILED", "DONEWITHERROR"];

    // Returns null when none of -submit, -start or -poll was given.
    private async Task<int?> WorkflowJobAsync(CliArguments args)
    {
        if (args.Has("submit"))
        {
            var configFile = args.Required("config");
            var properties = WorkflowLoader.LoadConfigFile(configFile);
            if (CoordinatorCli.Handles(properties, args.Defines))
            {
                return await new CoordinatorCli(stdout, stderr, time).SubmitAsync(properties, args.Defines, configFile);
            }

            var prepared = await WorkflowLoader.PrepareAsync(
                properties, args.Defines, Environment.UserName, configFile, FileSystems.Default);
            foreach (var warning in prepared.Warnings)
            {
                stderr.WriteLine(warning);
            }

            var id = new WorkflowEngine(OpenStore(), time).Submit(prepared);
            return Print($"job: {id}");
        }

        if (args.Options.GetValueOrDefault("start") is { } startId)
        {
            var store = OpenStore();
            var job = GetJob(store, startId);
            if (job.Status != JobStatus.PREP)
            {
                throw new OozieException("E0813",
                    $"Job [{startId}] is {job.Status}; only a PREP job (from job -submit) can be started. Use " +
                    "job -rerun for a finished job or job -resume for a suspended one.");
            }

            var engine = new WorkflowEngine(store, time, new EngineOptions { Progress = stderr });
            return Finish(store, startId, await engine.RunAsync(startId));
        }

        if (args.Options.GetValueOrDefault("poll") is { } pollId)
        {
            return await PollAsync(pollId, args);
        }

        return null;
    }

    private Task<int> PollAsync(string id, CliArguments args)
    {
        var store = OpenStore();
        return PollAsync(id, () => Task.FromResult(GetJob(store, id).Status.ToString()), args, stdout, stderr, time);
    }

    /// <summary>
    /// Oozie's <c>-poll</c>, for the local store and a server alike: one line per status change (every poll with
    /// -verbose) until a final status, which exits 0 only for SUCCEEDED. Intervals are minutes; fractions are
    /// allowed so short jobs can be polled in seconds.
    /// </summary>
    internal static async Task<int> PollAsync(string id, Func<Task<string>> readStatus, CliArguments args,
        TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        var interval = Minutes(args, "interval", 5);
        var timeout = Minutes(args, "timeout", 30);
        var deadline = time.GetUtcNow() + timeout;
        string? last = null;
        while (true)
        {
            var status = await readStatus();
            if (status != last || args.Has("verbose"))
            {
                stdout.WriteLine($"{id} : {status}");
                stdout.Flush();
                last = status;
            }

            if (FinalStatuses.Contains(status))
            {
                return status == nameof(JobStatus.SUCCEEDED) ? ExitCodes.Success : ExitCodes.Failure;
            }

            if (time.GetUtcNow() >= deadline)
            {
                stderr.WriteLine($"Job {id} is still {status} after {timeout.TotalMinutes} min (-timeout); " +
                    "poll again or raise -timeout.");
                return ExitCodes.Failure;
            }

            await Task.Delay(interval, time);
        }
    }

    internal static TimeSpan Minutes(CliArguments args, string option, double fallback)
    {
        var text = args.Options.GetValueOrDefault(option);
        if (text is null)
        {
            return TimeSpan.FromMinutes(fallback);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromMinutes(value)
            : throw new UsageException($"-{option} {text} is not a positive number of minutes.");
    }

    // Rejects an unknown -jobtype; null lets the listing below handle workflows, coordinators and bundles.
    private static int? JobsOfType(CliArguments args)
    {
        var type = args.Options.GetValueOrDefault("jobtype");
        return type switch
        {
            null or "wf" or "workflow" or "coordinator" or "bundle" => null,
            _ => throw new UsageException($"-jobtype {type} is not known; use wf, coordinator or bundle."),
        };
    }

    // Oozie's -offset is 1-based.
    private static int Offset(CliArguments? args) => args?.Offset() ?? 1;

    private static IEnumerable<WorkflowActionRecord> Page(
        IReadOnlyList<WorkflowActionRecord> actions, CliArguments? args) => args is null ? actions : args.Page(actions);

    private static string VerboseHeader() =>
        string.Join('\t', "ID", "Console URL", "Error Code", "Error Message", "External ID", "External Status",
            "Name", "Retries", "Tracker URI", "Type", "Started", "Status", "Ended", "Transition");

    private static string VerboseRow(WorkflowActionRecord a) =>
        string.Join('\t', a.Id, a.LogPath ?? "-", a.ErrorCode ?? "-", a.ErrorMessage ?? "-", a.ExternalId ?? "-",
            a.ExternalStatus ?? "-", a.Name, a.Retries.ToString(CultureInfo.InvariantCulture), "-", a.Type,
            Date(a.StartTime), a.Status.ToString(), Date(a.EndTime), a.Transition ?? "-");
}
