using System.Net.Mail;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Engine;

/// <summary>Sends email actions through the SMTP server that Oozie's email settings name.</summary>
internal sealed class EmailExecutor : IActionExecutor
{
    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        var email = (EmailAction)context.Node.Body;
        var to = Addresses(context.Evaluate(email.To));
        var cc = Addresses(email.Cc is null ? string.Empty : context.Evaluate(email.Cc));
        var bcc = Addresses(email.Bcc is null ? string.Empty : context.Evaluate(email.Bcc));
        var subject = context.Evaluate(email.Subject);
        var body = context.Evaluate(email.Body);
        var contentType = email.ContentType is null ? "text/plain" : context.Evaluate(email.ContentType).Trim();
        var smtp = SmtpSettings.Read(context.Configuration, out var settingsError);
        if (smtp is null)
        {
            return ActionOutcome.Failed("EM001", settingsError!);
        }

        if (to.Count == 0)
        {
            return ActionOutcome.Failed("EM001", $"Node '{context.Node.Name}': <to> names no address; " +
                "give one or more comma-separated addresses.");
        }

        try
        {
            using var message = new MailMessage { Subject = subject, Body = body };
            message.IsBodyHtml = contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
            to.ForEach(message.To.Add);
            cc.ForEach(message.CC.Add);
            bcc.ForEach(message.Bcc.Add);
            await smtp.SendAsync(message, cancellationToken);
        }
        catch (FormatException e)
        {
            return ActionOutcome.Failed("EM002", $"Node '{context.Node.Name}': an address is not valid: {e.Message}");
        }
        catch (SmtpException e)
        {
            return ActionOutcome.Failed("EM004",
                $"Node '{context.Node.Name}': sending through SMTP {smtp.Host}:{smtp.Port} failed: {e.Message}. Check " +
                "oozie.email.smtp.host and oozie.email.smtp.port (default localhost:25).");
        }

        await File.AppendAllTextAsync(context.LogPath,
            $"Sent '{subject}' to {string.Join(",", to)} through {smtp.Host}:{smtp.Port}\n", cancellationToken);
        return ActionOutcome.Succeeded();
    }

    private static List<string> Addresses(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
