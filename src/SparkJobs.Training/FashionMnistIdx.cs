using System.Buffers.Binary;
using System.IO.Compression;

namespace SparkJobs.Training;

/// <summary>Reads the gzip IDX files the Fashion-MNIST data set ships as (big-endian header, then bytes).</summary>
public static class FashionMnistIdx
{
    private const int ImagesMagic = 0x803;
    private const int LabelsMagic = 0x801;

    /// <summary>Loads images and labels from a pair of gzip IDX files, scaling pixels to [0, 1].</summary>
    /// <param name="imagesPath">The images file, for example <c>train-images-idx3-ubyte.gz</c>.</param>
    /// <param name="labelsPath">The labels file, for example <c>train-labels-idx1-ubyte.gz</c>.</param>
    /// <param name="limit">The most images to load, or <see langword="null"/> for all.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="InvalidDataException">A file is not an IDX file of the expected kind.</exception>
    public static ImageDataset Load(string imagesPath, string labelsPath, int? limit = null)
    {
        var images = ReadGzip(imagesPath);
        var labels = ReadGzip(labelsPath);
        Expect(images, ImagesMagic, imagesPath);
        Expect(labels, LabelsMagic, labelsPath);
        var count = BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(8));
        var cols = BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(12));
        if (rows * cols != ImageDataset.PixelCount || BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4)) != count)
        {
            throw new InvalidDataException(
                $"'{imagesPath}' holds {count} images of {rows}x{cols}; with '{labelsPath}' it must hold "
                + "one label per 28x28 image.");
        }

        count = Math.Min(count, limit ?? count);
        var pixels = new float[count * ImageDataset.PixelCount];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = images[16 + i] / 255f;
        }

        var labelValues = new long[count];
        for (var i = 0; i < count; i++)
        {
            labelValues[i] = labels[8 + i];
        }

        return new ImageDataset(pixels, labelValues);
    }

    private static byte[] ReadGzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void Expect(byte[] data, int magic, string path)
    {
        if (data.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(data) != magic)
        {
            throw new InvalidDataException($"'{path}' is not an IDX file with magic 0x{magic:x}.");
        }
    }
}
