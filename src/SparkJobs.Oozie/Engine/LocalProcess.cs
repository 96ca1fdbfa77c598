using System.ComponentModel;
using System.Globalization;
using System.Text;
using CliWrap;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>What to launch for one attempt of a shell, java or spark action.</summary>
/// <param name="Program">The program: a path, or a name looked up on PATH.</param>
/// <param name="Arguments">The arguments.</param>
/// <param name="Environment">Variables set on top of oozie-lite's environment.</param>
/// <param name="HowToFix">The advice given when the program cannot be started.</param>
internal sealed record ProcessLaunch(
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string HowToFix)
{
    /// <summary>Gets the capture-output limit in characters (stdout is kept to one past it); -1 keeps none.</summary>
    public int CaptureLimit { get; init; } = -1;

    /// <summary>Gets the command line, for logs and messages.</summary>
    public string CommandLine => LocalProcess.CommandLine(Program, Arguments);
}

/// <summary>How a launched program ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StderrTail">The last stderr lines, joined for a message.</param>
/// <param name="CommandLine">The command line, for messages.</param>
/// <param name="Stdout">
/// The start of stdout, up to one character past the capture limit so that going over it can be told apart.
/// </param>
internal sealed record ProcessResult(int ExitCode, string StderrTail, string CommandLine, string Stdout);

/// <summary>An external id the engine records as soon as an attempt has one.</summary>
/// <param name="Id">The external id: a process id, or a child job id.</param>
/// <param name="ProcessStart">The start time of that process (see <see cref="ProcessIdentity"/>), if it is one.</param>
internal readonly record struct ExternalRef(string Id, long? ProcessStart = null);

/// <summary>
/// Launches the programs of shell, java and spark actions so that they outlive oozie-lite: each runs in its own
/// session (and so its own process group), writes stdout and stderr to files beside the attempt's log, and a
/// small <c>/bin/sh</c> wrapper writes its exit code to a file when it ends. The program starts only after its
/// pid and start time are in the store, so a later oozie-lite always knows what to reattach to.
/// </summary>
internal static class LocalProcess
{
    /// <summary>The error code of an attempt whose process ended unwatched and left no exit code.</summary>
    /// <remarks>
    /// Oozie's JA017 means the launched job can no longer be found; it is in Oozie's default list of retryable
    /// codes, so the action's retry-max decides what happens next.
    /// </remarks>
    public const string LostErrorCode = "JA017";

    private const int StderrTailLines = 10;

    // Runs "$@" with stdio on files after oozie-lite has said "go" on stdin, then writes $? to a file atomically.
    // Without "go" (oozie-lite died before recording the pid) the program is never run.
    private const string Wrapper =
        """
        read -r go && [ "$go" = go ] || exit 0
        out=$1 err=$2 code=$3
        shift 3
        exec </dev/null >"$out" 2>"$err"
        "$@"
        status=$?
        echo "$status" >"$code.tmp" && mv -f "$code.tmp" "$code"
        exit "$status"
        """;

