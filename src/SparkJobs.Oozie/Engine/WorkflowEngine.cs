using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>Settings of the workflow engine.</summary>
public sealed record EngineOptions
{
    /// <summary>Gets how many actions may run at once across fork paths.</summary>
    public int ActionSlots { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Gets where progress lines go (for example stderr); null for none.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>Gets how often a running job checks the store for -kill and -suspend from other processes.</summary>
    public TimeSpan ControlPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets how often a running job checks its SLA deadlines (on the engine's clock).</summary>
    public TimeSpan SlaCheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets the file systems that paths resolve through.</summary>
    public FileSystems FileSystems { get; init; } = FileSystems.Default;
}

/// <summary>Runs workflow jobs: a state machine over start, action, decision, fork/join, kill and end.</summary>
public sealed class WorkflowEngine
{
    private readonly JobStore _store;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The settings.</param>
    public WorkflowEngine(JobStore store, TimeProvider time, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        _options = options ?? new EngineOptions();
    }

    /// <summary>Stores a prepared workflow as a new job.</summary>
    /// <param name="workflow">The prepared workflow.</param>
    /// <param name="start">
    /// False for a PREP job that waits to be started; true for a job this process runs at once: it is stored
    /// RUNNING under this process, so that if the process dies before <see cref="RunAsync(string, CancellationToken)"/>
    /// gets going, recovery still finds it.
    /// </param>
    /// <returns>The job id.</returns>
    public string Submit(PreparedWorkflow workflow, bool start = false)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var id = _store.NextJobId(workflow.User);
        var now = _time.GetUtcNow();
        var provisional = new WorkflowJobRecord(
            id, workflow.App.Name, workflow.AppDirectory.ToString(), JobStatus.PREP, 0, workflow.User,
            workflow.Configuration.GetValueOrDefault("group.name"), now, null, now, null,
            workflow.Configuration, workflow.Definition);
        var name = ElEvaluator.EvaluateText(workflow.App.Name,
            new WorkflowElContext(
                provisional, new ConcurrentDictionary<string, WorkflowActionRecord>(), () => null, _time));
        _store.SaveJob(provisional with { AppName = name });
        if (start)
        {
            _store.TryStartRun(id, Runner);
        }

        _store.AppendLog(id, $"Submitted workflow [{name}] from {workflow.WorkflowFile} as {id}");
        return id;
    }

    /// <summary>Runs a job to a final status in this process.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Kills the job when cancelled.</param>
    /// <returns>The final status.</returns>
    public Task<JobStatus> RunAsync(string jobId, CancellationToken cancellationToken = default) =>
        RunAsync(jobId, new HashSet<string>(StringComparer.Ordinal), cancellationToken);

    /// <summary>Reruns a finished job under the same id with run + 1, skipping nodes as Oozie's rerun does.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="workflow">The workflow prepared from the rerun configuration (merged over the old one).</param>
    /// <param name="cancellationToken">Kills the job when cancelled.</param>
    /// <returns>The final status.</returns>
    /// <exception cref="OozieException">E0805, E0404, E0806 or E0807 when the rerun is not allowed.</exception>
    public Task<JobStatus> RerunAsync(
        string jobId, PreparedWorkflow workflow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var job = _store.GetJob(jobId) ?? throw new OozieException("E0604", $"Job [{jobId}] does not exist.");
        if (job.Status is not (JobStatus.SUCCEEDED or JobStatus.FAILED or JobStatus.KILLED))
        {
            throw new OozieException("E0805",
                $"Job [{jobId}] is {job.Status}; only SUCCEEDED, FAILED or KILLED jobs can be rerun.");
        }

        var conf = workflow.Configuration;
        var failNodes = string.Equals(conf.GetValueOrDefault("oozie.wf.rerun.failnodes")?.Trim(), "true",
            StringComparison.OrdinalIgnoreCase);
        var skipNodes = (conf.GetValueOrDefault("oozie.wf.rerun.skip.nodes") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (failNodes && skipNodes.Length > 0)
        {
            throw new OozieException("E0404",
                "Only one of oozie.wf.rerun.skip.nodes and oozie.wf.rerun.failnodes=true may be given; drop one.");
        }

        var actions = _store.GetActions(jobId).ToDictionary(a => a.Name, StringComparer.Ordinal);
        var skip = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in skipNodes)
        {
            if (!actions.TryGetValue(name, out var previous))
            {
                throw new OozieException("E0807", $"Node [{name}] in oozie.wf.rerun.skip.nodes was never executed.");
            }

            if (previous.Status is not (ActionStatus.OK or ActionStatus.ERROR))
            {
                throw new OozieException("E0806",
                    $"Node [{name}] ended {previous.Status}; only nodes that ended OK or ERROR can be skipped.");
            }

            skip.Add(name);
        }

        if (failNodes)
        {
            skip.UnionWith(actions.Values
                .Where(a => a.Status == ActionStatus.OK && !a.Type.StartsWith(':') && a.Type != "switch")
                .Select(a => a.Name));
        }

        var now = _time.GetUtcNow();
        _store.SaveJob(job with
        {
            Status = JobStatus.PREP, Run = job.Run + 1, Configuration = conf, Definition = workflow.Definition,
            LastModified = now, Ended = null,
        });
        var skipped = string.Join(",", skip.Order(StringComparer.Ordinal));
        Log(jobId, $"Rerun {job.Run + 1} of {jobId}; skipping [{skipped}]");
        return RunAsync(jobId, skip, cancellationToken);
    }

    private async Task<JobStatus> RunAsync(
        string jobId, HashSet<string> skip, CancellationToken cancellationToken, bool claimed = false)
    {
        var job = _store.GetJob(jobId) ?? throw new OozieException("E0604", $"Job {jobId} does not exist.");
        var (app, errors) = WorkflowLoader.Check(
            job.Definition, job.AppPath + "/workflow.xml", WorkflowLoader.ForkJoinValidationEnabled(job.Configuration));
        if (app is null || errors.Any(e => !e.IsWarning))
        {
            throw new WorkflowValidationException(errors);
        }

        // Moving PREP to RUNNING and naming this process as the runner is one step, so two processes asked to
        // start the same job cannot both run it. A job submitted with start is already RUNNING here, untouched.
        var submittedToStart = job.Status == JobStatus.RUNNING && _store.GetRunner(jobId) == Runner
            && _store.GetActions(jobId).Count == 0;
        if (!claimed && !submittedToStart && !_store.TryStartRun(jobId, Runner))
        {
            throw new OozieException("E0813",
                $"Job [{jobId}] is {_store.GetJob(jobId)?.Status}; only a PREP job can be started.");
        }

        using var run = new WorkflowRun(this, job, app, skip, resumed: claimed);
        Log(jobId, $"Job {jobId} [{job.AppName}] RUNNING");
        JobStatus status;
        try
        {
            status = await run.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || run.KilledFromStore)
        {
            status = JobStatus.KILLED;
        }

        _store.FinishRun(jobId, status);
        Log(jobId, $"Job {jobId} {status}");
        await new SlaAlerts(_store, _time, line => Log(jobId, line)).ReportEndedAsync(jobId);
        return status;
    }

    /// <summary>Lists RUNNING jobs whose oozie-lite process is gone (it crashed or was killed).</summary>
    /// <returns>The job ids.</returns>
    public IReadOnlyList<string> FindInterrupted() =>
        [.. _store.RunningJobs().Where(j => !ProcessIdentity.IsRunning(j.Runner)).Select(j => j.Id)];

    /// <summary>
    /// Makes this process the runner of an interrupted job. The store changes the runner only if it is still the
    /// dead one seen here, so of several processes that try at once exactly one succeeds.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>Whether this process now runs the job; false when it is not RUNNING or its runner is alive.</returns>
    public bool TryClaimInterrupted(string jobId)
    {
        if (_store.GetJob(jobId)?.Status != JobStatus.RUNNING)
        {
            return false;
        }

        var runner = _store.GetRunner(jobId);
        return runner != Runner && !ProcessIdentity.IsRunning(runner) && _store.TryClaim(jobId, runner, Runner);
    }

    /// <summary>
    /// Resumes an interrupted job in this process, claiming it first unless this process already has:
    /// actions that ended OK or ERROR are not run again, and an action that was running is reattached.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Kills the job when cancelled.</param>
    /// <returns>The final status.</returns>
    /// <exception cref="OozieException">E0717 if the job is not interrupted or another process took it over.</exception>
    public Task<JobStatus> ResumeInterruptedAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (_store.GetRunner(jobId) != Runner && !TryClaimInterrupted(jobId))
        {
            var job = _store.GetJob(jobId) ?? throw new OozieException("E0604", $"Job [{jobId}] does not exist.");
            throw new OozieException("E0717", job.Status == JobStatus.RUNNING
                ? $"Job [{jobId}] is not interrupted: oozie-lite process {_store.GetRunner(jobId)} (pid:start) runs it."
                : $"Job [{jobId}] is {job.Status}, not an interrupted RUNNING job.");
        }

        var finished = _store.GetActions(jobId)
            .Where(a => a.Status is ActionStatus.OK or ActionStatus.ERROR)
            .Where(a => !a.Type.StartsWith(':') && a.Type != "switch")
            .Select(a => a.Name);
        Log(jobId, $"Resuming interrupted job {jobId} in process {Runner}; keeping [{string.Join(",", finished)}]");
        return RunAsync(
            jobId, new HashSet<string>(finished, StringComparer.Ordinal), cancellationToken, claimed: true);
    }

