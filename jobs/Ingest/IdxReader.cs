using System.Buffers.Binary;
using System.IO.Compression;
using SparkJobs.Hosting;

namespace SparkJobs.Ingest;

/// <summary>Images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/>
/// bytes.</summary>
internal sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int ImageSize => Rows * Columns;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);
}

/// <summary>
/// Reads the IDX format of MNIST-style data sets: a big-endian header (magic 0x00000803 for images, 0x00000801
/// for labels, then the dimensions) followed by unsigned bytes. Every check names the file and what is wrong.
/// </summary>
internal static class IdxReader
{
    public const int ImagesMagic = 0x803;
    public const int LabelsMagic = 0x801;

    public static IdxImages ReadImages(byte[] data, string file)
    {
        var header = Header(data, file, ImagesMagic, "images (idx3-ubyte)", dimensions: 3);
        var (count, rows, columns) = (header[0], header[1], header[2]);
        if (rows <= 0 || columns <= 0)
        {
            throw new JobException($"'{file}' declares images of {rows}x{columns} pixels; both must be positive.");
        }

        var expected = (long)count * rows * columns;
        CheckLength(data, file, 16, expected, $"{count} images of {rows}x{columns} pixels");
        return new IdxImages(count, rows, columns, data[16..]);
    }

    public static byte[] ReadLabels(byte[] data, string file, int classes)
    {
        var count = Header(data, file, LabelsMagic, "labels (idx1-ubyte)", dimensions: 1)[0];
        CheckLength(data, file, 8, count, $"{count} labels");
        var labels = data[8..];
        var bad = Array.FindIndex(labels, l => l >= classes);
        if (bad >= 0)
        {
            throw new JobException(
                $"'{file}' has label {labels[bad]} at index {bad}; labels must be 0 to {classes - 1}.");
        }

        return labels;
    }

    /// <summary>Reads a whole file, decompressing it when its name ends with .gz.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream, string file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            if (file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                await using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
                await gzip.CopyToAsync(buffer, cancellationToken);
            }
            else
            {
                await stream.CopyToAsync(buffer, cancellationToken);
            }
        }
        catch (InvalidDataException e)
        {
            throw new JobException(
                $"'{file}' is not a valid gzip file ({e.Message}); "
                + "download it again or pass the uncompressed file.", e);
        }

        return buffer.ToArray();
    }

    private static int[] Header(byte[] data, string file, int magic, string kind, int dimensions)
    {
        var length = 4 + (4 * dimensions);
        if (data.Length < length)
        {
            throw new JobException(
                $"'{file}' is truncated: {data.Length} bytes, shorter than the {length}-byte IDX header of {kind}.");
        }

        var found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic)
        {
            throw new JobException(
                $"'{file}' has magic number 0x{found:X8}, expected 0x{magic:X8} for {kind}; is it the right file?");
        }

        var result = new int[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            result[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + (4 * i)));
            if (result[i] < 0)
            {
                throw new JobException($"'{file}' declares a negative dimension {result[i]} in its header.");
            }
        }

        return result;
    }

    private static void CheckLength(byte[] data, string file, int headerLength, long expected, string what)
    {
        var actual = data.LongLength - headerLength;
        if (actual < expected)
        {
            throw new JobException(
                $"'{file}' is truncated: its header declares {what} ({expected} bytes) "
                + $"but only {actual} bytes follow.");
        }

        if (actual > expected)
        {
            throw new JobException(
                $"'{file}' has {actual - expected} bytes after the {what} its header declares; the file is corrupt.");
        }
    }
}
