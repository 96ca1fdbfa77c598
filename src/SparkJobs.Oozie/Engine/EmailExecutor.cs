using System.Globalization;
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
        var conf = context.Configuration;
        var host = conf.GetValueOrDefault("oozie.email.smtp.host", "localhost");
        var portText = conf.GetValueOrDefault("oozie.email.smtp.port", "25");
        var from = conf.GetValueOrDefault("oozie.email.from.address", "oozie@localhost");
        if (!int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > 65535)
        {
            return ActionOutcome.Failed("EM001",
                $"oozie.email.smtp.port '{portText}' is not a port number; set it to for example 25 or 587.");
        }

        if (to.Count == 0)
        {
            return ActionOutcome.Failed("EM001", $"Node '{context.Node.Name}': <to> names no address; " +
                "give one or more comma-separated addresses.");
        }

        try
        {
            using var message = new MailMessage { From = new MailAddress(from), Subject = subject, Body = body };
            message.IsBodyHtml = contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
            to.ForEach(message.To.Add);
            cc.ForEach(message.CC.Add);
            bcc.ForEach(message.Bcc.Add);
            using var client = new SmtpClient(host, port);
            await client.SendMailAsync(message, cancellationToken);
        }
        catch (FormatException e)
        {
            return ActionOutcome.Failed("EM002", $"Node '{context.Node.Name}': an address is not valid: {e.Message}");
        }
        catch (SmtpException e)
        {
            return ActionOutcome.Failed("EM004",
                $"Node '{context.Node.Name}': sending through SMTP {host}:{port} failed: {e.Message}. Check " +
                "oozie.email.smtp.host and oozie.email.smtp.port (default localhost:25).");
        }

        await File.AppendAllTextAsync(context.LogPath,
            $"Sent '{subject}' to {string.Join(",", to)} through {host}:{port}\n", cancellationToken);
        return ActionOutcome.Succeeded();
    }

    private static List<string> Addresses(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