    /// <summary>Gets how often a reattached process is checked for its end.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs a program to its end. The external id and start time are reported (and so stored) before it runs;
    /// cancelling kills its whole process group.
    /// </summary>
    /// <exception cref="OozieException">JA018 if it cannot start; JA017 if it ended without an exit code.</exception>
    public static async Task<ProcessResult> RunAsync(
        ProcessLaunch launch, ActionContext context, Action<ExternalRef> reportExternal,
        CancellationToken cancellationToken)
    {
        var files = new AttemptFiles(context.LogPath);
        files.DeleteOutcome();
        await AppendLogAsync(context.LogPath,
            $"Launching: {launch.CommandLine}  (working directory {context.WorkingDirectory})");
        var program = Resolve(launch, context);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CommandTask<CommandResult> task;
        try
        {
            task = Cli.Wrap("setsid")
                .WithArguments(["/bin/sh", "-c", Wrapper, "oozie-lite-launcher", files.Stdout, files.Stderr,
                    files.ExitCode, program, .. launch.Arguments])
                .WithWorkingDirectory(context.WorkingDirectory)
                .WithEnvironmentVariables(launch.Environment)
                .WithValidation(CommandResultValidation.None)
                .WithStandardInputPipe(PipeSource.Create(async (stdin, ct) =>
                {
                    await go.Task.WaitAsync(ct);
                    await stdin.WriteAsync("go\n"u8.ToArray(), ct);
                }))
                .ExecuteAsync(CancellationToken.None);
        }
        catch (Win32Exception e)
        {
            await AppendLogAsync(context.LogPath, $"Could not start setsid: {e.Message}");
            throw new OozieException("JA018",
                $"Could not start [{launch.CommandLine}]: setsid (from util-linux) is not on PATH ({e.Message}); " +
                "oozie-lite needs it to run actions in their own session.");
        }

        // The wrapper is blocked reading stdin, so it is alive and its start time can be read.
        var identity = ProcessIdentity.Of(task.ProcessId);
        try
        {
            reportExternal(new ExternalRef(
                task.ProcessId.ToString(CultureInfo.InvariantCulture), identity?.StartTicks));
            go.SetResult();
            await task.Task.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!task.Task.IsCompleted)
        {
            // Cancelled (a kill), or the store could not record the process: stop it and its children.
            identity?.KillGroup();
            await WaitQuietlyAsync(task);
            throw;
        }

        return await CompleteAsync(files, context, launch.CommandLine, launch.CaptureLimit, task.ProcessId);
    }

    /// <summary>
    /// Finishes an attempt whose process a previous oozie-lite started: waits while it runs (same pid and start
    /// time), then reads its exit code and output exactly as <see cref="RunAsync"/> does.
    /// </summary>
    /// <exception cref="OozieException">JA017 when it ended without an exit code.</exception>
    public static async Task<ProcessResult> ReattachAsync(
        WorkflowActionRecord running, string commandLine, int captureLimit, ActionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        var files = new AttemptFiles(context.LogPath);
        var pid = int.Parse(running.ExternalId!, NumberStyles.None, CultureInfo.InvariantCulture);
        ProcessIdentity? identity = running.ProcessStart is { } start ? new ProcessIdentity(pid, start) : null;
        var state = identity is { IsAlive: true } ? "still running" : "ended";
        await AppendLogAsync(context.LogPath, $"Reattached to process {pid}, {state}, after its oozie-lite died");
        try
        {
            while (!File.Exists(files.ExitCode) && identity is { IsAlive: true })
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            identity?.KillGroup();
            throw;
        }

        return await CompleteAsync(files, context, commandLine, captureLimit, pid);
    }

    /// <summary>Kills the process a previous oozie-lite started for an attempt, if it still runs.</summary>
    /// <returns>Whether it was still running.</returns>
    public static bool KillOrphan(WorkflowActionRecord action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.ProcessStart is { } start
            && int.TryParse(action.ExternalId, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && new ProcessIdentity(pid, start).KillGroup();
    }

    /// <summary>Writes a command line with arguments that hold spaces in single quotes.</summary>
    public static string CommandLine(string program, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(program)
            .Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    /// <summary>Merges the job configuration, the global configuration and the action's own, lowest first.</summary>
    public static Dictionary<string, string> ActionConfiguration(
        ActionContext context, IReadOnlyList<ConfigProperty> own)
    {
        var conf = new Dictionary<string, string>(context.Configuration, StringComparer.Ordinal);
        foreach (var property in (context.Global?.Configuration ?? []).Concat(own))
        {
            conf[property.Name] = context.Evaluate(property.Value);
        }

        return conf;
    }

    /// <summary>Localises the action's files and archives into the working directory, as shell does.</summary>
    public static async Task LocalizeAsync(
        ActionContext context, IEnumerable<string> files, IEnumerable<string> archives, CancellationToken ct)
    {
        var localizer = new Localizer(context.CacheDirectory, context.FileSystems);
        foreach (var file in files)
        {
            await localizer.LocalizeFileAsync(file, context.AppDirectory, context.WorkingDirectory, ct);
        }

        foreach (var archive in archives)
        {
            await localizer.LocalizeArchiveAsync(archive, context.AppDirectory, context.WorkingDirectory, ct);
        }
    }

    /// <summary>Reads <c>oozie.action.max.output.data</c>, Oozie's limit on captured output.</summary>
    public static int MaxOutput(IReadOnlyDictionary<string, string> conf) =>
        conf.TryGetValue("oozie.action.max.output.data", out var m)
            && int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : ShellExecutor.DefaultMaxOutputData;

    // The wrapper runs the program through "$@", so a program that cannot be found would only show as exit
    // code 127; it is looked up here to give the clear JA018 a direct start gives.
    private static string Resolve(ProcessLaunch launch, ActionContext context)
    {
        var program = launch.Program;
        string? found;
        if (program.Contains('/', StringComparison.Ordinal))
        {
            found = File.Exists(program) ? program : null;
        }
        else
        {
            var path = launch.Environment.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH");
            found = (path ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, program))
                .FirstOrDefault(File.Exists);
        }

        var problem = found is null ? "No such file or directory"
            : !OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(found) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherExecute)) == 0 ? "Permission denied (no execute bit)"
            : null;
        if (problem is not null)
        {
            File.AppendAllText(context.LogPath, $"Could not start '{program}': {problem}\n");
            throw new OozieException("JA018", $"Could not start [{launch.CommandLine}]: {problem}. {launch.HowToFix}");
        }

