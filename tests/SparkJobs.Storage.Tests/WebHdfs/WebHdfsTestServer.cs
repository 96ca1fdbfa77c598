using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage.Tests.WebHdfs;

/// <summary>
/// A WebHDFS NameNode and DataNode on two loopback ports, backed by a temp directory, written from
/// the protocol notes in reference/hadoop.md (not from our client): CREATE and OPEN redirect from the
/// NameNode to the DataNode with 307 (or answer 200 with a Location under noredirect=true), errors
/// are RemoteException JSON with 404/403/400, and statuses carry every FileStatus field.
/// </summary>
internal sealed class WebHdfsTestServer : IAsyncDisposable
{
    /// <summary>The authority that test paths use; the configuration maps it to the NameNode's port.</summary>
    public const string Authority = "127.0.0.1:8020";

    private const string Prefix = "/webhdfs/v1";
    private readonly TempDir _dir = new();
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private int _failNext;
    private int _hangNext;
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropUploadAfter = -1;
    private string _dropUploadOf = string.Empty;
    private int _shortenNextUpload;
    private long _dropReadAfter = -1;
    private long _received;
    private long _sent;
    private (long After, TaskCompletionSource Release)? _openGate;

    private WebHdfsTestServer(WebApplication app) => _app = app;

    public int NameNodePort { get; private set; }

    public int DataNodePort { get; private set; }

    /// <summary>Gets the directory that holds the file system's contents.</summary>
    public string Root => _dir.Path;

    /// <summary>Gets every request, in arrival order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Gets or sets a value indicating whether the NameNode refuses changes as in safe mode.</summary>
    public bool SafeMode { get; set; }

    /// <summary>Gets or sets a path under which writes are denied with AccessControlException.</summary>
    public string? ReadOnlyUnder { get; set; }

    /// <summary>Gets or sets the host the NameNode names in DataNode redirects.</summary>
    public string DataNodeHost { get; set; } = "127.0.0.1";

    /// <summary>Gets the bytes DataNode uploads have received so far.</summary>
    public long ReceivedBytes => Interlocked.Read(ref _received);

    /// <summary>Gets the bytes DataNode reads have sent so far.</summary>
    public long SentBytes => Interlocked.Read(ref _sent);

