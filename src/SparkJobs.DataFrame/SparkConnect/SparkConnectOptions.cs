using System.Globalization;
using System.Net;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>
/// A parsed Spark Connect connection string:
/// <c>sc://host[:port][/][;token=...][;user_id=...][;use_ssl=true|false][;session_id=uuid][;user_agent=...]</c>.
/// </summary>
/// <param name="Host">The server's host name or address.</param>
/// <param name="Port">The server's port; 15002 when omitted.</param>
/// <param name="Token">The bearer token, sent as <c>authorization: Bearer ...</c>.</param>
/// <param name="UserId">The user id every request carries.</param>
/// <param name="UseSsl">Whether to connect with TLS.</param>
/// <param name="SessionId">The session id, a UUID; a new one when omitted.</param>
/// <param name="UserAgent">Added to the client type the server logs.</param>
public sealed record SparkConnectOptions(
    string Host, int Port, string? Token, string UserId, bool UseSsl, string SessionId, string? UserAgent)
{
    /// <summary>Gets Spark Connect's default port.</summary>
    public const int DefaultPort = 15002;

    private static readonly string[] Keys = ["token", "user_id", "use_ssl", "session_id", "user_agent"];

    /// <summary>Gets the address the channel connects to.</summary>
    public Uri Address =>
        new($"{(UseSsl ? "https" : "http")}://{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Gets a value indicating whether the host is this machine (a loopback name or address).</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary>Parses a connection string; errors name the part that is wrong and how to write it.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <returns>The options.</returns>
    /// <remarks>A token is refused over plain text unless the host is a loopback address.</remarks>
    public static SparkConnectOptions Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        const string scheme = "sc://";
        if (!connectionString.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw Error(connectionString, "it must start with sc://, as in sc://host:15002/;user_id=me");
        }

        var rest = connectionString[scheme.Length..];
        var semicolon = rest.IndexOf(';', StringComparison.Ordinal);
        var authorityAndPath = semicolon < 0 ? rest : rest[..semicolon];
        var parameters = semicolon < 0 ? string.Empty : rest[(semicolon + 1)..];
        var slash = authorityAndPath.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? authorityAndPath : authorityAndPath[..slash];
        if (slash >= 0 && authorityAndPath.Length > slash + 1)
        {
            throw Error(connectionString,
                $"the path '{authorityAndPath[slash..]}' must be empty; put parameters after '/;'");
        }

        var (host, port) = ParseAuthority(connectionString, authority);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(connectionString, $"parameter '{part}' must be written key=value");
            }

            var key = part[..equals];
            if (!Keys.Contains(key))
            {
                throw Error(connectionString,
                    $"parameter '{key}' is unknown; the parameters are {string.Join(", ", Keys)} (case-sensitive)");
            }

            if (!values.TryAdd(key, Uri.UnescapeDataString(part[(equals + 1)..])))
            {
                throw Error(connectionString, $"parameter '{key}' is given twice");
            }
        }

        var useSsl = values.GetValueOrDefault("use_ssl", "false") switch
        {
            "true" => true,
            "false" => false,
            var other => throw Error(connectionString, $"use_ssl='{other}' must be true or false"),
        };
        var sessionId = values.GetValueOrDefault("session_id") ?? Guid.NewGuid().ToString();
        if (!Guid.TryParseExact(sessionId, "D", out _))
        {
            throw Error(connectionString,
                $"session_id='{sessionId}' must be a UUID such as 00112233-4455-6677-8899-aabbccddeeff");
        }

        var options = new SparkConnectOptions(
            host,
            port,
            values.GetValueOrDefault("token"),
            values.GetValueOrDefault("user_id") ?? Environment.UserName,
            useSsl,
            sessionId.ToLowerInvariant(),
            values.GetValueOrDefault("user_agent"));
        if (options.Token is not null && !options.UseSsl && !options.IsLoopback)
        {
            throw Error(connectionString,
                $"a token would travel in plain text to '{host}'; add ;use_ssl=true (a TLS proxy in front of the "
                + "server) or connect to a loopback address");
        }

        return options;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"sc://{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}/;user_id={UserId};session_id={SessionId}"
        + (UseSsl ? ";use_ssl=true" : string.Empty) + (Token is null ? string.Empty : ";token=***");

    private static (string Host, int Port) ParseAuthority(string connectionString, string authority)
    {
        string host;
        string? port = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error(connectionString, $"host '{authority}' opens '[' without closing it");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            port = after.StartsWith(':') ? after[1..] : after.Length == 0 ? null
                : throw Error(connectionString, $"'{after}' after the host must be :port");
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            port = colon < 0 ? null : authority[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw Error(connectionString, "the host is missing, as in sc://host:15002");
        }

        if (port is null)
        {
            return (host, DefaultPort);
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number is < 1 or > 65535)
        {
            throw Error(connectionString, $"port '{port}' must be a number from 1 to 65535");
        }

        return (host, number);
    }

    private static DataFrameException Error(string connectionString, string problem) =>
        new($"Spark Connect connection string '{Redact(connectionString)}' is not valid: {problem}.");

    private static string Redact(string connectionString)
    {
        var start = connectionString.IndexOf(";token=", StringComparison.Ordinal);
        if (start < 0)
        {
            return connectionString;
        }

        var end = connectionString.IndexOf(';', start + 1);
        return connectionString[..(start + 7)] + "***" + (end < 0 ? string.Empty : connectionString[end..]);
    }
}