    /// <summary>
    /// After a kill of a job whose runner is gone, kills the processes its running actions left behind and marks
    /// those actions KILLED; a live runner does this itself.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>How many processes were still running and were killed.</returns>
    public int KillOrphans(string jobId)
    {
        if (_store.GetJob(jobId)?.Status != JobStatus.KILLED || ProcessIdentity.IsRunning(_store.GetRunner(jobId)))
        {
            return 0;
        }

        var killed = 0;
        foreach (var action in _store.GetActions(jobId)
            .Where(a => a.Status is ActionStatus.RUNNING or ActionStatus.USER_RETRY))
        {
            if (action.Type == "sub-workflow")
            {
                if (action.ExternalId is { } child && _store.TryChangeStatus(
                    child, [JobStatus.PREP, JobStatus.RUNNING, JobStatus.SUSPENDED], JobStatus.KILLED))
                {
                    killed += KillOrphans(child);
                }
            }
            else if (LocalProcess.KillOrphan(action))
            {
                killed++;
            }

            _store.SaveAction(action with
            {
                Status = ActionStatus.KILLED, EndTime = _time.GetUtcNow(), ExternalStatus = "KILLED",
            });
        }

        _store.SetRunner(jobId, null);
        return killed;
    }

    /// <summary>Waits for a sub-workflow's child job to end, running or resuming it here if nobody else does.</summary>
    internal async Task<JobStatus> FinishChildAsync(string childId, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var child = _store.GetJob(childId)
                    ?? throw new OozieException("E0604", $"Sub-workflow job [{childId}] does not exist.");
                if (child.Status is JobStatus.SUCCEEDED or JobStatus.FAILED or JobStatus.KILLED)
                {
                    return child.Status;
                }

                if (child.Status == JobStatus.PREP && _store.TryStartRun(childId, Runner))
                {
                    return await RunAsync(
                        childId, new HashSet<string>(StringComparer.Ordinal), cancellationToken, claimed: true);
                }

                if (TryClaimInterrupted(childId))
                {
                    return await ResumeInterruptedAsync(childId, cancellationToken);
                }

                await Task.Delay(_options.ControlPollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            _store.TryChangeStatus(childId, [JobStatus.PREP, JobStatus.RUNNING, JobStatus.SUSPENDED], JobStatus.KILLED);
            throw;
        }
    }

