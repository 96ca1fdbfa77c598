using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SparkJobs.Hosting;
using SparkJobs.Ingest;
using SparkJobs.Storage;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.Preprocess;

// Inside the namespace, so that DataFrame names the type rather than the SparkJobs.DataFrame namespace.
using SparkJobs.DataFrame;

/// <summary>The job's arguments.</summary>
/// <param name="Input">The landing directory written by ingest.</param>
/// <param name="Output">The prepared directory to write.</param>
/// <param name="ValidationPercent">The percentage of train rows moved to validation.</param>
/// <param name="Seed">The seed of the split.</param>
/// <param name="Engine">The engine: <c>embedded</c> or a Spark Connect connection string.</param>
/// <param name="EmitPlan">A directory for the Spark Connect plan files of a dry run, or null.</param>
/// <param name="Explain">Where a dry run prints each plan as a tree, or null.</param>
internal sealed record PreprocessOptions(
    string Input, string Output, int ValidationPercent, int Seed, string Engine, string? EmitPlan = null,
    TextWriter? Explain = null)
{
    /// <summary>Gets a value indicating whether the job only builds its plans and runs nothing.</summary>
    public bool DryRun => EmitPlan is not null || Explain is not null;
}

/// <summary>Rows dropped from one input, by reason.</summary>
internal sealed record Dropped(long MissingValues, long LabelOutOfRange, long PixelOutOfRange);

/// <summary>What happened to one input CSV directory.</summary>
internal sealed record InputStats(long RowsIn, long RowsOut, Dropped Dropped);

/// <summary>One output split.</summary>
internal sealed record SplitStats(long Rows, IReadOnlyDictionary<string, long> PerClass);

/// <summary>The content of <c>stats.json</c>.</summary>
internal sealed record PreprocessStats(
    string Engine,
    int ValidationPercent,
    int Seed,
    long RowsIn,
    long RowsOut,
    IReadOnlyDictionary<string, InputStats> Inputs,
    IReadOnlyDictionary<string, SplitStats> Splits,
    double Seconds);

