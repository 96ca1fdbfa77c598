using System.Text.Json.Nodes;
using SparkJobs.Oozie.Bundle;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>Coordinator jobs, their actions and bundle jobs, with the field names of Oozie's JSON beans.</summary>
internal static partial class OozieJson
{
    /// <summary>One coordinator job as <c>CoordinatorJobBean.toJSONObject</c> names its fields.</summary>
    /// <param name="job">The stored job.</param>
    /// <param name="d">Its definition, with -change overrides applied.</param>
    /// <param name="next">The nominal time of the next action to materialise, or null when there is none.</param>
    /// <param name="actions">The actions to include (a page), or null for a job list, which carries none.</param>
    /// <param name="total">How many actions the job has, or null when not counted.</param>
    /// <param name="zone">The zone dates are written in.</param>
    /// <param name="consoleBase">The console URL up to the job id.</param>
    /// <param name="name">The name to show, when a bundle names the coordinator itself.</param>
    public static JsonObject Coordinator(CoordJobRecord job, CoordinatorDefinition d, DateTimeOffset? next,
        IReadOnlyList<JsonNode>? actions, int? total, TimeZoneInfo zone, string consoleBase, string? name = null)
    {
        var json = new JsonObject
        {
            ["coordJobPath"] = job.Configuration.GetValueOrDefault(CoordinatorLoader.AppPathProperty) ?? job.File,
            ["coordJobName"] = name ?? job.Name,
            ["coordJobId"] = job.Id,
            ["coordExternalId"] = null,
            ["bundleId"] = job.Configuration.GetValueOrDefault("oozie.bundle.id"),
            ["conf"] = ConfigurationXml(job.Configuration),
            ["status"] = job.Status,
            ["executionPolicy"] = d.Execution.ToString(),
            ["execution"] = d.Execution.ToString(),
            ["frequency"] = d.Frequency.OozieValue,
            ["timeUnit"] = d.Frequency.OozieTimeUnit,
            ["timeZone"] = d.Zone.Id,
            ["concurrency"] = d.Concurrency == int.MaxValue ? -1 : d.Concurrency,
            ["timeOut"] = d.TimeoutMinutes,
            ["mat_throttling"] = d.Throttle,

            // Oozie's last action time is the end of the materialised window: the next nominal time, or the end.
            ["lastAction"] = Date(job.LastActionNumber == 0 ? null : next ?? d.End, zone),
            ["nextMaterializedTime"] = Date(next, zone),
            ["createdTime"] = Date(job.Created, zone),
            ["startTime"] = Date(d.Start, zone),
            ["endTime"] = Date(d.End, zone),
            ["pauseTime"] = Date(job.Pause, zone),
            ["user"] = job.User,
            ["group"] = job.Configuration.GetValueOrDefault("group.name"),
            ["acl"] = job.Configuration.GetValueOrDefault("oozie.job.acl"),
            ["consoleUrl"] = consoleBase + job.Id,
            ["actions"] = new JsonArray([.. actions ?? []]),
            ["toString"] = $"Coordinator application id[{job.Id}] status[{job.Status}]",
        };
        if (total is { } count)
        {
            json["total"] = count;
        }

        return json;
    }

    /// <summary>One coordinator action as <c>CoordinatorActionBean.toJSONObject</c> names its fields.</summary>
    /// <param name="a">The stored action.</param>
    /// <param name="createdConf">The configuration it was created with, as Hadoop XML.</param>
    /// <param name="workflow">The workflow job it started, or null before it starts one.</param>
    /// <param name="zone">The zone dates are written in.</param>
    /// <param name="consoleBase">The console URL up to the job id.</param>
    public static JsonObject CoordinatorAction(CoordActionRecord a, string createdConf, WorkflowJobRecord? workflow,
        TimeZoneInfo zone, string consoleBase) => new()
    {
        ["id"] = a.Id,
        ["coordJobId"] = a.JobId,
        ["type"] = null,
        ["actionNumber"] = a.Number,
        ["createdConf"] = createdConf,
        ["createdTime"] = Date(a.Created, zone),
        ["nominalTime"] = Date(a.NominalTime, zone),
        ["externalId"] = a.WorkflowId,
        ["status"] = a.Status.ToString(),
        ["runConf"] = workflow is null ? null : ConfigurationXml(workflow.Configuration),
        ["lastModifiedTime"] = Date(a.LastModified, zone),
        ["missingDependencies"] = null,
        ["pushMissingDependencies"] = null,
        ["externalStatus"] = workflow?.Status.ToString(),
        ["trackerUri"] = null,
        ["consoleUrl"] = a.WorkflowId is { } wf ? consoleBase + wf : null,
        ["errorCode"] = a.ErrorCode,
        ["errorMessage"] = a.ErrorMessage,
        ["toString"] = $"CoordinatorAction name[{a.Id}] status[{a.Status}]",
    };

    /// <summary>One bundle job as <c>BundleJobBean.toJSONObject</c> names its fields.</summary>
    /// <param name="b">The stored bundle.</param>
    /// <param name="coordinators">The coordinator jobs it started, as coordinator JSON.</param>
    /// <param name="zone">The zone dates are written in.</param>
    /// <param name="consoleBase">The console URL up to the job id.</param>
    public static JsonObject Bundle(BundleJobRecord b, IReadOnlyList<JsonNode> coordinators, TimeZoneInfo zone,
        string consoleBase) => new()
    {
        ["bundleJobPath"] = b.AppPath,
        ["bundleJobName"] = b.Name,
        ["bundleJobId"] = b.Id,
        ["bundleExternalId"] = null,
        ["conf"] = ConfigurationXml(b.Configuration),
        ["status"] = b.Status,
        ["timeUnit"] = "NONE",
        ["timeOut"] = 0,
        ["kickoffTime"] = Date(b.KickOff, zone),

        // A bundle starts at its kick-off; before it, it has no start time.
        ["startTime"] = Date(b.Status.StartsWith("PREP", StringComparison.Ordinal) ? null : b.KickOff, zone),
        ["endTime"] = Date(b.EndTime, zone),
        ["pauseTime"] = Date(b.PauseTime, zone),
        ["createdTime"] = Date(b.Created, zone),
        ["user"] = b.User,
        ["group"] = b.Configuration.GetValueOrDefault("group.name"),
        ["acl"] = b.Configuration.GetValueOrDefault("oozie.job.acl"),
        ["consoleUrl"] = consoleBase + b.Id,
        ["bundleCoordJobs"] = new JsonArray([.. coordinators]),
        ["toString"] = $"Bundle id[{b.Id}] status[{b.Status}]",
    };
}