    private static string Runner => ProcessIdentity.Current.ToString();

    private void Log(string jobId, string line)
    {
        _store.AppendLog(jobId, line);
        _options.Progress?.WriteLine(
            $"{_time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {line}");
    }

    private enum PathEndKind
    {
        Join,
        End,
        Kill,
        Failed,
    }

    private readonly record struct PathEnd(PathEndKind Kind, string Node);

    /// <summary>One execution of a job; fork paths share it.</summary>
    private sealed class WorkflowRun : IDisposable
    {
        private readonly WorkflowEngine _engine;
        private readonly WorkflowJobRecord _job;
        private readonly WorkflowApp _app;
        private readonly ConcurrentDictionary<string, WorkflowActionRecord> _actions = new(StringComparer.Ordinal);
        private readonly WorkflowElContext _el;
        private readonly SemaphoreSlim _slots;
        private readonly Dictionary<string, IActionExecutor> _executors;

        private readonly HashSet<string> _skip;

        // When resuming an interrupted job: the actions it left RUNNING or waiting to retry, each taken up once.
        private readonly ConcurrentDictionary<string, WorkflowActionRecord> _interrupted = new(StringComparer.Ordinal);
        private string? _lastErrorNode;

        public WorkflowRun(
            WorkflowEngine engine, WorkflowJobRecord job, WorkflowApp app, HashSet<string> skip, bool resumed)
        {
            _skip = skip;
            _engine = engine;
            _job = job;
            _app = app;
            _slots = new SemaphoreSlim(engine._options.ActionSlots);
            _executors = new(StringComparer.Ordinal)
            {
                ["shell"] = new ShellExecutor(),
                ["fs"] = new FsExecutor(),
                ["java"] = new JavaExecutor(),
                ["email"] = new EmailExecutor(),
                ["spark"] = new SparkExecutor(),
                ["sub-workflow"] = new SubWorkflowExecutor(engine, engine._options.FileSystems),
            };
            foreach (var action in engine._store.GetActions(job.Id))
            {
                _actions[action.Name] = action;
                if (resumed && action.Status is ActionStatus.RUNNING or ActionStatus.USER_RETRY
                    && !skip.Contains(action.Name))
                {
                    _interrupted[action.Name] = action;
                }
            }

            _el = new WorkflowElContext(job, _actions, () => _lastErrorNode, engine._time);
        }

