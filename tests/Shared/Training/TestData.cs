using SparkJobs.Storage;
using SparkJobs.Training;

namespace SparkJobs.Testing;

/// <summary>Real Fashion-MNIST images and prepared directories shaped like the Preprocess job's output.</summary>
internal static class TestData
{
    public const string DatasetDirectory = "/usr/share/datasets/fashion-mnist";

    private static readonly Lazy<ImageDataset> Train = new(() => FashionMnistIdx.Load(
        Path.Combine(DatasetDirectory, "train-images-idx3-ubyte.gz"),
        Path.Combine(DatasetDirectory, "train-labels-idx1-ubyte.gz"),
        limit: 2000));

    /// <summary>Gets the first <paramref name="count"/> real training images (at most 2,000).</summary>
    public static ImageDataset Images(int count) => Train.Value.Take(count);

    /// <summary>Gets <paramref name="count"/> real images starting at <paramref name="skip"/>.</summary>
    public static ImageDataset Images(int skip, int count)
    {
        var all = Train.Value;
        return new ImageDataset(
            all.Pixels[(skip * ImageDataset.PixelCount)..((skip + count) * ImageDataset.PixelCount)],
            all.Labels[skip..(skip + count)]);
    }

    /// <summary>Writes a committed prepared directory with real images in each split.</summary>
    public static async Task WritePreparedAsync(string root, int train, int validation, int test)
    {
        await WriteShardAsync(Path.Combine(root, "train", "part-00000.parquet"), Images(0, train));
        await WriteShardAsync(Path.Combine(root, "validation", "part-00000.parquet"), Images(train, validation));
        await WriteShardAsync(
            Path.Combine(root, "test", "part-00000.parquet"), Images(train + validation, test));
        await File.WriteAllTextAsync(Path.Combine(root, "stats.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(root, OutputCommit.SuccessMarker), "");
    }

    /// <summary>Writes one Parquet shard in the Preprocess layout.</summary>
    public static async Task WriteShardAsync(string path, ImageDataset data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = File.Create(path);
        await ParquetImageWriter.WriteAsync(data, stream);
    }
}

/// <summary>A directory under the system temp folder, deleted when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        var name = "sparkjobs-train-test-" + Guid.NewGuid().ToString("N");
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), name);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
