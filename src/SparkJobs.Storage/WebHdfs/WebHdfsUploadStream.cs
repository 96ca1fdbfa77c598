using System.Net;
using System.Net.Http.Headers;

namespace SparkJobs.Storage.WebHdfs;

/// <summary>
/// The write side of CREATE's second step. The PUT to the DataNode starts when the stream is made,
/// with a chunked body whose bytes are the ones written here, passed straight to the socket: the
/// upload runs while the caller writes, holding no more than one write's buffer, and the answer
/// (201 Created, or a RemoteException) is awaited on dispose.
/// </summary>
internal sealed class WebHdfsUploadStream : Stream
{
    private readonly TaskCompletionSource<Stream> _target = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<HttpResponseMessage> _response;
    private readonly StoragePath _path;
    private readonly Uri _dataNode;
    private readonly string _user;
    private long _written;
    private bool _disposed;
    private bool _failed;

    public WebHdfsUploadStream(HttpClient http, Uri dataNode, StoragePath path, string user, CancellationToken token)
    {
        _path = path;
        _dataNode = dataNode;
        _user = user;
        var request = new HttpRequestMessage(HttpMethod.Put, dataNode) { Content = new PushContent(this) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        _response = SendAsync(http, request, token);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException("A WebHDFS upload is written from start to end.");
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(
        ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = await TargetAsync();
        try
        {
            await target.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            // Ending the body with an error makes the client abort the request instead of sending the
            // final chunk, so the DataNode never takes the bytes so far for the whole file.
            _failed = true;
            _finished.TrySetException(e);
            throw await FailureAsync(e);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _finished.TrySetResult();
        HttpResponseMessage response;
        try
        {
            response = await _response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            if (_failed)
            {
                return;
            }

            throw await FailureAsync(e);
        }

        using (response)
        {
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK) && !_failed)
            {
                var body = await WebHdfsErrors.ReadBodyAsync(response, CancellationToken.None);
                throw WebHdfsErrors.FromAnswer("CREATE", _path, _dataNode, response.StatusCode, body, _user);
            }
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, CancellationToken token)
    {
        using (request)
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
    }

    // The DataNode may answer (an error) before it asks for the body; then there is no stream to write to.
    private async Task<Stream> TargetAsync()
    {
        await Task.WhenAny(_target.Task, _response);
        if (_target.Task.IsCompleted)
        {
            return await _target.Task;
        }

        _failed = true;
        throw await FailureAsync(null);
    }

    private async Task<WebHdfsException> FailureAsync(Exception? writeError)
    {
        try
        {
            using var response = await _response;
            var body = await WebHdfsErrors.ReadBodyAsync(response, CancellationToken.None);
            return WebHdfsErrors.FromAnswer("CREATE", _path, _dataNode, response.StatusCode, body, _user);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            var cause = writeError ?? e;
            return new WebHdfsException(
                $"Uploading '{_path}' to {_dataNode.GetLeftPart(UriPartial.Authority)} broke after {_written} bytes: " +
                $"{cause.Message}. The file may be left incomplete; upload it again (to a temporary name " +
                "renamed into place, as the deployer does, so that no reader sees a truncated file).",
                cause);
        }
    }

    private sealed class PushContent(WebHdfsUploadStream owner) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            owner._target.TrySetResult(stream);
            await owner._finished.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            // Unknown: the body goes out chunked, as Hadoop's own client sends it.
            length = 0;
            return false;
        }
    }
}