        private JobStore Store => _engine._store;

        public void Dispose() => _slots.Dispose();

        private DateTimeOffset Now => _engine._time.GetUtcNow();

        public bool KilledFromStore { get; private set; }

        public async Task<JobStatus> RunAsync(CancellationToken cancellationToken)
        {
            using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stopWatching = new CancellationTokenSource();
            var watcher = WatchStoreAsync(kill, stopWatching.Token);
            PathEnd end;
            try
            {
                end = await RunPathAsync(WorkflowApp.StartNodeName, kill, cancellationToken);
            }
            finally
            {
                await stopWatching.CancelAsync();
                await watcher;
            }

            return end.Kind switch
            {
                PathEndKind.End => JobStatus.SUCCEEDED,
                PathEndKind.Kill => JobStatus.KILLED,
                PathEndKind.Failed => JobStatus.FAILED,
                _ => throw new OozieException("E0720", $"Join '{end.Node}' was reached outside a fork."),
            };
        }

        // Another process changes the job's status in the store to kill or suspend it; this run follows.
        // The same loop mails SLA misses as their deadlines pass.
        private async Task WatchStoreAsync(CancellationTokenSource kill, CancellationToken stop)
        {
            var alerts = new SlaAlerts(Store, _engine._time, line => _engine.Log(_job.Id, line));
            var nextSlaCheck = Now;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(_engine._options.ControlPollInterval, stop);
                    if (Now >= nextSlaCheck)
                    {
                        nextSlaCheck = Now + _engine._options.SlaCheckInterval;
                        await alerts.CheckRunningAsync(_job.Id);
                    }

                    var status = Store.GetJob(_job.Id)?.Status;
                    _suspended = status == JobStatus.SUSPENDED;
                    if (status == JobStatus.KILLED)
                    {
                        KilledFromStore = true;
                        await kill.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run ended.
            }
        }

        private volatile bool _suspended;

        private readonly ConcurrentDictionary<string, bool> _breakpointsHit = new(StringComparer.Ordinal);

        // oozie.suspend.on.nodes: the job suspends before each listed action (or every action for *), once per run.
        private async Task SuspendOnNodeAsync(ActionNode node, CancellationToken cancellationToken)
        {
            var list = _job.Configuration.GetValueOrDefault("oozie.suspend.on.nodes") ?? string.Empty;
            var nodes = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if ((!nodes.Contains("*") && !nodes.Contains(node.Name)) || _skip.Contains(node.Name)
                || !_breakpointsHit.TryAdd(node.Name, true)
                || !Store.TryChangeStatus(_job.Id, [JobStatus.RUNNING], JobStatus.SUSPENDED))
            {
                return;
            }

            _engine.Log(_job.Id, $"Job {_job.Id} SUSPENDED before {node.Name} (oozie.suspend.on.nodes)");
            // The store, not the watcher's last reading, decides: a reading taken before this suspend is stale.
            while (Store.GetJob(_job.Id)?.Status == JobStatus.SUSPENDED)
            {
                await Task.Delay(_engine._options.ControlPollInterval, cancellationToken);
            }
        }

