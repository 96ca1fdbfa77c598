namespace SparkJobs.Storage.WebHdfs;

/// <summary>
/// Random access to an HDFS file through ranged OPEN requests: each read that misses the buffer fetches
/// the block around it (offset and length, at most one block), so memory stays at one block whatever
/// the file's size, and a reader that seeks (Parquet's footer, then its column chunks) fetches only the
/// blocks it touches.
/// </summary>
/// <remarks>
/// Blocks are aligned to multiples of the block size, so a reader that moves back and forth within one
/// block, or reads sequentially, costs one request per block. Synchronous reads wait for the same
/// asynchronous fetch; there is no synchronization context in our processes for that to deadlock on.
/// Like <see cref="FileStream"/>, an instance is for one reader at a time.
/// </remarks>
internal sealed class WebHdfsSeekableStream : Stream
{
    private readonly StoragePath _path;
    private readonly long _length;
    private readonly int _blockSize;
    private readonly Func<long, Memory<byte>, CancellationToken, Task<int>> _fetch;
    private byte[]? _block;
    private long _blockStart = -1;
    private int _blockLength;
    private long _position;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="WebHdfsSeekableStream"/> class.</summary>
    /// <param name="path">The file, named in errors.</param>
    /// <param name="length">The file's length, from GETFILESTATUS.</param>
    /// <param name="blockSize">The most bytes one fetch asks for and the buffer holds.</param>
    /// <param name="fetch">Reads the bytes at an offset into a buffer and returns how many arrived.</param>
    public WebHdfsSeekableStream(
        StoragePath path, long length, int blockSize, Func<long, Memory<byte>, CancellationToken, Task<int>> fetch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _path = path;
        _length = length;
        _blockSize = blockSize;
        _fetch = fetch;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }

        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Gets the bytes this stream holds in memory: its one block buffer, once allocated.</summary>
    internal int BufferedCapacity => _block?.Length ?? 0;

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Use Begin, Current or End."),
        };
        if (target < 0)
        {
            throw new IOException(
                $"Cannot seek to byte {target} of '{_path}': that is before the start of the file.");
        }

        // As with a FileStream, a position past the end is allowed; reads there return nothing.
        _position = target;
        return target;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var total = 0;
        while (total < buffer.Length && _position < _length)
        {
            if (!Holds(_position))
            {
                FillAsync(_position, CancellationToken.None).GetAwaiter().GetResult();
            }

            total += CopyOut(buffer[total..]);
        }

        return total;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var total = 0;
        while (total < buffer.Length && _position < _length)
        {
            if (!Holds(_position))
            {
                await FillAsync(_position, cancellationToken);
            }

            total += CopyOut(buffer.Span[total..]);
        }

        return total;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) =>
        throw new NotSupportedException($"'{_path}' is open for reading; it cannot change length.");

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException($"'{_path}' is open for reading; write it with CreateAsync.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _block = null;
        base.Dispose(disposing);
    }

    private bool Holds(long position) =>
        _blockStart >= 0 && position >= _blockStart && position < _blockStart + _blockLength;

    private int CopyOut(Span<byte> destination)
    {
        var at = (int)(_position - _blockStart);
        var count = Math.Min(destination.Length, _blockLength - at);
        _block.AsSpan(at, count).CopyTo(destination);
        _position += count;
        return count;
    }

    private async Task FillAsync(long position, CancellationToken cancellationToken)
    {
        var start = position - (position % _blockSize);
        var count = (int)Math.Min(_blockSize, _length - start);
        _block ??= new byte[(int)Math.Min(_blockSize, _length)];

        // Forget the old block first, so that a failed fetch never leaves half-written bytes readable.
        _blockStart = -1;
        var read = await _fetch(start, _block.AsMemory(0, count), cancellationToken);
        if (read < count)
        {
            throw new WebHdfsException(
                $"'{_path}' ended after {start + read} bytes, short of the {_length} bytes GETFILESTATUS " +
                "reported: the file changed while it was read. Read it again once its writer has finished.");
        }

        _blockStart = start;
        _blockLength = count;
    }
}
