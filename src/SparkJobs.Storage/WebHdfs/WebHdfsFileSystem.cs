using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SparkJobs.Storage.WebHdfs;

/// <summary>
/// HDFS over the WebHDFS REST API, for <c>hdfs://</c>, <c>webhdfs://</c> and <c>swebhdfs://</c> paths;
/// <see cref="HadoopConfiguration"/> maps each path's authority to the NameNode's HTTP address.
/// </summary>
/// <remarks>
/// Redirects are followed by hand, never by the HTTP stack, because a 307 to a DataNode must be
/// answered with the body again and because DataNode addresses go through the same
/// <c>webhdfs.address.*</c> map. Idempotent calls (GETFILESTATUS, LISTSTATUS, OPEN, MKDIRS, and
/// CREATE's first step, which only picks a DataNode) are retried on connection failures, timeouts
/// and 5xx answers with a doubling delay; RENAME and DELETE are retried only when the connection could
/// not be opened, since then the server never saw them. The upload (CREATE's second step) is never
/// retried: its body is the caller's stream, already consumed.
/// </remarks>
public sealed class WebHdfsFileSystem : IFileSystem, IDisposable
{
    private static readonly HashSet<string> RetriableRemote = new(StringComparer.Ordinal)
    {
        "RetriableException", "StandbyException",
    };

    private readonly HttpClient _http;
    private readonly WebHdfsOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="WebHdfsFileSystem"/> class.</summary>
    /// <param name="configuration">The Hadoop configuration that maps paths to NameNodes and names the user.</param>
    /// <param name="options">Timeouts, retries and redirect style; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timeouts and retry delays.</param>
    public WebHdfsFileSystem(
        HadoopConfiguration configuration, WebHdfsOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        _options = options ?? new WebHdfsOptions();
        if (_options.ReadBlockSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ReadBlockSize,
                "WebHdfsOptions.ReadBlockSize must be a positive number of bytes, for example 4194304 (4 MiB).");
        }

        _time = timeProvider ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = _options.ConnectTimeout,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Gets the configuration this file system resolves addresses with.</summary>
    public HadoopConfiguration Configuration { get; }

    /// <summary>Gets the user sent as <c>user.name</c> on every call.</summary>
    public string UserName => Configuration.UserName;