    public static async Task<WebHdfsTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new WebHdfsTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var ports = app.Services.GetServiceFeature()
            .Addresses.Select(a => new Uri(a).Port).ToArray();
        server.NameNodePort = ports[0];
        server.DataNodePort = ports[1];
        return server;
    }

    /// <summary>Returns the hdfs:// path for an absolute path on this server.</summary>
    public static StoragePath Path(string path) => StoragePath.Parse($"hdfs://{Authority}{path}");

    /// <summary>Returns a client configuration that maps <see cref="Authority"/> to this NameNode.</summary>
    public HadoopConfiguration Configuration(string user = "alice", IReadOnlyDictionary<string, string>? more = null)
    {
        var properties = new Dictionary<string, string>
        {
            [HadoopConfiguration.AddressPrefix + Authority] = $"http://127.0.0.1:{NameNodePort}",
            ["user.name"] = user,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            properties[key] = value;
        }

        return HadoopConfiguration.FromProperties(properties);
    }

    /// <summary>Returns the local file that backs an absolute HDFS path.</summary>
    public string Local(string path) => System.IO.Path.Combine(Root, path.TrimStart('/'));

    /// <summary>Makes the next requests fail with a bare 503, as a restarting server or a proxy would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    /// <summary>Makes the next request get no answer until the client gives up or the server stops.</summary>
    public void HangNext() => Interlocked.Exchange(ref _hangNext, 1);

    /// <summary>Makes the next DataNode upload (whose path contains <paramref name="pathPart"/>) drop its
    /// connection after receiving this many bytes.</summary>
    public void DropNextUploadAfter(long bytes, string pathPart = "")
    {
        _dropUploadOf = pathPart;
        Interlocked.Exchange(ref _dropUploadAfter, bytes);
    }

    /// <summary>Makes the next DataNode upload keep this many bytes fewer than it received and still answer 201,
    /// as a faulty DataNode might.</summary>
    public void ShortenNextUpload(int bytes) => Interlocked.Exchange(ref _shortenNextUpload, bytes);

    /// <summary>Makes the next DataNode read drop its connection after sending this many bytes.</summary>
    public void DropNextReadAfter(long bytes) => Interlocked.Exchange(ref _dropReadAfter, bytes);

    /// <summary>Makes DataNode reads stop after sending this many bytes until the returned source is set.</summary>
    public TaskCompletionSource PauseReadsAfter(long bytes)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _openGate = (bytes, release);
        return release;
    }

    /// <summary>Waits until DataNode uploads have received at least this many bytes, or gives up.</summary>
    public Task<bool> WaitForReceivedAsync(long bytes) => WaitUntilAsync(() => ReceivedBytes >= bytes);

    /// <summary>Waits until at least this many requests have arrived, or gives up.</summary>
    public Task<bool> WaitForRequestsAsync(int count) => WaitUntilAsync(() => Requests.Count >= count);

    // A condition wait with a generous cap, so that a broken client fails the test instead of hanging it.
    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _openGate?.Release.TrySetResult();
        _stopping.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task RemoteExceptionAsync(HttpContext context, int status, string exception, string message)
    {
        var java = exception switch
        {
            "FileNotFoundException" => "java.io.FileNotFoundException",
            "IOException" => "java.io.IOException",
            "IllegalArgumentException" => "java.lang.IllegalArgumentException",
            "AccessControlException" => "org.apache.hadoop.security.AccessControlException",
            "SafeModeException" => "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
            "PathIsNotEmptyDirectoryException" => "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException",
            _ => "org.apache.hadoop.fs." + exception,
        };
        await JsonAsync(context, status, new
        {
            RemoteException = new { exception, javaClassName = java, message },
        });
    }

    private static async Task JsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static long Millis(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var op = (query["op"].ToString()).ToUpperInvariant();
        var isNameNode = context.Connection.LocalPort == NameNodePort;
        var rawPath = context.Request.Path.Value ?? "/";
        Requests.Enqueue(new Request(
            isNameNode ? "namenode" : "datanode",
            context.Request.Method,
            op,
            rawPath,
            query["user.name"].ToString(),
            context.Request.Host.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty));

        if (Interlocked.Exchange(ref _hangNext, 0) == 1)
        {
            await Task.WhenAny(_stopping.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return;
        }

        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
            return;
        }

        if (!rawPath.StartsWith(Prefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("Not found");
            return;
        }

        var path = "/" + Uri.UnescapeDataString(rawPath[Prefix.Length..]).Trim('/');
        if (isNameNode)
        {
            await NameNodeAsync(context, op, path);
        }
        else
        {
            await DataNodeAsync(context, op, path);
        }
    }

    private async Task NameNodeAsync(HttpContext context, string op, string path)
    {
        var method = context.Request.Method;
        var user = context.Request.Query["user.name"].ToString();
        var local = Local(path);
        switch ((method, op))
        {
            case ("GET", "GETFILESTATUS"):
                if (!Exists(local))
                {
                    await RemoteExceptionAsync(context, 404, "FileNotFoundException", $"File does not exist: {path}");
                    return;
                }

                await JsonAsync(context, 200, new { FileStatus = Status(path, string.Empty) });
                return;
            case ("GET", "LISTSTATUS"):
                if (File.Exists(local))
                {
                    var self = new[] { Status(path, string.Empty) };
                    await JsonAsync(context, 200, new { FileStatuses = new { FileStatus = self } });
                    return;
                }

                if (!Directory.Exists(local))
                {
                    await RemoteExceptionAsync(context, 404, "FileNotFoundException", $"File {path} does not exist.");
                    return;
                }

                var children = new DirectoryInfo(local).EnumerateFileSystemInfos()
                    .Select(e => Status(path.TrimEnd('/') + "/" + e.Name, e.Name))
                    .ToArray();
                await JsonAsync(context, 200, new { FileStatuses = new { FileStatus = children } });
                return;
            case ("GET", "OPEN"):
                if (!File.Exists(local))
                {
                    var message = Directory.Exists(local)
                        ? $"Path is not a file: {path}"
                        : $"File does not exist: {path}";
                    await RemoteExceptionAsync(context, 404, "FileNotFoundException", message);
                    return;
                }

                await RedirectAsync(context, path, "OPEN");
                return;
            case ("PUT", "CREATE"):
                await RedirectAsync(context, path, "CREATE");
                return;
            case ("PUT", "MKDIRS"):
                if (await RefuseChangeAsync(context, path, user, "create directory"))
                {
                    return;
                }

                if (File.Exists(local))
                {
                    await RemoteExceptionAsync(
                        context, 403, "FileAlreadyExistsException", $"Path is not a directory: {path}");
                    return;
                }

                if (FileOnTheWay(path) is { } blocking)
                {
                    await RemoteExceptionAsync(context, 403, "ParentNotDirectoryException",
                        $"Parent path is not a directory: {blocking}");
                    return;
                }

                Directory.CreateDirectory(local);
                _owners.TryAdd(path, user);
                await JsonAsync(context, 200, new { boolean = true });
                return;
            case ("PUT", "RENAME"):
                if (await RefuseChangeAsync(context, path, user, "rename"))
                {
                    return;
                }

                var renamed = Rename(path, context.Request.Query["destination"].ToString());
                await JsonAsync(context, 200, new { boolean = renamed });
                return;
            case ("DELETE", "DELETE"):
                if (await RefuseChangeAsync(context, path, user, "delete"))
                {
                    return;
                }

                var recursive = context.Request.Query["recursive"] == "true";
                if (Directory.Exists(local) && !recursive && Directory.EnumerateFileSystemEntries(local).Any())
                {
                    await RemoteExceptionAsync(context, 403, "PathIsNotEmptyDirectoryException",
                        $"`{path} is non empty': Directory is not empty");
                    return;
                }

                var deleted = Exists(local);
                if (Directory.Exists(local))
                {
                    Directory.Delete(local, recursive: true);
                }
                else if (File.Exists(local))
                {
                    File.Delete(local);
                }

                await JsonAsync(context, 200, new { boolean = deleted });
                return;
            default:
                await RemoteExceptionAsync(context, 400, "IllegalArgumentException",
                    $"Invalid value for webhdfs parameter \"op\": No enum constant {method}.{op}");
                return;
        }
    }

    private async Task DataNodeAsync(HttpContext context, string op, string path)
    {
        var user = context.Request.Query["user.name"].ToString();
        var local = Local(path);
        switch ((context.Request.Method, op))
        {
            case ("PUT", "CREATE"):
                if (await RefuseChangeAsync(context, path, user, "create"))
                {
                    return;
                }

                if (Directory.Exists(local))
                {
                    await RemoteExceptionAsync(
                        context, 403, "FileAlreadyExistsException", $"{path} already exists as a directory");
                    return;
                }

                if (File.Exists(local) && context.Request.Query["overwrite"] != "true")
                {
                    await RemoteExceptionAsync(context, 403, "FileAlreadyExistsException",
                        $"{path} for client 127.0.0.1 already exists");
                    return;
                }

                if (FileOnTheWay(path) is { } blocking)
                {
                    await RemoteExceptionAsync(context, 403, "ParentNotDirectoryException",
                        $"Parent path is not a directory: {blocking}");
                    return;
                }

                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(local)!);
                _owners[path] = user;
                await ReceiveAsync(context, local);
                return;
            case ("GET", "OPEN"):
                await SendAsync(context, local, path);
                return;
            default:
                await RemoteExceptionAsync(context, 400, "IllegalArgumentException",
                    $"Invalid value for webhdfs parameter \"op\": {op} is not served by a DataNode");
                return;
        }
    }

    // Bytes land in the file as they arrive, as on a DataNode: a broken upload leaves a shorter file.
    private async Task ReceiveAsync(HttpContext context, string local)
    {
        var dropAfter = local.Contains(_dropUploadOf, StringComparison.Ordinal)
            ? Interlocked.Exchange(ref _dropUploadAfter, -1)
            : -1;
        var shorten = Interlocked.Exchange(ref _shortenNextUpload, 0);
        long total = 0;
        await using (var file = new FileStream(local, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var want = dropAfter >= 0 ? (int)Math.Min(buffer.Length, dropAfter - total) : buffer.Length;
                if (want == 0)
                {
                    await file.FlushAsync();
                    context.Abort();
                    return;
                }

                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(0, want));
                if (read == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, read));
                total += read;
                Interlocked.Add(ref _received, read);
            }

            file.SetLength(Math.Max(0, total - shorten));
        }

        context.Response.StatusCode = 201;
        context.Response.Headers.Location = "hdfs://" + Authority + context.Request.Path.Value![Prefix.Length..];
        context.Response.ContentLength = 0;
    }

    private async Task SendAsync(HttpContext context, string local, string path)
    {
        if (!File.Exists(local))
        {
            await RemoteExceptionAsync(context, 404, "FileNotFoundException", $"File does not exist: {path}");
            return;
        }

        await using var file = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var offset = long.TryParse(context.Request.Query["offset"], CultureInfo.InvariantCulture, out var o) ? o : 0;
        var length = long.TryParse(context.Request.Query["length"], CultureInfo.InvariantCulture, out var l)
            ? l
            : long.MaxValue;
        if (offset > file.Length)
        {
            await RemoteExceptionAsync(context, 403, "IOException",
                $"Offset={offset} out of the range [0, {file.Length}); OPEN, path={path}");
            return;
        }

        file.Position = offset;
        var remaining = Math.Min(length, file.Length - offset);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = remaining;
        var buffer = new byte[64 * 1024];
        long sentHere = 0;
        var dropAfter = Interlocked.Exchange(ref _dropReadAfter, -1);
        while (remaining > 0)
        {
            var chunk = (int)Math.Min(buffer.Length, remaining);
            if (dropAfter >= 0)
            {
                if (sentHere >= dropAfter)
                {
                    context.Abort();
                    return;
                }

                chunk = (int)Math.Min(chunk, dropAfter - sentHere);
            }

            if (_openGate is { } gate)
            {
                if (sentHere >= gate.After)
                {
                    // Hold the rest back until the test has looked at what the client did so far; a client
                    // that waits for the whole body gets it after the grace period and fails the test's check.
                    await Task.WhenAny(gate.Release.Task, Task.Delay(TimeSpan.FromSeconds(20)));
                    _openGate = null;
                }
                else
                {
                    chunk = (int)Math.Min(chunk, gate.After - sentHere);
                }
            }

            // Counted before the write, so the count is never behind what the client can have read.
            var read = await file.ReadAsync(buffer.AsMemory(0, chunk));
            Interlocked.Add(ref _sent, read);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
            await context.Response.Body.FlushAsync();
            remaining -= read;
            sentHere += read;
        }
    }

    private async Task RedirectAsync(HttpContext context, string path, string op)
    {
        var query = context.Request.Query
            .Where(q => q.Key is not "noredirect")
            .Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append("namenoderpcaddress=" + Authority);
        var location = $"http://{DataNodeHost}:{DataNodePort}{Prefix}{Escape(path)}?{string.Join('&', query)}";
        if (context.Request.Query["noredirect"] == "true")
        {
            await JsonAsync(context, 200, new { Location = location });
            return;
        }

        context.Response.StatusCode = 307;
        context.Response.Headers.Location = location;
    }

    private async Task<bool> RefuseChangeAsync(HttpContext context, string path, string user, string what)
    {
        if (SafeMode)
        {
            await RemoteExceptionAsync(context, 403, "SafeModeException",
                $"Cannot {what} {path}. Name node is in safe mode.");
            return true;
        }

        if (ReadOnlyUnder is { } root
            && (path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            await RemoteExceptionAsync(context, 403, "AccessControlException",
                $"Permission denied: user={user}, access=WRITE, inode=\"{root}\":hdfs:supergroup:drwxr-xr-x");
            return true;
        }

        return false;
    }

    // HDFS's rename(src, dst): false when the source is missing, the destination's parent is missing
    // or the destination is a file; an existing destination directory receives the source inside it.
    private bool Rename(string source, string destination)
    {
        var from = Local(source);
        var to = Local(destination);
        if (!Exists(from) || destination.Length == 0 || !destination.StartsWith('/'))
        {
            return false;
        }

        if (Directory.Exists(to))
        {
            to = System.IO.Path.Combine(to, System.IO.Path.GetFileName(from));
        }

        if (Exists(to) || !Directory.Exists(System.IO.Path.GetDirectoryName(to)))
        {
            return false;
        }

        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }

        return true;
    }

    private string? FileOnTheWay(string path)
    {
        var current = string.Empty;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
        {
            current += "/" + segment;
            if (File.Exists(Local(current)))
            {
                return current;
            }
        }

        return null;
    }

    private static bool Exists(string local) => File.Exists(local) || Directory.Exists(local);

    private static string Escape(string path) =>
        string.Concat(path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => "/" + Uri.EscapeDataString(s)));

    private object Status(string path, string suffix)
    {
        var local = Local(path);
        FileSystemInfo info = Directory.Exists(local) ? new DirectoryInfo(local) : new FileInfo(local);
        var isDirectory = info is DirectoryInfo;
        return new
        {
            accessTime = isDirectory ? 0 : Millis(info.LastAccessTimeUtc),
            blockSize = isDirectory ? 0 : 134217728,
            childrenNum = info is DirectoryInfo d ? d.EnumerateFileSystemInfos().Count() : 0,
            fileId = 16386 + (long)(uint)StringComparer.Ordinal.GetHashCode(path) % 1_000_000,
            group = "supergroup",
            length = info is FileInfo f ? f.Length : 0,
            modificationTime = Millis(info.LastWriteTimeUtc),
            owner = _owners.TryGetValue(path, out var owner) ? owner : "hdfs",
            pathSuffix = suffix,
            permission = isDirectory ? "755" : "644",
            replication = isDirectory ? 0 : 1,
            storagePolicy = 0,
            type = isDirectory ? "DIRECTORY" : "FILE",
        };
    }

    /// <summary>One request as the server saw it.</summary>
    public sealed record Request(
        string Node, string Method, string Op, string Path, string User, string Host, string Query);
}

internal static class ServerExtensions
{
    public static IServerAddressesFeature GetServiceFeature(this IServiceProvider services) =>
        ((IServer)services.GetService(typeof(IServer))!).Features.Get<IServerAddressesFeature>()!;
}
