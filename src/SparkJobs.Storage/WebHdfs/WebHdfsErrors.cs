using System.Net;
using System.Text.Json;

namespace SparkJobs.Storage.WebHdfs;

/// <summary>Turns WebHDFS's RemoteException answers and transport failures into messages a user can act on.</summary>
internal static class WebHdfsErrors
{
    private const int MaxBodyChars = 16 * 1024;

    public static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return body.Length > MaxBodyChars ? body[..MaxBodyChars] : body;
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>Reads the short exception class of a RemoteException body, or null for any other body.</summary>
    public static (string? Exception, string? Message) ParseRemoteException(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("RemoteException", out var remote))
            {
                var name = remote.TryGetProperty("exception", out var e) ? e.GetString() : null;
                if (string.IsNullOrEmpty(name) && remote.TryGetProperty("javaClassName", out var java))
                {
                    name = java.GetString()?.Split('.')[^1];
                }

                var message = remote.TryGetProperty("message", out var m) ? m.GetString() : null;
                return (name, message);
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy's error page or a server that is not a NameNode; the caller shows the text.
        }

        return (null, null);
    }

    public static WebHdfsException FromAnswer(
        string op, StoragePath path, Uri server, HttpStatusCode status, string body, string user)
    {
        var code = (int)status;
        var (exception, message) = ParseRemoteException(body);
        if (exception is null)
        {
            var text = body.Trim();
            text = text.Length > 300 ? text[..300] + "..." : text;
            return new WebHdfsException(
                $"WebHDFS {op} of '{path}' failed at {server}: HTTP {code} {status} " +
                $"without a RemoteException{(text.Length > 0 ? $" ('{text}')" : string.Empty)}. " +
                "Check that this is the NameNode's HTTP address (dfs.namenode.http-address, port 9870 by " +
                $"default) and that it is up; map another with {HadoopConfiguration.AddressPrefix}<authority>.",
                null,
                code);
        }

        return new WebHdfsException(
            $"WebHDFS {op} of '{path}' failed: {exception}: {message} (HTTP {code}). " +
            Advice(exception, path, user, status),
            exception,
            code);
    }

    public static WebHdfsException Unreachable(string op, StoragePath path, Uri server, Exception error) => new(
        $"WebHDFS {op} of '{path}' could not reach {server}: {error.Message}. Check that the NameNode " +
        "(or the DataNode it redirected to) is running and reachable from here; if this address is wrong, " +
        "set dfs.namenode.http-address or map it with " +
        $"{HadoopConfiguration.AddressPrefix}<host:port>=http://host:port.",
        error);

    public static WebHdfsException TimedOut(string op, StoragePath path, Uri server, TimeSpan timeout) => new(
        $"WebHDFS {op} of '{path}' got no answer from {server} within {timeout.TotalSeconds:0.#} s. " +
        "The server may be overloaded or the address may lead nowhere; check it and retry.",
        null,
        0);

    public static string Advice(string exception, StoragePath path, string user, HttpStatusCode status) =>
        exception switch
        {
            "FileNotFoundException" =>
                $"'{path}' does not exist; check the path (hdfs dfs -ls {path.Parent ?? path}) or create it first.",
            "AccessControlException" =>
                $"User '{user}' lacks permission there; run as a user who has it (set user.name or " +
                $"{HadoopConfiguration.UserNameVariable}), or ask the owner to grant it (hdfs dfs -chmod / -chown).",
            "SafeModeException" =>
                "The NameNode is in safe mode and refuses changes; wait until it leaves " +
                "(hdfs dfsadmin -safemode get) and run again.",
            "FileAlreadyExistsException" =>
                $"Something already exists at '{path}'; delete it first or write with overwrite.",
            "ParentNotDirectoryException" =>
                $"A parent of '{path}' is a file, not a directory; choose another path or remove that file.",
            "PathIsNotEmptyDirectoryException" =>
                $"'{path}' is a directory that is not empty; delete it recursively or empty it first.",
            "StandbyException" =>
                "This NameNode is the standby; point the path, or " +
                $"{HadoopConfiguration.AddressPrefix}<authority>, at the active NameNode.",
            "RetriableException" => "The NameNode asked to retry later; run again shortly.",
            "SecurityException" or "AuthenticationException" =>
                "The cluster demands Kerberos or a delegation token; this client speaks simple authentication " +
                "(user.name) only, so run it where simple authentication is allowed.",
            "IllegalArgumentException" or "InvalidPathException" or "UnsupportedOperationException" =>
                $"The server rejected the request's arguments; check '{path}' for characters HDFS does not allow.",
            _ when status == HttpStatusCode.Unauthorized =>
                "The cluster demands authentication that this client does not speak (Kerberos).",
            _ => "See the NameNode's log for the full stack trace.",
        };
}
