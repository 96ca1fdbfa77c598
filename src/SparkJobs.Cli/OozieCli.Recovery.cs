using System.ComponentModel;
using System.Globalization;
using CliWrap;
using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Cli;

/// <summary>
/// Crash recovery. The store is the truth: a RUNNING job whose oozie-lite process is gone is taken over by the
/// next command that opens the store. That command does not run it itself, so that a quick <c>job -info</c> is
/// not held up for the rest of a long job: it starts a detached oozie-lite process per interrupted job and
/// carries on with what it was asked, showing the job as it stands.
/// </summary>
internal sealed partial class OozieCli
{
    /// <summary>The hidden command that a recovering command starts in the background; not for people.</summary>
    public const string RecoverCommand = "internal-recover";

    // Runs the rest of the command line with stdio on the recovery log, away from the terminal of the command
    // that started it.
    private const string Detach = "exec </dev/null >>\"$1\" 2>&1; shift; exec \"$@\"";

    // Local commands that open the store; validate, version, help and remote commands do not.
    private static bool OpensStore(CliArguments args) => args.Command switch
    {
        "jobs" => true,
        "job" => !args.Has("dryrun"),
        "admin" => args.Has("status"),
        "server" => args.Has("once"),
        _ => false,
    };

    // The job this command itself drives, which must not also be handed to a background process.
    private static string? ForegroundJob(CliArguments args) =>
        args.Options.GetValueOrDefault("resume") ?? args.Options.GetValueOrDefault("kill");

    private void RecoverInBackground(JobStore store, string? except)
    {
        var engine = new WorkflowEngine(store, time);
        foreach (var id in engine.FindInterrupted().Where(id => id != except))
        {
            var log = Path.Combine(store.JobDirectory(id), "recovery.log");
            Directory.CreateDirectory(Path.GetDirectoryName(log)!);
            var (program, prefix) = Self();
            int pid;
            try
            {
                // setsid: the recovery must outlive this command and not get the terminal's Ctrl-C or hang-up.
                pid = CliWrap.Cli.Wrap("setsid")
                    .WithArguments(["/bin/sh", "-c", Detach, "oozie-lite-recover", log, program, .. prefix,
                        RecoverCommand, id])
                    .WithEnvironmentVariables(e => e.Set("OOZIE_LITE_HOME", store.Home))
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteAsync()
                    .ProcessId;
            }
            catch (Win32Exception e)
            {
                stderr.WriteLine($"Note: job {id} was interrupted, and no background process could be started " +
                    $"to finish it ({e.Message}); 'oozie-lite job -resume {id}' finishes it in the foreground.");
                continue;
            }

            // Several commands may start one each; the store lets exactly one of them take the job over.
            stderr.WriteLine($"Note: job {id} was interrupted (its oozie-lite process is gone); started oozie-lite " +
                $"process {pid.ToString(CultureInfo.InvariantCulture)} to finish it in the background unless " +
                $"another process already took it over (log: {log}).");
        }
    }

    // The background side: claim the job (only one process wins) and drive it to a final status.
    private async Task<int> RecoverAsync(CliArguments args)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException($"{RecoverCommand} needs exactly one job id.");
        }

        var id = args.Positional[0];
        var store = OpenStore();
        var engine = new WorkflowEngine(store, time, new EngineOptions { Progress = stderr });
        if (!engine.TryClaimInterrupted(id))
        {
            stderr.WriteLine($"Job {id} is not interrupted any more (it ended, or another process took it over).");
            return ExitCodes.Success;
        }

        return Finish(store, id, await engine.ResumeInterruptedAsync(id));
    }

    // job -resume: a SUSPENDED job goes back to RUNNING; an interrupted RUNNING job is taken over by this command,
    // which drives it to its end in the foreground as job -run does.
    private async Task<int> ResumeAsync(string id)
    {
        var store = OpenStore();
        var engine = new WorkflowEngine(store, time, new EngineOptions { Progress = stderr });
        if (GetJob(store, id).Status == JobStatus.RUNNING)
        {
            return Finish(store, id, await UntilCtrlCAsync(token => engine.ResumeInterruptedAsync(id, token)));
        }

        Control(id, [JobStatus.SUSPENDED], JobStatus.RUNNING, "E0717");
        // A job whose runner died while it was suspended has nobody to continue it now.
        RecoverInBackground(store, except: null);
        return ExitCodes.Success;
    }

    // How to start this same oozie-lite: its apphost, or the dotnet host with its assembly.
    private static (string Program, string[] Prefix) Self()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(OozieCli).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) switch
        {
            "oozie-lite" => (host, []),
            "dotnet" => (host, [assembly]),
            _ => (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assembly]),
        };
    }
}
