using System.Collections.Concurrent;
using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>
/// The coordinator scheduler: each tick materializes actions, checks their data, starts READY ones as workflow
/// jobs and rolls statuses up. All state lives in the store, so a restarted scheduler carries on where it stopped.
/// </summary>
internal sealed class CoordinatorService(CoordinatorStore store, TimeProvider time, FileSystems fileSystems)
{
    /// <summary>How far ahead of now actions are created (Oozie's materialization look-ahead).</summary>
    public static readonly TimeSpan LookAhead = TimeSpan.FromHours(1);

    private static readonly HashSet<string> Active =
        ["RUNNING", "RUNNINGWITHERROR", "PREP", "PREPPAUSED", "PAUSED", "PAUSEDWITHERROR"];

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets a check each action's workflow application path must pass before it runs; it throws an
    /// <see cref="OozieException"/>, which fails the action with that code. A server confines paths with it.
    /// </summary>
    public Action<string>? WorkflowPathCheck { get; init; }

    /// <summary>Waits for the workflows this process started; tests use it in place of wall-clock waiting.</summary>
    public Task WhenWorkflowsDoneAsync() => Task.WhenAll(_running.Values);

    /// <summary>Submits a prepared coordinator; returns its id.</summary>
    public string Submit(PreparedCoordinator prepared)
    {
        var d = prepared.Definition;
        var id = store.NextId(d.User);
        store.Insert(new CoordJobRecord(id, d.Name, "PREP", prepared.Text, prepared.File.ToString(), d.Configuration,
            d.User, time.GetUtcNow(), null, null, null, 0, null, false));
        return id;
    }

    /// <summary>Rebuilds a stored job's definition, with -change overrides applied.</summary>
    public CoordinatorDefinition Definition(CoordJobRecord job)
    {
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(job.Definition, job.File, errors);
        var d = app is null ? null : CoordinatorLoader.Resolve(app, job.Configuration, job.User, time, errors);
        if (d is null)
        {
            throw new WorkflowValidationException(errors);
        }

        return d with
        {
            End = job.EndOverride ?? d.End,
            Concurrency = job.ConcurrencyOverride is { } c ? (c < 0 ? int.MaxValue : c) : d.Concurrency,
        };
    }

    /// <summary>Runs one scheduling pass over every active coordinator.</summary>
    public async Task TickAsync(CancellationToken cancellationToken = default)
    {
        foreach (var job in store.ListJobs().Where(j => Active.Contains(j.Status)))
        {
            var d = Definition(job);
            var materializer = new Materializer(d, time);
            Materialize(job, materializer);
            var actions = store.Actions(job.Id);
            await CheckWaitingAsync(d, materializer, actions, cancellationToken);
            actions = store.Actions(job.Id);
            await StartReadyAsync(job, d, materializer, actions, cancellationToken);
            Reap(store.Actions(job.Id));
            RollUp(store.GetJob(job.Id)!, store.Actions(job.Id));
        }
    }

    private void Materialize(CoordJobRecord job, Materializer materializer)
    {
        var now = time.GetUtcNow();
        if (job.Status is "PREP" or "PREPPAUSED")
        {
            var paused = job.Pause is { } p && p <= now;
            if (!store.TrySetJobStatus(job.Id, job.Status, paused ? "PREPPAUSED" : "RUNNING") || paused)
            {
                return;
            }
        }

        var waiting = store.Actions(job.Id).Count(a => a.Status == CoordActionStatus.WAITING);
        var (last, lastNominal) = (job.LastActionNumber, job.LastNominal);
        while (!job.Materialized && waiting < materializer.Definition.Throttle)
        {
            var next = materializer.NextNominalTime(last, lastNominal);
            if (next is null)
            {
                store.SetJob(job.Id, "materialized", 1);
                return;
            }

            if ((job.Pause is { } pause && next >= pause) || next > now + LookAhead)
            {
                return;
            }

            last++;
            lastNominal = next;
            if (store.AddAction(materializer.Materialize(last, next.Value, now), job.Id, now))
            {
                waiting++;
            }
        }
    }