        return program;
    }

    private static async Task<ProcessResult> CompleteAsync(
        AttemptFiles files, ActionContext context, string commandLine, int captureLimit, int pid)
    {
        var codeText = File.Exists(files.ExitCode) ? await File.ReadAllTextAsync(files.ExitCode) : null;
        if (!int.TryParse(codeText?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
            out var exitCode))
        {
            await AppendLogAsync(context.LogPath, $"Process {pid} ended without an exit code");
            throw new OozieException(LostErrorCode,
                $"The process [{pid}] of [{commandLine}] ended without writing its exit code to " +
                $"{files.ExitCode}: it was killed together with its launcher, or the machine restarted. " +
                $"Set retry-max on the action to retry such attempts ({LostErrorCode} is retryable).");
        }

        var stdout = new StringBuilder();
        var tail = new Queue<string>();
        await using (var log = new StreamWriter(context.LogPath, append: true, Encoding.UTF8))
        {
            foreach (var line in Lines(files.Stdout))
            {
                await log.WriteLineAsync(line);
                if (captureLimit >= 0 && stdout.Length <= captureLimit + 1)
                {
                    stdout.Append(line).Append('\n');
                }
            }

            foreach (var line in Lines(files.Stderr))
            {
                await log.WriteLineAsync("[stderr] " + line);
                tail.Enqueue(line);
                if (tail.Count > StderrTailLines)
                {
                    tail.Dequeue();
                }
            }

            await log.WriteLineAsync($"Exit code: {exitCode}");
        }

        return new ProcessResult(
            exitCode, tail.Count == 0 ? "(no stderr output)" : string.Join(" | ", tail), commandLine,
            stdout.ToString());
    }

    private static IEnumerable<string> Lines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    private static async Task AppendLogAsync(string logPath, string line) =>
        await File.AppendAllTextAsync(logPath, line + "\n");

    private static async Task WaitQuietlyAsync(CommandTask<CommandResult> task)
    {
        try
        {
            await task;
        }
        catch (IOException)
        {
            // The killed process's pipes broke; the exception being thrown says why it was killed.
        }
    }

    /// <summary>The files beside an attempt's log that its wrapper writes.</summary>
    private sealed class AttemptFiles(string logPath)
    {
        public string Stdout { get; } = Path.ChangeExtension(logPath, ".stdout");

        public string Stderr { get; } = Path.ChangeExtension(logPath, ".stderr");

        public string ExitCode { get; } = Path.ChangeExtension(logPath, ".exit-code");

        public void DeleteOutcome()
        {
            File.Delete(Stdout);
            File.Delete(Stderr);
            File.Delete(ExitCode);
        }
    }
}
