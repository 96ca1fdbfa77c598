using System.Globalization;
using Parquet;
using Parquet.Meta.Proto;
using Parquet.Schema;
using SparkJobs.Hosting;
using SparkJobs.Storage;

namespace SparkJobs.Training;

/// <summary>
/// Loads labelled images from Parquet shards with a <c>label</c> column and <c>pixel1</c>..<c>pixel784</c>
/// columns, in any column order and with nullable or required columns; other columns are ignored.
/// </summary>
public static class ParquetImageLoader
{
    /// <summary>The name of the label column.</summary>
    public const string LabelColumn = "label";

    private static readonly ParquetOptions Options = new();

    /// <summary>Gets the name of pixel column <paramref name="index"/> (0-based), for example <c>pixel1</c>.</summary>
    /// <param name="index">The 0-based pixel index.</param>
    /// <returns>The column name.</returns>
    public static string PixelColumn(int index) => "pixel" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Loads every <c>*.parquet</c> data file below a directory, in path order.</summary>
    /// <param name="fs">The file system of <paramref name="directory"/>.</param>
    /// <param name="directory">A directory of Parquet shards; hidden names like <c>_SUCCESS</c> are skipped.</param>
    /// <param name="limit">The most images to load, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The images and labels.</returns>
    /// <exception cref="JobException">No Parquet files, or a file with bad columns or values.</exception>
    public static async Task<ImageDataset> LoadAsync(
        IFileSystem fs, StoragePath directory, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(directory);
        if (await fs.GetStatusAsync(directory, cancellationToken) is not { IsDirectory: true })
        {
            throw new JobException(
                $"'{directory}' is not a directory; pass a directory of Parquet shards (part-*.parquet).");
        }

        var files = (await fs.ListDataFilesAsync(directory, cancellationToken))
            .Where(f => f.Path.Name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (files.Count == 0)
        {
            throw new JobException(
                $"'{directory}' holds no *.parquet files; run the Preprocess job first, or point at its output.");
        }

        var pixels = new List<float[]>();
        var labels = new List<long[]>();
        var total = 0;
        foreach (var file in files)
        {
            if (limit is not null && total >= limit)
            {
                break;
            }

            try
            {
                total += await ReadFileAsync(fs, file.Path, limit - total, pixels, labels, cancellationToken);
            }
            catch (Exception e) when (e is IOException or ThriftProtocolException)
            {
                // Parquet checks the magic bytes and the footer when it opens a file; a truncated shard or one
                // of another format fails there, whichever file system the stream came from.
                throw new JobException(
                    $"'{file.Path}' is not a Parquet file (it may be truncated or damaged); rerun the Preprocess "
                    + "job to write it again.",
                    e);
            }
        }

        if (total == 0)
        {
            throw new JobException(
                $"The Parquet files under '{directory}' hold no rows; nothing to train or evaluate.");
        }

        return new ImageDataset([.. pixels.SelectMany(p => p)], [.. labels.SelectMany(l => l)]);
    }

    private static async Task<int> ReadFileAsync(
        IFileSystem fs,
        StoragePath file,
        int? remaining,
        List<float[]> pixels,
        List<long[]> labels,
        CancellationToken cancellationToken)
    {
        // Parquet reads the footer, then each column chunk it names: a seekable stream fetches only those
        // ranges (ranged WebHDFS reads on HDFS), so no shard is ever copied whole into memory.
        await using var stream = await fs.OpenReadSeekableAsync(file, cancellationToken);
        await using var reader = await ParquetReader.CreateAsync(
            stream, Options, leaveStreamOpen: true, cancellationToken);
        var (labelField, pixelFields) = ResolveColumns(file, reader.Schema);
        var read = 0;
        for (var g = 0; g < reader.RowGroupCount && (remaining is null || read < remaining); g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)Math.Min(group.RowCount, (remaining ?? int.MaxValue) - read);
            if (rows == 0)
            {
                continue;
            }

            labels.Add(await ReadLabelsAsync(file, group, labelField, rows, cancellationToken));
            pixels.Add(await ReadPixelsAsync(file, group, pixelFields, rows, cancellationToken));
            read += rows;
        }

        return read;
    }