        private async Task WaitWhileSuspendedAsync(CancellationToken cancellationToken)
        {
            while (_suspended)
            {
                await Task.Delay(_engine._options.ControlPollInterval, cancellationToken);
            }
        }

        private async Task<PathEnd> RunPathAsync(string nodeName, CancellationTokenSource kill, CancellationToken outer)
        {
            var name = nodeName;
            while (true)
            {
                kill.Token.ThrowIfCancellationRequested();
                await WaitWhileSuspendedAsync(kill.Token);
                var node = _app.Find(name) ?? throw new OozieException("E0708", $"Node '{name}' does not exist.");
                switch (node)
                {
                    case StartNode start:
                        Control(node, start.To);
                        name = start.To;
                        break;
                    case EndNode:
                        Control(node, null);
                        return new PathEnd(PathEndKind.End, node.Name);
                    case JoinNode:
                        return new PathEnd(PathEndKind.Join, node.Name);
                    case KillNode killNode:
                        Kill(killNode);
                        return new PathEnd(PathEndKind.Kill, node.Name);
                    case DecisionNode decision:
                        var target = Decide(decision);
                        if (target is null)
                        {
                            return new PathEnd(PathEndKind.Failed, node.Name);
                        }

                        name = target;
                        break;
                    case ForkNode fork:
                        var forked = await ForkAsync(fork, kill, outer);
                        if (forked.Kind != PathEndKind.Join)
                        {
                            return forked;
                        }

                        var join = (JoinNode)_app.Find(forked.Node)!;
                        Control(join, join.To);
                        name = join.To;
                        break;
                    case ActionNode action:
                        await SuspendOnNodeAsync(action, kill.Token);
                        var next = await RunActionAsync(action, kill.Token);
                        if (next is null)
                        {
                            return new PathEnd(PathEndKind.Failed, node.Name);
                        }

                        name = next;
                        break;
                }
            }
        }

        private async Task<PathEnd> ForkAsync(ForkNode fork, CancellationTokenSource kill, CancellationToken outer)
        {
            Control(fork, string.Join(",", fork.Paths));
            using var branchKill = CancellationTokenSource.CreateLinkedTokenSource(kill.Token);
            var tasks = fork.Paths.Select(p => Task.Run(async () =>
            {
                try
                {
                    var end = await RunPathAsync(p, branchKill, outer);
                    if (end.Kind != PathEndKind.Join)
                    {
                        // A kill, failure or end on one path stops the others, as in Oozie.
                        await branchKill.CancelAsync();
                    }

                    return end;
                }
                catch (OperationCanceledException)
                    when (branchKill.IsCancellationRequested && !outer.IsCancellationRequested)
                {
                    return new PathEnd(PathEndKind.Join, string.Empty);
                }
            })).ToList();
            var ends = await Task.WhenAll(tasks);
            kill.Token.ThrowIfCancellationRequested();
            var terminal = ends.FirstOrDefault(e => e.Kind != PathEndKind.Join);
            if (terminal != default)
            {
                return terminal;
            }

            var joins = ends.Select(e => e.Node).Distinct(StringComparer.Ordinal).ToList();
            return joins.Count == 1
                ? ends[0]
                : throw new OozieException("E0720",
                    $"The paths of fork '{fork.Name}' reached different joins ({string.Join(", ", joins)}).");
        }

        private void Control(WorkflowNode node, string? transition)
        {
            var now = Now;
            Save(new WorkflowActionRecord(ActionId(node.Name), _job.Id, node.Name, node.TypeName, ActionStatus.OK)
            {
                Transition = transition,
                StartTime = now,
                EndTime = now,
                ExternalStatus = "OK",
            });
        }

        private void Kill(KillNode node)
        {
            var now = Now;
            var record = new WorkflowActionRecord(
                ActionId(node.Name), _job.Id, node.Name, node.TypeName, ActionStatus.OK)
            {
                StartTime = now,
                EndTime = now,
                ErrorCode = "E0729",
                ExternalStatus = "OK",
            };
            try
            {
                record = record with { ErrorMessage = ElEvaluator.EvaluateText(node.Message, _el) };
            }
            catch (ElException e)
            {
                record = record with { Status = ActionStatus.ERROR, ErrorCode = "E0756", ErrorMessage = e.Message };
            }

            Save(record);
            _engine.Log(_job.Id, $"{node.Name} KILLED the job: {record.ErrorMessage}");
        }

