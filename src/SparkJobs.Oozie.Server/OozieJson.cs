using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>Writes jobs and actions with the field names and date format of Oozie's JSON beans.</summary>
internal static partial class OozieJson
{
    private const string DatePattern = "ddd, dd MMM yyyy HH:mm:ss";

    /// <summary>Formats a time as <c>EEE, dd MMM yyyy HH:mm:ss zzz</c>, or null when unset.</summary>
    public static string? Date(DateTimeOffset? time, TimeZoneInfo zone)
    {
        if (time is not { } t)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(t, zone);
        var name = zone == TimeZoneInfo.Utc ? "GMT" : GmtOffset(local.Offset);
        return local.ToString(DatePattern, CultureInfo.InvariantCulture) + " " + name;
    }

    // Java's zzz prints abbreviations .NET does not know; GMT+hh:mm is what Java's parser also accepts.
    private static string GmtOffset(TimeSpan offset) =>
        offset == TimeSpan.Zero
            ? "GMT"
            : string.Create(CultureInfo.InvariantCulture,
                $"GMT{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}:{Math.Abs(offset.Minutes):00}");

    /// <summary>Finds a <c>timezone=</c> zone; GMT when none is given.</summary>
    public static TimeZoneInfo Zone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id is "GMT" or "UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new OozieException("E0302", $"Invalid parameter [timezone={id}]; pass an id such as GMT or "
                + "America/Los_Angeles.");
        }
    }

    /// <summary>Writes a configuration as Hadoop XML, the form Oozie puts in <c>conf</c>.</summary>
    public static string ConfigurationXml(IReadOnlyDictionary<string, string> conf) =>
        new XElement("configuration", conf.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            new XElement("property", new XElement("name", p.Key), new XElement("value", p.Value)))).ToString();

    /// <summary>Builds a workflow job as <c>WorkflowJobBean.toJSONObject</c> names it.</summary>
    public static JsonObject Job(WorkflowJobRecord job, IReadOnlyList<WorkflowActionRecord>? actions,
        TimeZoneInfo zone, string consoleBase) => new()
    {
        ["appPath"] = job.AppPath,
        ["appName"] = job.AppName,
        ["id"] = job.Id,
        ["externalId"] = null,
        ["parentId"] = job.Configuration.GetValueOrDefault("oozie.coord.action.id"),
        ["conf"] = ConfigurationXml(job.Configuration),
        ["status"] = job.Status.ToString(),
        ["lastModTime"] = Date(job.LastModified, zone),
        ["createdTime"] = Date(job.Created, zone),
        ["startTime"] = Date(job.Started, zone),
        ["endTime"] = Date(job.Ended, zone),
        ["user"] = job.User,
        ["group"] = job.Group,
        ["acl"] = null,
        ["run"] = job.Run,
        ["consoleUrl"] = consoleBase + job.Id,
        ["actions"] = new JsonArray((actions ?? []).Select(a => (JsonNode)Action(a, zone)).ToArray()),
        ["toString"] = $"Workflow id[{job.Id}] status[{job.Status}]",
    };

    private static JsonObject Action(WorkflowActionRecord a, TimeZoneInfo zone) => new()
    {
        ["id"] = a.Id,
        ["name"] = a.Name,
        ["cred"] = "null",
        ["type"] = a.Type,
        ["conf"] = null,
        ["status"] = a.Status.ToString(),
        ["retries"] = a.Retries,
        ["startTime"] = Date(a.StartTime, zone),
        ["endTime"] = Date(a.EndTime, zone),
        ["transition"] = a.Transition,
        ["data"] = a.Data.Count == 0
            ? null
            : string.Join('\n', a.Data.Select(p => $"{p.Key}={p.Value}")),
        ["stats"] = null,
        ["externalChildIDs"] = null,
        ["externalId"] = a.ExternalId,
        ["externalStatus"] = a.ExternalStatus,
        ["trackerUri"] = null,
        ["consoleUrl"] = null,
        ["errorCode"] = a.ErrorCode,
        ["errorMessage"] = a.ErrorMessage,
        ["toString"] = $"Action name[{a.Name}] status[{a.Status}]",
        ["userRetryInterval"] = 10,
        ["userRetryCount"] = a.Retries,
        ["userRetryMax"] = 0,
    };
}