    private async Task CheckWaitingAsync(CoordinatorDefinition d, Materializer materializer,
        IReadOnlyList<CoordActionRecord> actions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var action in actions.Where(a => a.Status is CoordActionStatus.WAITING or CoordActionStatus.READY))
        {
            var next = materializer.NextNominalTime(action.Number, action.NominalTime);
            var skip = d.Execution switch
            {
                ExecutionOrder.LAST_ONLY => next is { } n && n <= now,
                ExecutionOrder.NONE => now > action.NominalTime.AddMinutes(1),
                _ => false,
            };
            if (skip)
            {
                store.SetAction(action.JobId, action.Number, CoordActionStatus.SKIPPED);
                continue;
            }

            if (action.Status == CoordActionStatus.READY)
            {
                continue;
            }

            var inputs = await new InputChecker(d, materializer, fileSystems)
                .CheckAsync(action, now, cancellationToken);
            if (inputs is not null)
            {
                store.SetAction(action.JobId, action.Number, CoordActionStatus.READY, resolvedIn: inputs);
                continue;
            }

            // The timeout runs from the later of nominal and creation time and only applies to WAITING actions.
            var from = action.NominalTime > action.Created ? action.NominalTime : action.Created;
            if (now >= from.AddMinutes(d.TimeoutMinutes) && now >= action.NominalTime)
            {
                store.SetAction(action.JobId, action.Number, CoordActionStatus.TIMEDOUT);
            }
        }
    }

    private async Task StartReadyAsync(CoordJobRecord job, CoordinatorDefinition d, Materializer materializer,
        IReadOnlyList<CoordActionRecord> actions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var running = actions.Count(a => a.Status is CoordActionStatus.SUBMITTED or CoordActionStatus.RUNNING);
        var ready = actions.Where(a => a.Status == CoordActionStatus.READY && a.NominalTime <= now);
        ready = d.Execution == ExecutionOrder.LIFO
            ? ready.OrderByDescending(a => a.Number)
            : ready.OrderBy(a => a.Number);
        foreach (var action in ready)
        {
            if (running >= d.Concurrency)
            {
                break;
            }

            running++;
            store.SetAction(job.Id, action.Number, CoordActionStatus.SUBMITTED);
            try
            {
                var prepared = await PrepareWorkflowAsync(job, d, materializer, action, now, cancellationToken);
                var engine = new WorkflowEngine(store.Jobs, time, new EngineOptions { FileSystems = fileSystems });
                if (action.RerunFailed && action.WorkflowId is { } previous)
                {
                    // -rerun -failed: the same workflow job again, skipping the nodes that ended OK.
                    store.SetAction(job.Id, action.Number, CoordActionStatus.RUNNING, previous);
                    Run(previous, () => engine.RerunAsync(previous, prepared));
                    continue;
                }

                var wfId = engine.Submit(prepared);
                store.SetAction(job.Id, action.Number, CoordActionStatus.RUNNING, wfId);
                Run(wfId, () => engine.RunAsync(wfId));
            }
            catch (OozieException e)
            {
                store.SetAction(job.Id, action.Number, CoordActionStatus.FAILED, error: (e.ErrorCode, e.Message));
                store.Jobs.AppendLog(job.Id, $"{action.Id} FAILED [{e.ErrorCode}] {e.Message}");
            }
        }
    }

    private async Task<PreparedWorkflow> PrepareWorkflowAsync(CoordJobRecord job, CoordinatorDefinition d,
        Materializer m, CoordActionRecord action, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var el = m.NewContext(CoordElPhase.ActionStart, action.Number, action.NominalTime, now);
        el.ActionId = action.Id;
        el.DataIn = action.ResolvedIn ?? new Dictionary<string, IReadOnlyList<string>>();
        el.DataOut = action.DataOut.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

        // The workflow sees the coordinator's configuration with the action's own configuration on top.
        var conf = d.Configuration.Where(kv => kv.Key != CoordinatorLoader.AppPathProperty)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (key, value) in d.App.Workflow.Configuration)
        {
            conf[key] = Eval(value);
        }

        conf[WorkflowLoader.AppPathProperty] = Eval(d.App.Workflow.AppPath);
        WorkflowPathCheck?.Invoke(conf[WorkflowLoader.AppPathProperty]);
        conf["oozie.coord.action.id"] = action.Id;
        conf["oozie.coord.action.nominal_time"] = OozieTime.Format(action.NominalTime);
        if (action.RerunFailed)
        {
            conf["oozie.wf.rerun.failnodes"] = "true";
        }

        return await WorkflowLoader.PrepareAsync(conf, new Dictionary<string, string>(), job.User,
            action.Id, fileSystems, cancellationToken);

        string Eval(string text)
        {
            try
            {
                return ElEvaluator.EvaluateText(text, el);
            }
            catch (ElException e)
            {
                throw new OozieException("E1004", $"{action.Id}: [{text}] could not be evaluated: {e.Message}");
            }
        }
    }

    private void Run(string workflowId, Func<Task<JobStatus>> run)
    {
        _running[workflowId] = Task.Run(async () =>
        {
            try
            {
                await run();
            }
            catch (OozieException e)
            {
                store.Jobs.AppendLog(workflowId, $"[{e.ErrorCode}] {e.Message}");
                store.Jobs.SetJobStatus(workflowId, JobStatus.FAILED);
            }
        });
    }

    private void Reap(IReadOnlyList<CoordActionRecord> actions)
    {
        foreach (var action in actions.Where(a => a.Status == CoordActionStatus.RUNNING && a.WorkflowId is not null))
        {
            var wf = store.Jobs.GetJob(action.WorkflowId!);
            var status = wf?.Status switch
            {
                JobStatus.SUCCEEDED => CoordActionStatus.SUCCEEDED,
                JobStatus.KILLED => CoordActionStatus.KILLED,
                JobStatus.FAILED or null => CoordActionStatus.FAILED,
                _ => CoordActionStatus.RUNNING,
            };
            if (status != CoordActionStatus.RUNNING)
            {
                // A failed or killed action carries the error of the workflow node that ended it, as in Oozie.
                var failed = status == CoordActionStatus.SUCCEEDED ? null
                    : store.Jobs.GetActions(action.WorkflowId!).LastOrDefault(a => a.ErrorCode is not null);
                store.SetAction(action.JobId, action.Number, status,
                    error: failed is null ? null : (failed.ErrorCode!, failed.ErrorMessage ?? string.Empty));
            }
            else if (!_running.ContainsKey(action.WorkflowId!))
            {
                // A workflow left unfinished by a scheduler that died: started here if it never ran, else resumed
                // here unless another live process already runs it.
                var id = action.WorkflowId!;
                var engine = new WorkflowEngine(store.Jobs, time, new EngineOptions { FileSystems = fileSystems });
                if (wf!.Status == JobStatus.PREP)
                {
                    Run(id, () => engine.RunAsync(id));
                }
                else if (engine.TryClaimInterrupted(id))
                {
                    Run(id, () => engine.ResumeInterruptedAsync(id));
                }
            }
        }
    }

    private void RollUp(CoordJobRecord job, IReadOnlyList<CoordActionRecord> actions)
    {
        // A kill or suspend may have landed during this pass; the roll-up never undoes it.
        if (!Active.Contains(job.Status))
        {
            return;
        }

        var statuses = actions.Select(a => a.Status).ToList();
        var bad = statuses.Any(s => s is CoordActionStatus.FAILED or CoordActionStatus.KILLED
            or CoordActionStatus.TIMEDOUT);
        var done = job.Materialized && statuses.All(s => s is CoordActionStatus.SUCCEEDED or CoordActionStatus.FAILED
            or CoordActionStatus.KILLED or CoordActionStatus.TIMEDOUT or CoordActionStatus.SKIPPED
            or CoordActionStatus.IGNORED);
        var status = done ? Final(statuses) : bad ? "RUNNINGWITHERROR" : "RUNNING";
        if (!done && job.Pause is { } pause && pause <= time.GetUtcNow())
        {
            status = status.Replace("RUNNING", "PAUSED", StringComparison.Ordinal);
        }

        if (status != job.Status)
        {
            store.TrySetJobStatus(job.Id, job.Status, status);
        }
    }

    /// <summary>Oozie's end-of-job rule: all alike gives that status, any mix DONEWITHERROR.</summary>
    public static string Final(IReadOnlyCollection<CoordActionStatus> statuses)
    {
        var distinct = statuses.Where(s => s != CoordActionStatus.SKIPPED).Distinct().ToList();
        return distinct.Count switch
        {
            0 => "SUCCEEDED",
            1 when distinct[0] is CoordActionStatus.SUCCEEDED or CoordActionStatus.FAILED or CoordActionStatus.KILLED
                => distinct[0].ToString(),
            _ => "DONEWITHERROR",
        };
    }
}