        private string? Decide(DecisionNode decision)
        {
            try
            {
                var chosen = decision.Cases.FirstOrDefault(c => ElEvaluator.EvaluateBoolean(c.Predicate, _el))?.To
                    ?? decision.DefaultTo;
                Control(decision, chosen);
                _engine.Log(_job.Id, $"{decision.Name} -> {chosen}");
                return chosen;
            }
            catch (ElException e)
            {
                Fail(decision, Now, e);
                return null;
            }
        }

        private async Task<string?> RunActionAsync(ActionNode node, CancellationToken cancellationToken)
        {
            if (_skip.Contains(node.Name) && _actions.TryGetValue(node.Name, out var previous)
                && previous.Transition is { } t)
            {
                // A skipped node repeats the transition it took last time.
                _engine.Log(_job.Id, $"{node.Name} skipped (it ended {previous.Status} before) -> {t}");
                if (previous.Status == ActionStatus.ERROR)
                {
                    _lastErrorNode = node.Name;
                }

                return t;
            }

            var executor = _executors[node.Body.TypeName];
            var id = ActionId(node.Name);
            var dir = Path.Combine(Store.JobDirectory(_job.Id), node.Name);
            var retries = 0;
            _interrupted.TryRemove(node.Name, out var reattach);
            if (reattach?.Status == ActionStatus.USER_RETRY)
            {
                // The interrupted process was waiting out the retry interval; the rest of it is waited here.
                retries = reattach.Retries + 1;
                var waited = Now - (reattach.EndTime ?? Now);
                var left = RetryWait(node, retries) - waited;
                _engine.Log(_job.Id, $"{node.Name} USER_RETRY {retries}/{node.Retry.Max} resumes in " +
                    $"{Math.Max(0, left.TotalMinutes):0.##} min");
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, _engine._time, cancellationToken);
                }

                reattach = null;
            }
            else if (reattach is not null)
            {
                retries = reattach.Retries;
            }