    private static (DataField Label, DataField[] Pixels) ResolveColumns(StoragePath file, ParquetSchema schema)
    {
        var byName = schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var missing = new List<string>();
        if (!byName.TryGetValue(LabelColumn, out var label))
        {
            missing.Add(LabelColumn);
        }

        var pixelFields = new DataField[ImageDataset.PixelCount];
        for (var i = 0; i < pixelFields.Length; i++)
        {
            if (byName.TryGetValue(PixelColumn(i), out var field))
            {
                pixelFields[i] = field;
            }
            else
            {
                missing.Add(PixelColumn(i));
            }
        }

        if (missing.Count > 0)
        {
            var shown = string.Join(", ", missing.Take(5))
                + (missing.Count > 5 ? $" and {missing.Count - 5} more" : "");
            throw new JobException(
                $"'{file}' lacks the column(s) {shown}. Each shard needs 'label' (integer class 0-9) and "
                + "'pixel1'..'pixel784' (float, scaled to [0, 1]); other columns are ignored.");
        }

        if (label!.ClrType != typeof(int) && label.ClrType != typeof(long))
        {
            throw new JobException(
                $"Column 'label' in '{file}' is {label.ClrType.Name}; it must be an integer (int32 or int64) "
                + "class 0-9.");
        }

        var wrong = pixelFields.FirstOrDefault(f => f.ClrType != typeof(float) && f.ClrType != typeof(double));
        if (wrong is not null)
        {
            throw new JobException(
                $"Column '{wrong.Name}' in '{file}' is {wrong.ClrType.Name}; pixel columns must be float32 "
                + "(or float64) scaled to [0, 1].");
        }

        return (label, pixelFields);
    }

    private static async Task<long[]> ReadLabelsAsync(
        StoragePath file, ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var values = field.ClrType == typeof(int)
            ? (await ReadColumnAsync<int>(file, group, field, cancellationToken)).Select(v => (long?)v).ToArray()
            : await ReadColumnAsync<long>(file, group, field, cancellationToken);
        var labels = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var value = values[r];
            if (value is not (>= 0 and < FashionCnn.ClassCount))
            {
                var shown = value is null ? "null" : value.Value.ToString(CultureInfo.InvariantCulture);
                throw new JobException(
                    $"'{file}' has label {shown} in row {r} of a row group; labels must be integers 0-9 "
                    + "(drop rows with missing labels in Preprocess).");
            }

            labels[r] = value.Value;
        }

        return labels;
    }

    private static async Task<float[]> ReadPixelsAsync(
        StoragePath file,
        ParquetRowGroupReader group,
        DataField[] fields,
        int rows,
        CancellationToken cancellationToken)
    {
        var pixels = new float[rows * ImageDataset.PixelCount];
        for (var c = 0; c < fields.Length; c++)
        {
            var field = fields[c];
            var values = field.ClrType == typeof(float)
                ? await ReadColumnAsync<float>(file, group, field, cancellationToken)
                : (await ReadColumnAsync<double>(file, group, field, cancellationToken))
                    .Select(v => (float?)v).ToArray();
            for (var r = 0; r < rows; r++)
            {
                // Preprocess scales to [0, 1]; a little slack absorbs rounding from float64 sources.
                if (values[r] is not { } v || !(v >= -1e-3f && v <= 1.001f))
                {
                    throw new JobException(
                        $"'{file}' column '{field.Name}' row {r} is "
                        + $"{values[r]?.ToString(CultureInfo.InvariantCulture) ?? "null"}; pixels must be present "
                        + "and scaled to [0, 1] (divide raw 0-255 values by 255 in Preprocess).");
                }

                pixels[(r * ImageDataset.PixelCount) + c] = v;
            }
        }

        return pixels;
    }

    private static async Task<T?[]> ReadColumnAsync<T>(
        StoragePath file, ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
        where T : struct
    {
        var count = checked((int)group.RowCount);
        if (field.IsArray)
        {
            throw new JobException($"Column '{field.Name}' in '{file}' is a list; it must hold one value per row.");
        }

        if (field.IsNullable)
        {
            var nullable = new T?[count];
            await group.ReadAsync(field, nullable.AsMemory(), null, cancellationToken);
            return nullable;
        }

        var values = new T[count];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
        return Array.ConvertAll(values, v => (T?)v);
    }
}
