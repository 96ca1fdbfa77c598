using System.Globalization;
using SparkJobs.Hosting;
using SparkJobs.Oozie;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Cli;

/// <summary>The oozie-lite commands, in the grammar of the real <c>oozie</c> CLI.</summary>
internal sealed partial class OozieCli(TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    public const string Hint =
        "Usage: oozie-lite job -run|-dryrun -config job.properties [-Dkey=value ...] | " +
        "job -submit -config job.properties | job -start <id> | job -poll <id> [-interval M] [-timeout M] | " +
        "job -rerun <id> -config job.properties | job -kill|-suspend|-resume <id> | " +
        "job -info <id> [-verbose] [-len N] [-offset N] | job -log|-definition <id> | " +
        "job -change <coord id> -value endtime=..;concurrency=..;pausetime=.. | " +
        "job -change <bundle id> -value endtime=..;pausetime=.. | " +
        "job -ignore <coord id> [-action 1-3] | job -rerun <coord id> -action 1-3,5|-date <from>::<to> " +
        "[-refresh] [-nocleanup] [-failed] | job -rerun <bundle id> [-coordinator name,...] [-date <from>::<to>] " +
        "[-refresh] [-nocleanup] | jobs [-jobtype wf|coordinator|bundle] [-len N] [-offset N] " +
        "[-filter status=X;name=Y] | sla [-filter id=..;sla_status=MISS] [-len N] | validate <file|dir> | " +
        "admin -version|-status | version | " +
        "server [-port 11000] [-bind 127.0.0.1] [-app-root DIR]... | deploy <app dir> <hdfs app path> [-Dk=v]; " +
        "add -oozie URL (or OOZIE_URL) to talk to an Oozie server";

    /// <summary>The 132-column rule Oozie's CLI prints between sections and rows.</summary>
    internal static readonly string Ruler = new('-', 132);
    private static readonly string[] AppFiles = ["workflow.xml", "coordinator.xml", "bundle.xml"];

    private const string Version = "5.2.1-oozie-lite-0.1.0";

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var parsed = CliArguments.Parse(args);
        var url = parsed.Options.GetValueOrDefault("oozie") ?? Environment.GetEnvironmentVariable("OOZIE_URL");
        if (!string.IsNullOrWhiteSpace(url) && parsed.Command is ("job" or "jobs" or "admin" or "validate"))
        {
            // A negative result means the server cannot validate, so the file is checked here.
            var remote = await new RemoteCli(stdout, stderr, url!, time).RunAsync(parsed);
            if (remote >= 0)
            {
                return remote;
            }
        }

        if (parsed.Command == RecoverCommand)
        {
            return await RecoverAsync(parsed);
        }

        if (OpensStore(parsed))
        {
            RecoverInBackground(OpenStore(), except: ForegroundJob(parsed));
        }

        return parsed.Command switch
        {
            "job" => await JobAsync(parsed),
            "jobs" => JobsOfType(parsed) ?? Jobs(parsed),
            "validate" => Validate(parsed),
            "sla" => Sla(parsed),
            "server" => await new ServerCli(stdout, stderr, time).RunAsync(args),
            "deploy" => await DeployCli.RunAsync(parsed, stdout),
            "admin" => Admin(parsed),
            "version" => Print($"Oozie client build version: {Version}"),
            "help" or "-help" or "--help" or "-h" => Print(Hint),
            _ => throw new UsageException($"unknown command '{parsed.Command}'."),
        };
    }

    private int Print(string text)
    {
        stdout.WriteLine(text);
        return ExitCodes.Success;
    }

    private JobStore OpenStore() => JobStore.Open(JobStore.DefaultHome(), time);

    private async Task<int> JobAsync(CliArguments args)
    {
        if (await WorkflowJobAsync(args) is { } handled)
        {
            return handled;
        }

        if (args.Has("run") || args.Has("dryrun"))
        {
            return await RunOrDryRunAsync(args);
        }

        if (await new CoordinatorCli(stdout, stderr, time).TryJobAsync(args) is { } coordinatorResult)
        {
            return coordinatorResult;
        }

        if (args.Options.GetValueOrDefault("info") is { } infoId)
        {
            return Info(infoId, args);
        }

        if (args.Options.GetValueOrDefault("log") is { } logId)
        {
            return Log(logId);
        }

        if (args.Options.GetValueOrDefault("definition") is { } defId)
        {
            stdout.Write(GetJob(OpenStore(), defId).Definition);
            return ExitCodes.Success;
        }

        if (args.Options.GetValueOrDefault("kill") is { } killId)
        {
            Control(killId, [JobStatus.PREP, JobStatus.RUNNING, JobStatus.SUSPENDED], JobStatus.KILLED, "E0716");
            // A live runner kills the job's processes itself; those of an interrupted job are killed here.
            new WorkflowEngine(OpenStore(), time).KillOrphans(killId);
            return ExitCodes.Success;
        }

        if (args.Options.GetValueOrDefault("suspend") is { } suspendId)
        {
            return Control(suspendId, [JobStatus.RUNNING], JobStatus.SUSPENDED, "E0716");
        }

        if (args.Options.GetValueOrDefault("resume") is { } resumeId)
        {
            return await ResumeAsync(resumeId);
        }

        if (args.Options.GetValueOrDefault("rerun") is { } rerunId)
        {
            return await RerunAsync(rerunId, args);
        }

        throw new UsageException("job needs one of -run, -submit, -start <id>, -dryrun, -poll <id>, -rerun <id>, " +
            "-change <id>, -ignore <id>, -kill <id>, -suspend <id>, -resume <id>, -info <id>, -log <id>, " +
            "-definition <id>.");
    }

    private int Control(string id, JobStatus[] from, JobStatus to, string code)
    {
        var store = OpenStore();
        var job = GetJob(store, id);
        if (!store.TryChangeStatus(id, from, to))
        {
            throw new OozieException(code,
                $"Job [{id}] is {job.Status}; it can be set to {to} only from {string.Join(" or ", from)}.");
        }

        store.AppendLog(id, $"Job {id} set to {to} by {Environment.UserName}");
        return ExitCodes.Success;
    }

    private async Task<int> RerunAsync(string id, CliArguments args)
    {
        var store = OpenStore();
        var job = GetJob(store, id);
        var configFile = args.Required("config");
        var merged = WorkflowLoader.RerunConfiguration(job.Configuration, WorkflowLoader.LoadConfigFile(configFile));

        var prepared = await WorkflowLoader.PrepareAsync(
            merged, args.Defines, job.User, configFile, FileSystems.Default);
        var engine = new WorkflowEngine(store, time, new EngineOptions { Progress = stderr });
        return Finish(store, id, await engine.RerunAsync(id, prepared));
    }

    private int Finish(JobStore store, string id, JobStatus status)
    {
        if (status == JobStatus.SUCCEEDED)
        {
            return ExitCodes.Success;
        }

        var failed = store.GetActions(id).LastOrDefault(a => a.ErrorCode is not null);
        var reason = failed is null
            ? string.Empty
            : $" at {failed.Name} [{failed.ErrorCode}] {failed.ErrorMessage}";
        stderr.WriteLine($"Job {id} {status}{reason}");
        return ExitCodes.Failure;
    }

    private async Task<int> RunOrDryRunAsync(CliArguments args)
    {
        var configFile = args.Required("config");
        var user = Environment.UserName;
        var properties = WorkflowLoader.LoadConfigFile(configFile);
        if (CoordinatorCli.Handles(properties, args.Defines))
        {
            var coordinators = new CoordinatorCli(stdout, stderr, time);
            return args.Has("dryrun")
                ? await coordinators.DryRunAsync(properties, args.Defines, configFile, args.Has("json"))
                : await coordinators.SubmitAsync(properties, args.Defines, configFile);
        }

        var prepared = await WorkflowLoader.PrepareAsync(
            properties, args.Defines, user, configFile, FileSystems.Default);
        foreach (var warning in prepared.Warnings)
        {
            stderr.WriteLine(warning);
        }
        if (args.Has("dryrun"))
        {
            return Print("OK");
        }

        var store = OpenStore();
        var engine = new WorkflowEngine(store, time, new EngineOptions { Progress = stderr });
        var id = engine.Submit(prepared, start: true);
        stdout.WriteLine($"job: {id}");
        stdout.Flush();
        return Finish(store, id, await UntilCtrlCAsync(token => engine.RunAsync(id, token)));
    }

    // Runs a job in the foreground; Ctrl-C kills it.
    private static async Task<JobStatus> UntilCtrlCAsync(Func<CancellationToken, Task<JobStatus>> run)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await run(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static WorkflowJobRecord GetJob(JobStore store, string id) =>
        store.GetJob(id)
        ?? throw new OozieException("E0604", $"Job [{id}] does not exist; list jobs with 'oozie-lite jobs'.");

    /// <summary>Formats a time as the -info tables show it, <c>2026-01-01 06:00 GMT</c>, or "-" when unset.</summary>
    internal static string Date(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'GMT'", CultureInfo.InvariantCulture) : "-";

    private int Info(string id, CliArguments? args = null)
    {
        var store = OpenStore();
        var job = GetJob(store, id);

        // Paging arguments are checked before anything is printed.
        var page = Page(store.GetActions(id), args).ToList();
        stdout.WriteLine($"Job ID : {job.Id}");
        stdout.WriteLine(Ruler);
        stdout.WriteLine($"Workflow Name : {job.AppName}");
        stdout.WriteLine($"App Path      : {job.AppPath}");
        stdout.WriteLine($"Status        : {job.Status}");
        stdout.WriteLine($"Run           : {job.Run}");
        stdout.WriteLine($"User          : {job.User}");
        stdout.WriteLine($"Group         : {job.Group ?? "-"}");
        stdout.WriteLine($"Created       : {Date(job.Created)}");
        stdout.WriteLine($"Started       : {Date(job.Started)}");
        stdout.WriteLine($"Last Modified : {Date(job.LastModified)}");
        stdout.WriteLine($"Ended         : {Date(job.Ended)}");
        stdout.WriteLine($"CoordAction ID: {job.Configuration.GetValueOrDefault("oozie.coord.action.id") ?? "-"}");
        stdout.WriteLine();
        stdout.WriteLine("Actions");
        stdout.WriteLine(Ruler);
        var verbose = args?.Has("verbose") == true;
        stdout.WriteLine(verbose ? VerboseHeader() : ActionRow("ID", "Status", "Ext ID", "Ext Status", "Err Code"));
        stdout.WriteLine(Ruler);
        foreach (var action in page)
        {
            stdout.WriteLine(verbose ? VerboseRow(action) : ActionRow(action.Id, action.Status.ToString(),
                action.ExternalId ?? "-", action.ExternalStatus ?? "-", action.ErrorCode ?? "-"));
            stdout.WriteLine(Ruler);
        }

        return ExitCodes.Success;
    }

    private static string ActionRow(string id, string status, string extId, string extStatus, string code) =>
        InfoTables.WorkflowActionRow(id, status, extId, extStatus, code);

    private int Log(string id)
    {
        var store = OpenStore();
        GetJob(store, id);
        foreach (var line in store.GetLog(id))
        {
            stdout.WriteLine(line);
        }

        foreach (var action in store.GetActions(id).Where(a => a.LogPath is not null))
        {
            if (!File.Exists(action.LogPath))
            {
                continue;
            }

            stdout.WriteLine($"--- {action.Id} ({action.LogPath}) ---");
            stdout.Write(ReadShared(action.LogPath!));
            if (action.Status == ActionStatus.RUNNING)
            {
                // The launcher copies a program's output into its log when it ends; until then it is in these.
                foreach (var (extension, prefix) in new[] { (".stdout", ""), (".stderr", "[stderr] ") })
                {
                    var live = Path.ChangeExtension(action.LogPath!, extension);
                    foreach (var line in File.Exists(live) ? ReadShared(live).Split('\n')[..^1] : [])
                    {
                        stdout.WriteLine(prefix + line);
                    }
                }
            }
        }

        return ExitCodes.Success;
    }

    private static string ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    private int Jobs(CliArguments args)
    {
        if (args.Options.GetValueOrDefault("jobtype") is { } jobType and ("coordinator" or "bundle"))
        {
            return new CoordinatorCli(stdout, stderr, time).ListJobs(jobType);
        }

        var length = 100;
        if (args.Options.GetValueOrDefault("len") is { } len
            && (!int.TryParse(len, NumberStyles.Integer, CultureInfo.InvariantCulture, out length) || length < 1))
        {
            throw new UsageException($"-len {len} is not a positive number.");
        }

        var statuses = new List<string>();
        var names = new List<string>();
        foreach (var pair in (args.Options.GetValueOrDefault("filter") ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = eq > 0 ? (pair[..eq], pair[(eq + 1)..]) : (pair, string.Empty);
            switch (key)
            {
                case "status" when Enum.TryParse<JobStatus>(value, ignoreCase: true, out var status):
                    statuses.Add(status.ToString());
                    break;
                case "status":
                    throw new OozieException("E0420", $"Invalid jobs filter [{pair}]: '{value}' is not a workflow " +
                        $"status; use one of {string.Join(", ", Enum.GetNames<JobStatus>())}.");
                case "name": names.Add(value); break;
                default: throw new UsageException($"-filter key '{key}' is not supported; use status=... or name=....");
            }
        }

        var offset = Offset(args);
        var jobs = OpenStore().ListJobs(length + offset - 1, statuses, names).Skip(offset - 1).ToList();
        stdout.WriteLine(JobRow("Job ID", "App Name", "Status", "Run", "User", "Group", "Started", "Ended"));
        stdout.WriteLine(Ruler);
        foreach (var job in jobs)
        {
            stdout.WriteLine(JobRow(job.Id, job.AppName, job.Status.ToString(),
                job.Run.ToString(CultureInfo.InvariantCulture), job.User, job.Group ?? "-", Date(job.Started),
                Date(job.Ended)));
            stdout.WriteLine(Ruler);
        }

        return ExitCodes.Success;
    }

    private static string JobRow(params string[] cells) =>
        $"{cells[0],-45}{cells[1],-25}{cells[2],-11}{cells[3],-5}{cells[4],-12}{cells[5],-8}{cells[6],-22}{cells[7]}";

    private int Validate(CliArguments args)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("validate needs exactly one workflow.xml file or app directory.");
        }

        var path = args.Positional[0];
        if (Directory.Exists(path))
        {
            path = AppFiles.Select(f => Path.Combine(path, f))
                .FirstOrDefault(File.Exists) ?? Path.Combine(path, "workflow.xml");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"'{path}' does not exist; pass a workflow.xml, coordinator.xml or bundle.xml, " +
                "or the application directory that holds one.");
        }

        if (CoordinatorCli.RootElement(path) is "coordinator-app" or "bundle-app")
        {
            return new CoordinatorCli(stdout, stderr, time).Validate(path, CoordinatorCli.RootElement(path)!);
        }

        var errors = WorkflowLoader.CheckForValidate(path);
        foreach (var error in errors)
        {
            stdout.WriteLine(error);
        }

        if (errors.Any(e => !e.IsWarning))
        {
            stderr.WriteLine($"Error: {path} has {errors.Count(e => !e.IsWarning)} error(s).");
            return ExitCodes.Failure;
        }

        return Print("Valid workflow-app");
    }

    private int Admin(CliArguments args)
    {
        if (args.Has("version"))
        {
            return Print($"Oozie server build version: {Version}");
        }

        if (args.Has("status"))
        {
            OpenStore();
            return Print("System mode: NORMAL");
        }

        throw new UsageException("admin needs -version or -status.");
    }
}
