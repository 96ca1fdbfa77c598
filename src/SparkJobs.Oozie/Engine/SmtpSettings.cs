using System.Globalization;
using System.Net.Mail;

namespace SparkJobs.Oozie.Engine;

/// <summary>The SMTP server that Oozie's email settings name: host, port and sender.</summary>
/// <param name="Host">oozie.email.smtp.host, localhost by default.</param>
/// <param name="Port">oozie.email.smtp.port, 25 by default.</param>
/// <param name="From">oozie.email.from.address, oozie@localhost by default.</param>
internal sealed record SmtpSettings(string Host, int Port, string From)
{
    /// <summary>Reads the settings from a job configuration.</summary>
    /// <param name="conf">The configuration.</param>
    /// <param name="error">Why the settings are unusable, when they are.</param>
    /// <returns>The settings, or null with the reason in error.</returns>
    public static SmtpSettings? Read(IReadOnlyDictionary<string, string> conf, out string? error)
    {
        var portText = conf.GetValueOrDefault("oozie.email.smtp.port", "25");
        if (!int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > 65535)
        {
            error = $"oozie.email.smtp.port '{portText}' is not a port number; set it to for example 25 or 587.";
            return null;
        }

        error = null;
        return new SmtpSettings(
            conf.GetValueOrDefault("oozie.email.smtp.host", "localhost"), port,
            conf.GetValueOrDefault("oozie.email.from.address", "oozie@localhost"));
    }

    /// <summary>Sends a message from the configured sender.</summary>
    /// <param name="message">The message; its From is set here.</param>
    /// <param name="cancellationToken">Stops the send.</param>
    /// <returns>A task that completes when the server accepted the message.</returns>
    /// <exception cref="SmtpException">The server refused or could not be reached.</exception>
    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.From = new MailAddress(From);
        using var client = new SmtpClient(Host, Port);
        await client.SendMailAsync(message, cancellationToken);
    }
}
