using System.Globalization;
using System.Text.RegularExpressions;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// Oozie's SLA filter, <c>key=value;key=value</c>: different keys must all match, and a comma list in
/// app_type, sla_status, event_status or job_status matches any of its values.
/// </summary>
public sealed class SlaQuery
{
    private static readonly string[] Keys =
    [
        "id", "parent_id", "app_name", "app_type", "user_name", "sla_status", "event_status", "job_status",
        "nominal_after", "nominal_before", "nominal_start", "nominal_end",
    ];

    private static readonly string[] SlaStatuses = ["NOT_STARTED", "IN_PROCESS", "MET", "MISS"];

    private static readonly string[] EventStatuses =
        ["START_MET", "START_MISS", "END_MET", "END_MISS", "DURATION_MET", "DURATION_MISS"];

    private readonly Dictionary<string, string> _conditions;

    private SlaQuery(Dictionary<string, string> conditions) => _conditions = conditions;

    /// <summary>Parses a filter.</summary>
    /// <param name="filter">The filter text; empty matches everything.</param>
    /// <returns>The query.</returns>
    /// <exception cref="OozieException">E0420 naming the bad element.</exception>
    public static SlaQuery Parse(string? filter)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (filter ?? string.Empty).Split(';',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? pair[..eq].Trim() : pair;
            if (eq <= 0 || !Keys.Contains(key))
            {
                throw new OozieException("E0420",
                    $"Invalid SLA filter [{filter}]: [{pair}] is not key=value with a key among {string.Join(", ", Keys)}.");
            }

            var value = pair[(eq + 1)..].Trim();
            if (key.StartsWith("nominal_", StringComparison.Ordinal) && !OozieTime.TryParse(value, out _))
            {
                throw new OozieException("E0420",
                    $"Invalid SLA filter [{filter}]: {key} must be an Oozie datetime such as 2026-01-01T06:00Z.");
            }

            var allowed = key switch
            {
                "sla_status" => SlaStatuses,
                "event_status" => EventStatuses,
                _ => null,
            };
            if (allowed is not null && AnyOf(value).FirstOrDefault(v => !allowed.Contains(v)) is { } unknown)
            {
                throw new OozieException("E0420",
                    $"Invalid SLA filter [{filter}]: {key} '{unknown}' is not one of {string.Join(", ", allowed)}.");
            }

            // nominal_start and nominal_end are the older names of nominal_after and nominal_before.
            conditions[key switch { "nominal_start" => "nominal_after", "nominal_end" => "nominal_before", _ => key }] =
                value;
        }

        return new SlaQuery(conditions);
    }

    /// <summary>Finds the summaries of stored jobs and actions that match, ordered by nominal time.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The matching summaries.</returns>
    public IReadOnlyList<SlaSummary> Find(JobStore store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        IEnumerable<WorkflowJobRecord> jobs;
        var jobId = _conditions.GetValueOrDefault("id")?.Split('@')[0] ?? _conditions.GetValueOrDefault("parent_id");
        if (jobId is not null && jobId.EndsWith("-W", StringComparison.Ordinal))
        {
            jobs = store.GetJob(jobId) is { } job ? [job] : [];
        }
        else
        {
            jobs = store.ListJobs(int.MaxValue, [], []);
        }

        return [.. jobs
            .SelectMany(j => SlaCalculator.ForJob(j, store.GetActions(j.Id), now))
            .Where(Matches)
            .OrderBy(s => s.NominalTime)
            .ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Tells whether a summary meets every condition.</summary>
    /// <param name="sla">The summary.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(SlaSummary sla)
    {
        ArgumentNullException.ThrowIfNull(sla);
        foreach (var (key, value) in _conditions)
        {
            var ok = key switch
            {
                "id" => sla.Id == value,
                "parent_id" => sla.ParentId == value,
                "app_name" => Like(sla.AppName, value),
                "user_name" => Like(sla.User, value),
                "app_type" => AnyOf(value).Any(v => Like(sla.AppType, v)),
                "job_status" => AnyOf(value).Any(v => Like(sla.JobStatus, v)),
                "sla_status" => AnyOf(value).Contains(sla.SlaStatus),
                "event_status" => AnyOf(value).Any(sla.EventStatus.Contains),
                "nominal_after" => OozieTime.TryParse(value, out var after) && sla.NominalTime >= after,
                "nominal_before" => OozieTime.TryParse(value, out var before) && sla.NominalTime <= before,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string[] AnyOf(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v.ToUpperInvariant())];

    // SQL LIKE as Oozie applies it to names: % is any run of characters, _ is one character.
    private static bool Like(string text, string pattern)
    {
        var regex = "^" + string.Concat(pattern.Select(c => c switch
        {
            '%' => ".*",
            '_' => ".",
            _ => Regex.Escape(c.ToString(CultureInfo.InvariantCulture)),
        })) + "$";
        return Regex.IsMatch(text, regex,
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
    }
}