            while (true)
            {
                var attempt = $"r{_job.Run}-a{retries}";
                var workDir = Path.Combine(dir, attempt);
                var logPath = Path.Combine(dir, attempt + ".log");
                var resumed = reattach;
                reattach = null;
                if (resumed is null)
                {
                    NewWorkingDirectory(workDir);
                }

                // An action starts when it gets a slot: time spent queued behind other fork paths is not its own.
                await _slots.WaitAsync(cancellationToken);
                var started = resumed?.StartTime ?? Now;
                var record = resumed ?? new WorkflowActionRecord(id, _job.Id, node.Name, node.TypeName,
                    ActionStatus.RUNNING)
                {
                    StartTime = started,
                    Retries = retries,
                    LogPath = logPath,
                };
                var clock = Stopwatch.StartNew();
                ActionOutcome outcome;
                try
                {
                    var context = new ActionContext(_job.Id, node, _job.Configuration, StoragePath.Parse(_job.AppPath),
                        workDir, logPath, Path.Combine(Store.Home, "cache", "archives"),
                        text => ElEvaluator.EvaluateText(text, _el), _engine._options.FileSystems)
                    {
                        Global = _app.Global,
                    };
                    ActionOutcome? reattached = null;
                    if (resumed is not null)
                    {
                        _engine.Log(_job.Id, $"{node.Name} was RUNNING when its oozie-lite process died; " +
                            $"reattaching to attempt {attempt} (external id {resumed.ExternalId ?? "none"})");
                        reattached = await executor.ReattachAsync(context, resumed, cancellationToken);
                        if (reattached is null)
                        {
                            // Nothing external was started for that attempt, so it runs from the beginning.
                            NewWorkingDirectory(workDir);
                            record = record with { StartTime = started = Now, ExternalId = null, ProcessStart = null };
                        }
                    }

                    if (reattached is null)
                    {
                        Save(record);
                        _engine.Log(_job.Id, $"{node.Name} RUNNING ({node.TypeName})");
                    }

                    // Credentials are checked when an attempt starts, as Oozie does; a reattached one already passed.
                    outcome = reattached
                        ?? ActionCredentials.Check(node, _app, _job.Configuration, context.Evaluate,
                            line => _engine.Log(_job.Id, line))
                        ?? await executor.ExecuteAsync(context, external =>
                        {
                            record = record with { ExternalId = external.Id, ProcessStart = external.ProcessStart };
                            Save(record);
                        }, cancellationToken);
                }
                catch (ElException e)
                {
                    Fail(node, started, e, record);
                    return null;
                }
                catch (OozieException e)
                {
                    outcome = ActionOutcome.Failed(e.ErrorCode, e.Message);
                }
                catch (OperationCanceledException)
                {
                    Save(record with { Status = ActionStatus.KILLED, EndTime = Now, ExternalStatus = "KILLED" });
                    _engine.Log(_job.Id, $"{node.Name} KILLED");
                    throw;
                }
                finally
                {
                    _slots.Release();
                }

                var seconds = clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                if (outcome.Ok)
                {
                    Save(record with
                    {
                        Status = ActionStatus.OK, EndTime = Now, Transition = node.OkTo, Data = outcome.Data,
                        ExternalStatus = outcome.ExternalStatus,
                    });
                    _engine.Log(_job.Id, $"{node.Name} OK in {seconds}s");
                    return node.OkTo;
                }

                if (retries < node.Retry.Max && IsRetryable(outcome.ErrorCode))
                {
                    retries++;
                    var wait = RetryWait(node, retries);
                    Save(record with
                    {
                        Status = ActionStatus.USER_RETRY,
                        EndTime = Now,
                        ErrorCode = outcome.ErrorCode,
                        ErrorMessage = outcome.ErrorMessage,
                    });
                    _engine.Log(_job.Id,
                        $"{node.Name} USER_RETRY {retries}/{node.Retry.Max} in {wait.TotalMinutes} min " +
                        $"({outcome.ErrorCode})");
                    await Task.Delay(wait, _engine._time, cancellationToken);
                    continue;
                }

                _lastErrorNode = node.Name;
                Save(record with
                {
                    Status = ActionStatus.ERROR, EndTime = Now, Transition = node.ErrorTo,
                    ErrorCode = outcome.ErrorCode,
                    ErrorMessage = outcome.ErrorMessage, ExternalStatus = outcome.ExternalStatus,
                });
                _engine.Log(_job.Id, $"{node.Name} ERROR in {seconds}s [{outcome.ErrorCode}] {outcome.ErrorMessage}");
                return node.ErrorTo;
            }
        }

        // Oozie's user-retry wait before the given retry: periodic, or doubling each time when exponential.
        private static TimeSpan RetryWait(ActionNode node, int retry) =>
            TimeSpan.FromMinutes(node.Retry.IntervalMinutes * (node.Retry.Exponential ? Math.Pow(2, retry - 1) : 1));

        // Every attempt starts from an empty directory, also one an interrupted run left behind.
        private static void NewWorkingDirectory(string workDir)
        {
            if (Directory.Exists(workDir))
            {
                Directory.Delete(workDir, recursive: true);
            }

            Directory.CreateDirectory(workDir);
        }

        private bool IsRetryable(string? code)
        {
            var list = "JA008,JA009,JA017,JA018,JA019,FS009,FS008,FS014," + _job.Configuration.GetValueOrDefault(
                "oozie.service.LiteWorkflowStoreService.user.retry.error.code.ext", string.Empty);
            var codes = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return code is not null && (codes.Contains("ALL") || codes.Contains(code));
        }

        private void Fail(WorkflowNode node, DateTimeOffset started, ElException e, WorkflowActionRecord? record = null)
        {
            _lastErrorNode = node.Name;
            Save((record ?? new WorkflowActionRecord(ActionId(node.Name), _job.Id, node.Name, node.TypeName,
                ActionStatus.FAILED)) with
            {
                Status = ActionStatus.FAILED, StartTime = started, EndTime = Now, ErrorCode = "EL_ERROR",
                ErrorMessage = e.Message,
            });
            _engine.Log(_job.Id, $"{node.Name} FAILED [EL_ERROR] {e.Message}");
        }

        private void Save(WorkflowActionRecord record)
        {
            _actions[record.Name] = record;
            Store.SaveAction(record);
        }

        private string ActionId(string name) => $"{_job.Id}@{name}";
    }
}