/// <summary>
/// Prepares landed CSVs for training: <c>train/</c> is split into <c>train/</c> and <c>validation/</c>,
/// <c>test/</c> stays whole; all become Snappy Parquet under one atomic commit with <c>stats.json</c>.
/// </summary>
internal static class PreprocessJob
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static async Task<PreprocessStats> RunAsync(
        PreprocessOptions options, FileSystems fileSystems, CancellationToken cancellationToken)
    {
        // Train needs rows in both train/ and validation/, so neither split may be given every row.
        if (options.ValidationPercent is < 1 or > 99)
        {
            throw new JobException(
                $"--validation-percent {options.ValidationPercent} is out of range; pass 1 to 99, the share of "
                + "train rows kept for validation (10 by default).");
        }

        var clock = Stopwatch.StartNew();
        await using var session = options.DryRun
            ? DataSession.PlansOnly(options.EmitPlan, options.Explain)
            : DataSession.Create(options.Engine);
        var input = StoragePath.Parse(options.Input);
        var output = StoragePath.Parse(options.Output);
        var outputFs = options.DryRun ? null : fileSystems.For(output);
        StoragePath? train = input.Combine("train");
        StoragePath? test = input.Combine("test");
        if (!options.DryRun)
        {
            // A dry run reads nothing, so it can show the plans for a cluster's paths from anywhere.
            var inputFs = fileSystems.For(input);
            train = await CheckInputAsync(inputFs, input, "train", required: true, cancellationToken);
            test = await CheckInputAsync(inputFs, input, "test", required: false, cancellationToken);
        }

        await using var commit = options.DryRun
            ? null
            : await OutputCommit.BeginAsync(outputFs!, output, cancellationToken);
        var workPath = commit?.WorkPath ?? output;
        var inputs = new Dictionary<string, InputStats>(StringComparer.Ordinal);
        var splits = new Dictionary<string, SplitStats>(StringComparer.Ordinal);
        var isValidation = ImagePipeline.IsValidation(options.ValidationPercent, options.Seed);

        var (trainStats, trainPrepared) = await PrepareAsync(session, train!, cancellationToken);
        inputs["train"] = trainStats;
        await WriteAsync(trainPrepared.Filter(!isValidation), workPath.Combine("train"), cancellationToken);
        await WriteAsync(trainPrepared.Filter(isValidation), workPath.Combine("validation"), cancellationToken);
        var labelled = trainPrepared.WithColumn("split", When(isValidation, "validation").Otherwise("train"));
        foreach (var (split, stats) in await CountPerClassAsync(labelled, cancellationToken))
        {
            splits[split] = stats;
        }

        splits.TryAdd("train", Empty());
        splits.TryAdd("validation", Empty());
        if (test is not null)
        {
            var (testStats, testPrepared) = await PrepareAsync(session, test, cancellationToken);
            inputs["test"] = testStats;
            await WriteAsync(testPrepared, workPath.Combine("test"), cancellationToken);
            var perClass = await CountPerClassAsync(testPrepared.WithColumn("split", Lit("test")), cancellationToken);
            splits["test"] = perClass.GetValueOrDefault("test", Empty());
        }

        var result = new PreprocessStats(
            session.Engine.Name,
            options.ValidationPercent,
            options.Seed,
            inputs.Values.Sum(i => i.RowsIn),
            inputs.Values.Sum(i => i.RowsOut),
            inputs,
            splits,
            Math.Round(clock.Elapsed.TotalSeconds, 3));
        if (commit is not null)
        {
            await outputFs!.WriteAllTextAsync(
                workPath.Combine("stats.json"), JsonSerializer.Serialize(result, Json), cancellationToken);
            await commit.CommitAsync(cancellationToken);
        }

        return result;
    }

    private static async Task<(InputStats Stats, DataFrame Prepared)> PrepareAsync(
        DataSession session, StoragePath directory, CancellationToken cancellationToken)
    {
        // The CSV is parsed once; every count and write below reads the cached rows.
        DataFrame raw;
        try
        {
            raw = await ImagePipeline.ReadRaw(session, directory.ToString()).CacheAsync(cancellationToken);
        }
        catch (DataFrameException e) when (e.InputFile is not null)
        {
            throw new JobException(
                $"{e.Message.TrimEnd('.')}; each row must hold {ImagePipeline.Pixels + 1} columns: a label 0-9 and "
                + $"{ImagePipeline.Pixels} pixels, each a whole number 0-255 (an empty field counts as missing).",
                e);
        }

        var rowsIn = await raw.CountAsync(cancellationToken);
        var complete = raw.DropNa();
        var labelOk = ImagePipeline.LabelInRange;
        var reasonRows = await complete.Agg(
                CountAll().As("complete"),
                Sum(When(!labelOk, 1).Otherwise(0)).As("bad_label"),
                Sum(When(labelOk & !ImagePipeline.PixelsInRange, 1).Otherwise(0)).As("bad_pixel"))
            .CollectAsync(cancellationToken);

        // A dry run answers no rows; its counts are zero.
        long Reason(string name) => reasonRows.Count == 0
            ? 0
            : Convert.ToInt64(reasonRows[0][name] ?? 0L, CultureInfo.InvariantCulture);
        var completeRows = Reason("complete");
        var badLabel = Reason("bad_label");
        var badPixel = Reason("bad_pixel");
        var dropped = new Dropped(rowsIn - completeRows, badLabel, badPixel);
        var stats = new InputStats(rowsIn, completeRows - badLabel - badPixel, dropped);
        return (stats, ImagePipeline.Prepare(raw));
    }

    private static Task WriteAsync(DataFrame frame, StoragePath directory, CancellationToken cancellationToken) =>
        frame.Write.Format("parquet").Option("compression", "snappy").SaveUncommittedAsync(directory,
            cancellationToken);

    private static async Task<Dictionary<string, SplitStats>> CountPerClassAsync(
        DataFrame labelled, CancellationToken cancellationToken)
    {
        var rows = await labelled.GroupBy("split", "label").Count().CollectAsync(cancellationToken);
        var result = new Dictionary<string, SplitStats>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => (string)r["split"]!))
        {
            var perClass = Enumerable.Range(0, IngestJob.Classes)
                .ToDictionary(c => c.ToString(CultureInfo.InvariantCulture), _ => 0L);
            foreach (var row in group)
            {
                var label = Convert.ToInt32(row["label"], CultureInfo.InvariantCulture);
                perClass[label.ToString(CultureInfo.InvariantCulture)] =
                    Convert.ToInt64(row["count"], CultureInfo.InvariantCulture);
            }

            result[group.Key] = new SplitStats(perClass.Values.Sum(), perClass);
        }

        return result;
    }

    private static SplitStats Empty() => new(0, Enumerable.Range(0, IngestJob.Classes)
        .ToDictionary(c => c.ToString(CultureInfo.InvariantCulture), _ => 0L));

    private static async Task<StoragePath?> CheckInputAsync(
        IFileSystem fs, StoragePath input, string split, bool required, CancellationToken cancellationToken)
    {
        if (await fs.GetStatusAsync(input, cancellationToken) is not { IsDirectory: true })
        {
            throw new JobException(
                $"--input '{input}' is not a directory; pass the output directory of ingest (with train/ and test/).");
        }

        var directory = input.Combine(split);
        if (await fs.GetStatusAsync(directory, cancellationToken) is not { IsDirectory: true })
        {
            return required
                ? throw new JobException(
                    $"--input '{input}' has no {split}/ directory; pass the output directory of ingest.")
                : null;
        }

        var files = await fs.ListDataFilesAsync(directory, cancellationToken);
        if (files.Count == 0)
        {
            throw new JobException($"'{directory}' holds no data files; run ingest again.");
        }

        var expected = PixelCsv.Header(ImagePipeline.Pixels);
        var hasRows = false;
        foreach (var file in files)
        {
            using var reader = new StreamReader(await fs.OpenReadAsync(file.Path, cancellationToken));
            var header = (await reader.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? string.Empty;
            if (header != expected)
            {
                throw new JobException(IngestJob.HeaderMismatch(file.Path.ToString(), header, expected));
            }

            while (!hasRows && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                hasRows = line.Trim().Length > 0;
            }
        }

        if (!hasRows)
        {
            throw new JobException(
                $"'{directory}' holds only CSV headers and no data rows; land the {split} images again with ingest.");
        }

        return directory;
    }
}
