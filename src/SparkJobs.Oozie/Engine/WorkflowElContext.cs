using System.Collections.Concurrent;
using SparkJobs.Oozie.El;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>The EL view of a running job: its properties as variables and the wf: functions.</summary>
internal sealed class WorkflowElContext : IElContext
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ElFunction> _functions;

    public WorkflowElContext(
        WorkflowJobRecord job,
        ConcurrentDictionary<string, WorkflowActionRecord> actions,
        Func<string?> lastErrorNode,
        TimeProvider time)
    {
        foreach (var (k, v) in ElFunctions.Constants)
        {
            _variables[k] = v;
        }

        // Only Java-identifier names become EL variables; dotted names need wf:conf('a.b').
        foreach (var (k, v) in job.Configuration)
        {
            if (k.Length > 0 && (char.IsLetter(k[0]) || k[0] is '_' or '$')
                && k.All(c => char.IsLetterOrDigit(c) || c is '_' or '$'))
            {
                _variables[k] = v.Trim();
            }
        }

        WorkflowActionRecord? Action(IReadOnlyList<object?> a, string name) =>
            actions.TryGetValue(ElFunctions.Text(a, 0, 1, name), out var r) ? r : null;

        _functions = ElFunctions.Basic(time);
        _functions["wf:id"] = a => ElFunctions.Arity(a, 0, "wf:id") is not null ? job.Id : null;
        _functions["wf:name"] = a => ElFunctions.Arity(a, 0, "wf:name") is not null ? job.AppName : null;
        _functions["wf:appPath"] = a => ElFunctions.Arity(a, 0, "wf:appPath") is not null ? job.AppPath : null;
        _functions["wf:user"] = a => ElFunctions.Arity(a, 0, "wf:user") is not null ? job.User : null;
        _functions["wf:group"] = a => ElFunctions.Arity(a, 0, "wf:group") is not null ? job.Group : null;
        _functions["wf:run"] = a => ElFunctions.Arity(a, 0, "wf:run") is not null ? (long)job.Run : null;
        _functions["wf:conf"] = a =>
            job.Configuration.TryGetValue(ElFunctions.Text(a, 0, 1, "wf:conf"), out var v) ? v : null;
        _functions["wf:lastErrorNode"] = a =>
            ElFunctions.Arity(a, 0, "wf:lastErrorNode") is not null ? lastErrorNode() : null;
        _functions["wf:errorCode"] = a => Action(a, "wf:errorCode")?.ErrorCode;
        _functions["wf:errorMessage"] = a => Action(a, "wf:errorMessage")?.ErrorMessage;
        _functions["wf:transition"] = a => Action(a, "wf:transition")?.Transition;
        _functions["wf:actionExternalId"] = a => Action(a, "wf:actionExternalId")?.ExternalId;
        _functions["wf:actionExternalStatus"] = a => Action(a, "wf:actionExternalStatus")?.ExternalStatus;
        _functions["wf:actionTrackerUri"] = a => Action(a, "wf:actionTrackerUri") is null ? null : "local";
        _functions["wf:actionData"] = a =>
            Action(a, "wf:actionData")?.Data ?? new Dictionary<string, string>();
    }

    public bool TryGetVariable(string name, out object? value) => _variables.TryGetValue(name, out value);

    public bool TryGetFunction(string name, out ElFunction? callable)
    {
        var found = _functions.TryGetValue(name, out var f);
        callable = f;
        return found;
    }
}
