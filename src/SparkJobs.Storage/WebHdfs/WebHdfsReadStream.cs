namespace SparkJobs.Storage.WebHdfs;

/// <summary>
/// The body of a DataNode's OPEN answer, read as it arrives: nothing is buffered beyond what the
/// socket holds, so a 10 GB file costs no more memory than a 10 KB one.
/// </summary>
internal sealed class WebHdfsReadStream(HttpResponseMessage response, Stream body, StoragePath path) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length =>
        throw new NotSupportedException($"'{path}' is read as a stream; its length is not known here.");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException(
            "A WebHDFS read stream cannot seek; open the file with OpenReadSeekableAsync, or again at an offset.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            var read = body.Read(buffer);
            _position += read;
            return read;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw Broken(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            _position += read;
            return read;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw Broken(e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        throw new NotSupportedException(
            "A WebHDFS read stream cannot seek; open the file with OpenReadSeekableAsync, or again at an offset.");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await body.DisposeAsync();
        response.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }

        base.Dispose(disposing);
    }

    private WebHdfsException Broken(Exception e) => new(
        $"Reading '{path}' over WebHDFS broke after {_position} bytes: {e.Message}. " +
        "The DataNode may have gone away; read it again.",
        e);
}
