using System.Net.Mail;
using System.Text;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// Reports how a job and its actions fare against their <c>sla:info</c>: while the job runs, each miss
/// (a start or end deadline passed, max-duration exceeded) is mailed as soon as it is seen; when the job
/// ends, every SLA's events are written to the job log and the misses not yet mailed are mailed. Only the
/// events named in alert-events go to alert-contact, each once (the store records what was sent, so
/// several processes never mail the same miss twice). A failure to mail is logged and never changes the
/// job's outcome.
/// </summary>
internal sealed class SlaAlerts(JobStore store, TimeProvider time, Action<string> log)
{
    private static readonly string[] Misses = ["START_MISS", "END_MISS", "DURATION_MISS"];

    /// <summary>Mails the misses a running job has reached so far; quiet when there are none.</summary>
    public Task CheckRunningAsync(string jobId) => ReportAsync(jobId, ended: false);

    /// <summary>Logs every SLA of a job that ended and mails the misses not mailed yet.</summary>
    public Task ReportEndedAsync(string jobId) => ReportAsync(jobId, ended: true);

    private async Task ReportAsync(string jobId, bool ended)
    {
        var job = store.GetJob(jobId);
        if (job is null || !SlaCalculator.HasSla(job))
        {
            return;
        }

        var problems = new List<string>();
        var summaries = SlaCalculator.ForJob(job, store.GetActions(jobId), time.GetUtcNow(), problems);
        if (ended)
        {
            problems.ForEach(log);
        }

        foreach (var sla in summaries)
        {
            if (ended)
            {
                log($"SLA {sla.SlaStatus} for {sla.Id}: {string.Join(",", sla.EventStatus)} (expected end " +
                    $"{OozieTime.Format(sla.ExpectedEnd)}, actual {(sla.ActualEnd is { } e ? OozieTime.Format(e) : "-")})");
            }

            if (sla.AlertContacts.Count == 0)
            {
                continue;
            }

            var alerts = sla.EventStatus
                .Where(e => Misses.Contains(e) && sla.AlertEvents.Contains(e))
                .Where(e => store.TryRecordSlaAlert(sla.Id, e))
                .ToList();
            if (alerts.Count > 0)
            {
                await MailAsync(job, sla, alerts);
            }
        }
    }

    private async Task MailAsync(WorkflowJobRecord job, SlaSummary sla, IReadOnlyList<string> alerts)
    {
        var smtp = SmtpSettings.Read(job.Configuration, out var error);
        if (smtp is null)
        {
            log($"SLA alert for {sla.Id} not sent: {error}");
            return;
        }

        var body = new StringBuilder()
            .AppendLine($"Status: {string.Join(", ", alerts)}")
            .AppendLine($"Id: {sla.Id}")
            .AppendLine($"Application: {sla.AppName} ({sla.AppType})")
            .AppendLine($"User: {sla.User}")
            .AppendLine($"Job status: {sla.JobStatus}")
            .AppendLine($"Nominal time: {OozieTime.Format(sla.NominalTime)}")
            .AppendLine($"Expected start: {Show(sla.ExpectedStart)}, actual start: {Show(sla.ActualStart)}")
            .AppendLine($"Expected end: {Show(sla.ExpectedEnd)}, actual end: {Show(sla.ActualEnd)}")
            .AppendLine($"Expected duration (ms): {sla.ExpectedDuration}, actual duration (ms): {sla.ActualDuration}");
        if (sla.NotificationMessage is { } note)
        {
            body.AppendLine($"Notification: {note}");
        }

        if (sla.UpstreamApps is { } upstream)
        {
            body.AppendLine($"Upstream applications: {upstream}");
        }

        try
        {
            using var message = new MailMessage
            {
                Subject = $"OOZIE - SLA {string.Join(", ", alerts)} (AppName={sla.AppName}, JobID={sla.Id})",
                Body = body.ToString(),
            };
            foreach (var contact in sla.AlertContacts)
            {
                message.To.Add(contact);
            }

            await smtp.SendAsync(message, CancellationToken.None);
            log($"SLA {string.Join(",", alerts)} alert for {sla.Id} mailed to {string.Join(",", sla.AlertContacts)}");
        }
        catch (Exception e) when (e is SmtpException or FormatException or InvalidOperationException)
        {
            log($"SLA alert for {sla.Id} not sent through {smtp.Host}:{smtp.Port}: {e.Message}");
        }
    }

    private static string Show(DateTimeOffset? time) => time is { } t ? OozieTime.Format(t) : "-";
}
