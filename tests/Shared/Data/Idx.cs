using System.Buffers.Binary;
using System.IO.Compression;

namespace SparkJobs.Tests;

/// <summary>Writes small IDX files (gzip) for tests, optionally corrupted.</summary>
internal static class Idx
{
    public static byte[] Images(int count, int rows = 28, int columns = 28, int magic = 0x803, int cut = 0)
    {
        var data = new byte[16 + (count * rows * columns)];
        BinaryPrimitives.WriteInt32BigEndian(data, magic);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), columns);
        for (var i = 16; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        return data[..^cut];
    }

    public static byte[] Labels(params byte[] labels)
    {
        var data = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(data, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), labels.Length);
        labels.CopyTo(data, 8);
        return data;
    }

    public static void WriteGz(string path, byte[] data)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(data);
    }

    /// <summary>Writes the four Fashion-MNIST file names with the given content.</summary>
    public static void WriteSet(string dir, byte[] trainImages, byte[] trainLabels, byte[] testImages,
        byte[] testLabels)
    {
        WriteGz(Path.Combine(dir, "train-images-idx3-ubyte.gz"), trainImages);
        WriteGz(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), trainLabels);
        WriteGz(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), testImages);
        WriteGz(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), testLabels);
    }
}