    /// <inheritdoc/>
    public async Task<FileStatus?> GetStatusAsync(StoragePath path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CallAsync(HttpMethod.Get, path, "GETFILESTATUS", [], idempotent: true, async (r, ct) =>
            {
                using var json = await ReadJsonAsync(r, "GETFILESTATUS", path, ct);
                return ToStatus(Property(json.RootElement, "FileStatus", "GETFILESTATUS", path), path);
            }, cancellationToken);
        }
        catch (WebHdfsException e) when (e.RemoteException == "FileNotFoundException")
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<FileStatus>> ListAsync(
        StoragePath directory, CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlyList<FileStatus>>(HttpMethod.Get, directory, "LISTSTATUS", [], true, async (r, ct) =>
        {
            using var json = await ReadJsonAsync(r, "LISTSTATUS", directory, ct);
            var statuses = Property(Property(json.RootElement, "FileStatuses", "LISTSTATUS", directory),
                "FileStatus", "LISTSTATUS", directory);
            var result = new List<FileStatus>();
            foreach (var entry in statuses.EnumerateArray())
            {
                var suffix = entry.TryGetProperty("pathSuffix", out var s) ? s.GetString() ?? "" : "";
                if (suffix.Length == 0)
                {
                    // LISTSTATUS of a file answers the file itself, with an empty suffix.
                    throw new WebHdfsException(
                        $"'{directory}' is a file, not a directory; list its parent or pass a directory.");
                }

                result.Add(ToStatus(entry, directory.Combine(suffix)));
            }

            return result.OrderBy(e => e.Path.Name, StringComparer.Ordinal).ToList();
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task CreateDirectoryAsync(StoragePath directory, CancellationToken cancellationToken = default)
    {
        if (!await BooleanCallAsync(HttpMethod.Put, directory, "MKDIRS", [], idempotent: true, cancellationToken))
        {
            throw new WebHdfsException(
                $"WebHDFS MKDIRS of '{directory}' answered false; check that no file lies on the way " +
                "and that the user may write the parent.");
        }
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(StoragePath file, CancellationToken cancellationToken = default) =>
        OpenReadAsync(file, 0, null, cancellationToken);

    /// <summary>Opens a file for reading from an offset, optionally for a limited number of bytes.</summary>
    /// <param name="file">The file.</param>
    /// <param name="offset">The first byte to read.</param>
    /// <param name="length">How many bytes to read at most; the rest of the file when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A stream that reads the DataNode's answer as it arrives; the caller disposes it.</returns>
    public async Task<Stream> OpenReadAsync(
        StoragePath file, long offset, long? length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(length));
        }

        var parameters = new List<(string, string)>();
        if (offset > 0)
        {
            parameters.Add(("offset", offset.ToString(CultureInfo.InvariantCulture)));
        }

        if (length is { } limit)
        {
            parameters.Add(("length", limit.ToString(CultureInfo.InvariantCulture)));
        }

        if (_options.NoRedirect)
        {
            parameters.Add(("noredirect", "true"));
        }

        var dataNode = await CallAsync(HttpMethod.Get, file, "OPEN", parameters, idempotent: true,
            (r, ct) => LocationAsync(r, "OPEN", file, ct), cancellationToken, ownsResponse: true);
        return await CallAsync<Stream>(HttpMethod.Get, file, "OPEN", dataNode, idempotent: true,
            async (r, ct) => new WebHdfsReadStream(r, await r.Content.ReadAsStreamAsync(ct), file),
            cancellationToken, ownsResponse: true);
    }

    /// <inheritdoc/>
    /// <remarks>The length comes from GETFILESTATUS; every read that leaves the stream's buffer fetches one
    /// block (<see cref="WebHdfsOptions.ReadBlockSize"/>) with a ranged OPEN, following the redirect to a
    /// DataNode. A block whose transfer breaks is fetched again, up to <see cref="WebHdfsOptions.MaxRetries"/>
    /// times.</remarks>
    public async Task<Stream> OpenReadSeekableAsync(StoragePath file, CancellationToken cancellationToken = default)
    {
        var status = await CallAsync(HttpMethod.Get, file, "GETFILESTATUS", [], idempotent: true, async (r, ct) =>
        {
            using var json = await ReadJsonAsync(r, "GETFILESTATUS", file, ct);
            return ToStatus(Property(json.RootElement, "FileStatus", "GETFILESTATUS", file), file);
        }, cancellationToken);
        if (status.IsDirectory)
        {
            throw new WebHdfsException($"'{file}' is a directory; name a file inside it.");
        }

        return new WebHdfsSeekableStream(file, status.Length, _options.ReadBlockSize,
            (offset, buffer, ct) => ReadRangeAsync(file, offset, buffer, ct));
    }

    /// <inheritdoc/>
    /// <remarks>The returned stream uploads while it is written: the PUT to the DataNode starts here with a
    /// chunked body fed straight from each write, so no more than one write's buffer is held in memory.
    /// The DataNode's answer is awaited on dispose, which throws <see cref="WebHdfsException"/> when the
    /// upload failed; a failed upload may leave a shorter file, so write to a temporary name and rename
    /// it into place where readers must never see a partial file.</remarks>
    public async Task<Stream> CreateAsync(
        StoragePath file, bool overwrite, CancellationToken cancellationToken = default)
    {
        var parameters = new List<(string, string)> { ("overwrite", overwrite ? "true" : "false") };
        if (_options.NoRedirect)
        {
            parameters.Add(("noredirect", "true"));
        }

        var dataNode = await CallAsync(HttpMethod.Put, file, "CREATE", parameters, idempotent: true,
            (r, ct) => LocationAsync(r, "CREATE", file, ct), cancellationToken, ownsResponse: true);
        return new WebHdfsUploadStream(_http, dataNode, file, UserName, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>WebHDFS moves the source into an existing destination directory; the interface's rule
    /// that the destination must not exist is kept by looking first.</remarks>
    public async Task<bool> RenameAsync(
        StoragePath source, StoragePath destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Scheme != destination.Scheme
            || !string.Equals(source.Authority, destination.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new WebHdfsException(
                $"Cannot rename '{source}' to '{destination}': HDFS renames only within one file system; " +
                "copy across file systems instead.");
        }

        if (await GetStatusAsync(destination, cancellationToken) is not null)
        {
            return false;
        }

        return await BooleanCallAsync(HttpMethod.Put, source, "RENAME", [("destination", destination.Path)],
            idempotent: false, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(StoragePath path, bool recursive, CancellationToken cancellationToken = default) =>
        BooleanCallAsync(HttpMethod.Delete, path, "DELETE", [("recursive", recursive ? "true" : "false")],
            idempotent: false, cancellationToken);

    /// <summary>Returns the URL of a WebHDFS operation on the NameNode for a path.</summary>
    /// <param name="path">The path.</param>
    /// <param name="op">The operation, for example <c>GETFILESTATUS</c>.</param>
    /// <param name="parameters">Further query parameters.</param>
    /// <returns>The absolute URL, with <c>user.name</c>.</returns>
    public Uri OperationUri(StoragePath path, string op, IEnumerable<(string Name, string Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var url = new StringBuilder(Configuration.ResolveNameNode(path).GetLeftPart(UriPartial.Authority));
        url.Append("/webhdfs/v1");
        foreach (var segment in path.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            url.Append('/').Append(Uri.EscapeDataString(segment));
        }

        if (path.Path == "/")
        {
            url.Append('/');
        }

        url.Append("?op=").Append(op).Append("&user.name=").Append(Uri.EscapeDataString(UserName));
        foreach (var (name, value) in parameters)
        {
            url.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new Uri(url.ToString());
    }

    /// <summary>Closes the connections to the cluster.</summary>
    public void Dispose() => _http.Dispose();

    private static FileStatus ToStatus(JsonElement status, StoragePath path)
    {
        try
        {
            return new FileStatus(
                path,
                status.GetProperty("type").GetString() == "DIRECTORY",
                status.GetProperty("length").GetInt64(),
                DateTimeOffset.FromUnixTimeMilliseconds(status.GetProperty("modificationTime").GetInt64()));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new WebHdfsException(
                $"The FileStatus of '{path}' lacks type, length or modificationTime ({e.Message}); " +
                "the server does not speak WebHDFS as Hadoop 3 does.", e);
        }
    }

    private static JsonElement Property(JsonElement element, string name, string op, StoragePath path) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new WebHdfsException(
                $"WebHDFS {op} of '{path}' answered JSON without \"{name}\"; the server does not speak " +
                "WebHDFS as Hadoop 3 does.");

    private static async Task<JsonDocument> ReadJsonAsync(
        HttpResponseMessage response, string op, StoragePath path, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new WebHdfsException(
                $"WebHDFS {op} of '{path}' answered something that is not JSON ({e.Message}); check that the " +
                "address is a NameNode's HTTP port.", e);
        }
    }

    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private async Task<bool> BooleanCallAsync(
        HttpMethod method,
        StoragePath path,
        string op,
        IReadOnlyList<(string, string)> parameters,
        bool idempotent,
        CancellationToken cancellationToken) =>
        await CallAsync(method, path, op, parameters, idempotent, async (r, ct) =>
        {
            using var json = await ReadJsonAsync(r, op, path, ct);
            return Property(json.RootElement, "boolean", op, path).GetBoolean();
        }, cancellationToken);

    private async Task<Uri> LocationAsync(
        HttpResponseMessage response, string op, StoragePath path, CancellationToken cancellationToken)
    {
        Uri? location;
        if (response.StatusCode == HttpStatusCode.TemporaryRedirect)
        {
            location = response.Headers.Location;
            response.Dispose();
        }
        else
        {
            using (response)
            {
                using var json = await ReadJsonAsync(response, op, path, cancellationToken);
                var text = Property(json.RootElement, "Location", op, path).GetString();
                location = Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null;
            }
        }

        if (location is null || !location.IsAbsoluteUri)
        {
            throw new WebHdfsException(
                $"WebHDFS {op} of '{path}' was redirected without an absolute Location; the server does " +
                "not behave like a NameNode.");
        }

        // DataNodes advertise their own host names; the address map lets a client outside the
        // cluster's network reach them, as it does for NameNodes.
        if (Configuration.Mapped(location.Authority) is { } mapped)
        {
            location = new Uri(mapped, location.PathAndQuery);
        }

        return location;
    }

    private Task<T> CallAsync<T>(
        HttpMethod method,
        StoragePath path,
        string op,
        IReadOnlyList<(string, string)> parameters,
        bool idempotent,
        Func<HttpResponseMessage, CancellationToken, Task<T>> onSuccess,
        CancellationToken cancellationToken,
        bool ownsResponse = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return CallAsync(method, path, op, OperationUri(path, op, parameters), idempotent, onSuccess,
            cancellationToken, ownsResponse);
    }

    private async Task<T> CallAsync<T>(
        HttpMethod method,
        StoragePath path,
        string op,
        Uri uri,
        bool idempotent,
        Func<HttpResponseMessage, CancellationToken, Task<T>> onSuccess,
        CancellationToken cancellationToken,
        bool ownsResponse = false)
    {
        var server = new Uri(uri.GetLeftPart(UriPartial.Authority));
        for (var attempt = 0; ; attempt++)
        {
            var retry = attempt < _options.MaxRetries;
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            HttpResponseMessage? response = null;
            try
            {
                using var request = new HttpRequestMessage(method, uri);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.TemporaryRedirect)
                {
                    var result = await onSuccess(response, linked.Token);
                    if (ownsResponse)
                    {
                        response = null;
                    }

                    return result;
                }

                var body = await WebHdfsErrors.ReadBodyAsync(response, linked.Token);
                var (remote, _) = WebHdfsErrors.ParseRemoteException(body);
                var transient = (int)response.StatusCode >= 500 && (remote is null || RetriableRemote.Contains(remote));
                if (retry && idempotent && (transient || (remote is not null && RetriableRemote.Contains(remote))))
                {
                    await DelayAsync(attempt, cancellationToken);
                    continue;
                }

                throw WebHdfsErrors.FromAnswer(op, path, server, response.StatusCode, body, UserName);
            }
            catch (HttpRequestException e) when (retry && (idempotent || IsConnectFailure(e)))
            {
                await DelayAsync(attempt, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw WebHdfsErrors.Unreachable(op, path, server, e);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested
                && !cancellationToken.IsCancellationRequested)
            {
                if (!retry || !idempotent)
                {
                    throw WebHdfsErrors.TimedOut(op, path, server, _options.RequestTimeout);
                }

                await DelayAsync(attempt, cancellationToken);
            }
            finally
            {
                response?.Dispose();
            }
        }
    }

    private async Task<int> ReadRangeAsync(
        StoragePath file, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Opening retries on its own; what is left to retry here is a transfer that broke part way.
            await using var body = await OpenReadAsync(file, offset, buffer.Length, cancellationToken);
            try
            {
                return await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            }
            catch (WebHdfsException) when (attempt < _options.MaxRetries)
            {
                await DelayAsync(attempt, cancellationToken);
            }
        }
    }

    private Task DelayAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(_options.RetryDelay * Math.Pow(2, attempt), _time, cancellationToken);
}
