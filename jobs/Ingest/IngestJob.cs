using System.Diagnostics;
using System.Globalization;
using System.Text;
using SparkJobs.Hosting;
using SparkJobs.Storage;

namespace SparkJobs.Ingest;

/// <summary>The job's arguments.</summary>
/// <param name="Input">A directory holding the four IDX files (gzip or not), or one Kaggle-layout CSV file.</param>
/// <param name="Output">The landing directory to commit.</param>
/// <param name="Limit">Images per split; 0 means all.</param>
internal sealed record IngestOptions(string Input, string Output, int Limit);

/// <summary>What the job wrote.</summary>
/// <param name="Splits">Rows written per split name.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
internal sealed record IngestResult(IReadOnlyDictionary<string, int> Splits, double Seconds);

/// <summary>
/// Lands raw data as CSV: IDX files become <c>train/part-00000.csv</c> and <c>test/part-00000.csv</c> with
/// the header <c>label,pixel1,...,pixel784</c>; a CSV input is checked and copied into <c>train/</c>.
/// </summary>
internal static class IngestJob
{
    public const int Classes = 10;
    public const int ImageSide = 28;

    private static readonly (string Split, string Prefix)[] IdxSplits = [("train", "train"), ("test", "t10k")];

    public static async Task<IngestResult> RunAsync(
        IngestOptions options, FileSystems fileSystems, CancellationToken cancellationToken)
    {
        if (options.Limit < 0)
        {
            throw new JobException($"--limit {options.Limit} is negative; pass 0 for all images or a positive count.");
        }

        var clock = Stopwatch.StartNew();
        var input = StoragePath.Parse(options.Input);
        var inputFs = fileSystems.For(input);
        var status = await inputFs.GetStatusAsync(input, cancellationToken)
            ?? throw new JobException(
                $"--input '{options.Input}' does not exist; pass the directory of the IDX files or a CSV file.");
        var output = StoragePath.Parse(options.Output);
        if (output.IsUnder(input) && status.IsDirectory)
        {
            throw new JobException($"--output '{output}' lies inside --input '{input}'; pick a separate directory.");
        }

        var outputFs = fileSystems.For(output);
        await using var commit = await OutputCommit.BeginAsync(outputFs, output, cancellationToken);
        var splits = new Dictionary<string, int>(StringComparer.Ordinal);
        var csvs = status.IsDirectory ? await LandedCsvAsync(inputFs, input, cancellationToken) : [(input, "train")];
        if (csvs.Count > 0)
        {
            foreach (var (csv, split) in csvs)
            {
                splits[split] = await CopyCsvAsync(inputFs, csv, split, outputFs, commit, options.Limit,
                    cancellationToken);
            }
        }
        else
        {
            foreach (var (split, prefix) in IdxSplits)
            {
                var images = await ReadImagesAsync(inputFs, input, prefix, cancellationToken);
                var labels = await ReadLabelsAsync(inputFs, input, prefix, cancellationToken);
                if (labels.Labels.Length != images.Images.Count)
                {
                    throw new JobException(
                        $"'{labels.File}' holds {labels.Labels.Length} labels but '{images.File}' holds "
                        + $"{images.Images.Count} images; the counts must match.");
                }

                var file = commit.WorkPath.Combine($"{split}/part-00000.csv");
                await using (var stream = await outputFs.CreateAsync(file, overwrite: false, cancellationToken))
                {
                    await PixelCsv.WriteAsync(stream, images.Images, labels.Labels, options.Limit, cancellationToken);
                }

                splits[split] = options.Limit > 0 ? Math.Min(options.Limit, images.Images.Count) : images.Images.Count;
            }
        }

        await commit.CommitAsync(cancellationToken);
        return new IngestResult(splits, clock.Elapsed.TotalSeconds);
    }

    private static async Task<(IdxImages Images, string File)> ReadImagesAsync(
        IFileSystem fs, StoragePath dir, string prefix, CancellationToken cancellationToken)
    {
        var (data, file) = await ReadIdxAsync(fs, dir, $"{prefix}-images-idx3-ubyte", cancellationToken);
        var images = IdxReader.ReadImages(data, file);
        if (images.Rows != ImageSide || images.Columns != ImageSide)
        {
            throw new JobException(
                $"'{file}' holds {images.Rows}x{images.Columns} images; this job expects {ImageSide}x{ImageSide}.");
        }

        return (images, file);
    }

    private static async Task<(byte[] Labels, string File)> ReadLabelsAsync(
        IFileSystem fs, StoragePath dir, string prefix, CancellationToken cancellationToken)
    {
        var (data, file) = await ReadIdxAsync(fs, dir, $"{prefix}-labels-idx1-ubyte", cancellationToken);
        return (IdxReader.ReadLabels(data, file, Classes), file);
    }

