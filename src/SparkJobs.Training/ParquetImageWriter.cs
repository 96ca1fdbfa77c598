using Parquet;
using Parquet.Schema;

namespace SparkJobs.Training;

/// <summary>Writes images as a Parquet shard in the layout the Preprocess job produces.</summary>
public static class ParquetImageWriter
{
    /// <summary>Writes one row group: <c>label</c> (int32), then <c>pixel1</c>..<c>pixel784</c> (float).</summary>
    /// <param name="dataset">The images.</param>
    /// <param name="stream">The destination; left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the shard is written.</returns>
    public static async Task WriteAsync(
        ImageDataset dataset, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var label = new DataField<int>(ParquetImageLoader.LabelColumn);
        var pixels = Enumerable.Range(0, ImageDataset.PixelCount)
            .Select(i => new DataField<float>(ParquetImageLoader.PixelColumn(i)))
            .ToArray();
        var schema = new ParquetSchema([label, .. pixels]);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        await using var writer = await ParquetWriter.CreateAsync(
            schema, stream, options, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        var labels = dataset.Labels.Select(l => (int)l).ToArray();
        await group.WriteAsync<int>(label, labels, cancellationToken: cancellationToken);
        var column = new float[dataset.Count];
        for (var c = 0; c < pixels.Length; c++)
        {
            for (var r = 0; r < column.Length; r++)
            {
                column[r] = dataset.Pixels[(r * ImageDataset.PixelCount) + c];
            }

            await group.WriteAsync<float>(pixels[c], column, cancellationToken: cancellationToken);
        }
    }
}
