using System.Net.Mail;
using System.Text;
using SparkJobs.Oozie.Coordinator;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// When a job ends, writes how it and its actions fared against their <c>sla:info</c> to the job log, and
/// mails the misses named in alert-events to alert-contact through the job's SMTP settings. A failure to
/// mail is logged and never changes the job's outcome.
/// </summary>
internal sealed class SlaAlerts(JobStore store, TimeProvider time, Action<string> log)
{
    public async Task ReportAsync(string jobId)
    {
        var job = store.GetJob(jobId);
        if (job is null)
        {
            return;
        }

        var problems = new List<string>();
        var summaries = SlaCalculator.ForJob(job, store.GetActions(jobId), time.GetUtcNow(), problems);
        problems.ForEach(log);
        foreach (var sla in summaries)
        {
            log($"SLA {sla.SlaStatus} for {sla.Id}: {string.Join(",", sla.EventStatus)} (expected end " +
                $"{OozieTime.Format(sla.ExpectedEnd)}, actual {(sla.ActualEnd is { } e ? OozieTime.Format(e) : "-")})");
            var alerts = sla.EventStatus.Where(sla.AlertEvents.Contains).ToList();
            if (alerts.Count == 0 || sla.AlertContacts.Count == 0)
            {
                continue;
            }

            await MailAsync(job, sla, alerts);
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
            log($"SLA alert for {sla.Id} mailed to {string.Join(",", sla.AlertContacts)}");
        }
        catch (Exception e) when (e is SmtpException or FormatException or InvalidOperationException)
        {
            log($"SLA alert for {sla.Id} not sent through {smtp.Host}:{smtp.Port}: {e.Message}");
        }
    }

    private static string Show(DateTimeOffset? time) => time is { } t ? OozieTime.Format(t) : "-";
}