    private static async Task<(byte[] Data, string File)> ReadIdxAsync(
        IFileSystem fs, StoragePath dir, string name, CancellationToken cancellationToken)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = dir.Combine(candidate);
            if (await fs.ExistsAsync(path, cancellationToken))
            {
                await using var stream = await fs.OpenReadAsync(path, cancellationToken);
                return (await IdxReader.ReadAllAsync(stream, path.ToString(), cancellationToken), path.ToString());
            }
        }

        throw new JobException(
            $"'{dir}' has no {name}.gz (or {name}); it must hold the train- and t10k- images and labels IDX files.");
    }

    // A landing directory holds either the IDX files or the Kaggle CSVs (a *test*.csv is the test split).
    private static async Task<List<(StoragePath File, string Split)>> LandedCsvAsync(
        IFileSystem fs, StoragePath dir, CancellationToken cancellationToken)
    {
        foreach (var idx in new[] { "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte" })
        {
            if (await fs.ExistsAsync(dir.Combine(idx), cancellationToken))
            {
                return [];
            }
        }

        var csvs = (await fs.ListAsync(dir, cancellationToken))
            .Where(f => !f.IsDirectory && f.Path.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .Select(f => (f.Path, f.Path.Name.Contains("test", StringComparison.OrdinalIgnoreCase) ? "test" : "train"))
            .ToList();
        if (csvs.Count(c => c.Item2 == "train") > 1 || csvs.Count(c => c.Item2 == "test") > 1)
        {
            throw new JobException($"'{dir}' holds {csvs.Count} CSV files; land one train CSV and at most one "
                + "*test*.csv, or the four IDX files.");
        }

        return csvs;
    }

    private static async Task<int> CopyCsvAsync(
        IFileSystem inputFs,
        StoragePath input,
        string split,
        IFileSystem outputFs,
        OutputCommit commit,
        int limit,
        CancellationToken cancellationToken)
    {
        var expected = PixelCsv.Header(ImageSide * ImageSide);
        using var reader = new StreamReader(await inputFs.OpenReadAsync(input, cancellationToken), Encoding.UTF8);
        var header = (await reader.ReadLineAsync(cancellationToken))?.TrimEnd('\r')
            ?? throw new JobException($"'{input}' is empty; a CSV with the header '{expected[..30]}...' is expected.");
        if (header != expected)
        {
            throw new JobException(HeaderMismatch(input.ToString(), header, expected));
        }

        var file = commit.WorkPath.Combine($"{split}/part-00000.csv");
        await using var stream = await outputFs.CreateAsync(file, overwrite: false, cancellationToken);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        await writer.WriteAsync(expected + "\n");
        var rows = 0;
        while ((limit == 0 || rows < limit) && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            await writer.WriteAsync(line.TrimEnd('\r') + "\n");
            rows++;
        }

        return rows;
    }

    /// <summary>Describes the first column where a CSV header differs from the expected one.</summary>
    public static string HeaderMismatch(string file, string header, string expected)
    {
        var found = header.Split(',');
        var wanted = expected.Split(',');
        var layout = $"label,pixel1,...,pixel{wanted.Length - 1} ({wanted.Length} columns";
        if (header.Any(c => c == '\uFFFD' || (char.IsControl(c) && c != '\t')))
        {
            return $"'{file}' is not a text CSV file (it starts with '{Excerpt(header)}'); pass CSV files whose "
                + $"first line is the header {layout}).";
        }

        for (var i = 0; i < Math.Max(found.Length, wanted.Length); i++)
        {
            var f = i < found.Length ? found[i] : "(nothing)";
            var w = i < wanted.Length ? wanted[i] : "(nothing)";
            if (f != w)
            {
                return $"'{file}' line 1, column {i + 1}: the header has '{Excerpt(f)}' where '{w}' is expected; "
                    + $"the header must be {layout}, found {found.Length}).";
            }
        }

        return $"'{file}' line 1: the header differs from the expected one.";
    }

    /// <summary>Shows the start of a text briefly, with bytes that are not printable text escaped.</summary>
    public static string Excerpt(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int shown = 24;
        var builder = new StringBuilder();
        foreach (var c in text.Length > shown ? text[..shown] : text)
        {
            // U+FFFD stands for bytes that were not UTF-8 at all; their values are lost, so show a '?'.
            _ = c == '\uFFFD' ? builder.Append('?')
                : char.IsControl(c) ? builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}")
                : builder.Append(c);
        }

        return text.Length > shown ? builder.Append("...").ToString() : builder.ToString();
    }
}
