using TorchSharp;
using static TorchSharp.torch;

namespace SparkJobs.Training;

/// <summary>Labelled 28x28 grey images held in memory: pixels row-major per image, scaled to [0, 1].</summary>
public sealed class ImageDataset
{
    /// <summary>The number of pixels in one image.</summary>
    public const int PixelCount = FashionCnn.ImageSize * FashionCnn.ImageSize;

    /// <summary>Initializes a new instance of the <see cref="ImageDataset"/> class.</summary>
    /// <param name="pixels">Pixels, <see cref="PixelCount"/> per image, in image order.</param>
    /// <param name="labels">Class labels in [0, 10), one per image.</param>
    public ImageDataset(float[] pixels, long[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != (long)labels.Length * PixelCount)
        {
            throw new ArgumentException(
                $"{pixels.Length} pixels do not make {labels.Length} images of {PixelCount} pixels.", nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Gets the pixels, <see cref="PixelCount"/> per image.</summary>
    public float[] Pixels { get; }

    /// <summary>Gets the labels, one per image.</summary>
    public long[] Labels { get; }

    /// <summary>Gets the number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Returns the first <paramref name="count"/> images (all of them when there are fewer).</summary>
    /// <param name="count">The number of images to keep.</param>
    /// <returns>A dataset of at most <paramref name="count"/> images.</returns>
    public ImageDataset Take(int count)
    {
        if (count >= Count)
        {
            return this;
        }

        return new ImageDataset(Pixels[..(count * PixelCount)], Labels[..count]);
    }

    /// <summary>Copies the images into a float tensor shaped [N, 1, 28, 28].</summary>
    /// <param name="device">Where the tensor lives.</param>
    /// <returns>The image tensor; the caller disposes it.</returns>
    public Tensor ImagesTensor(Device? device = null)
    {
        using var cpu = tensor(Pixels, [Count, 1, FashionCnn.ImageSize, FashionCnn.ImageSize]);
        return device is null || device.type == DeviceType.CPU ? cpu.clone() : cpu.to(device);
    }

    /// <summary>Copies the labels into an int64 tensor shaped [N].</summary>
    /// <param name="device">Where the tensor lives.</param>
    /// <returns>The label tensor; the caller disposes it.</returns>
    public Tensor LabelsTensor(Device? device = null)
    {
        using var cpu = tensor(Labels, [Count]);
        return device is null || device.type == DeviceType.CPU ? cpu.clone() : cpu.to(device);
    }
}
