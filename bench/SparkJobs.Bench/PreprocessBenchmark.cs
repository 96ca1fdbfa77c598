using System.Diagnostics;
using DuckDB.NET.Data;
using SparkJobs.Ingest;
using SparkJobs.Preprocess;
using SparkJobs.Storage;

namespace SparkJobs.Bench;

/// <summary>
/// Our Preprocess pipeline (DataFrame API translated to DuckDB) against the same work as hand-written DuckDB
/// SQL, on the full Fashion-MNIST CSVs; the ratio is the cost of the plan layer and the commit protocol.
/// </summary>
internal sealed class PreprocessBenchmark : IBenchmark
{
    public string Name => "preprocess";

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var raw = Path.Combine(context.ScratchDirectory, "raw");
        await IngestJob.RunAsync(new IngestOptions(context.DatasetDirectory, raw, 0), FileSystems.Default,
            cancellationToken);

        var clock = Stopwatch.StartNew();
        var options = new PreprocessOptions(raw, Path.Combine(context.ScratchDirectory, "ours"), 10, 42, "embedded");
        var stats = await PreprocessJob.RunAsync(options, FileSystems.Default, cancellationToken);
        var ours = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var direct = Path.Combine(context.ScratchDirectory, "direct");
        var directRows = HandWritten(raw, direct);
        var baseline = clock.Elapsed.TotalSeconds;
        if (directRows != stats.RowsOut)
        {
            throw new InvalidOperationException($"The hand-written SQL wrote {directRows} rows, ours {stats.RowsOut}.");
        }

        return
        [
            new Figure("DataFrame API -> DuckDB (preprocess job, 70,000 rows)", ours, "s"),
            new Figure("hand-written DuckDB SQL (same output)", baseline, "s"),
            new Figure("ratio ours / hand-written", ours / baseline, "x"),
        ];
    }

    /// <summary>The same cleaning, features, scaling and split as one would write it straight in DuckDB.</summary>
    private static long HandWritten(string raw, string output)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        long Run(string sql)
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Built from constants in this file.
            command.CommandText = sql;
#pragma warning restore CA2100
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        var pixels = ImagePipeline.PixelNames;
        var columns = "{'label': 'INTEGER', " + string.Join(", ", pixels.Select(p => $"'{p}': 'INTEGER'")) + "}";
        var notNull = "label IS NOT NULL AND " + string.Join(" AND ", pixels.Select(p => $"{p} IS NOT NULL"));
        var inRange = "label BETWEEN 0 AND 9 AND " + string.Join(" AND ", pixels.Select(p => $"{p} BETWEEN 0 AND 255"));
        var select = "label, " + string.Join(", ", pixels.Select(p => $"CAST({p} / 255.0 AS FLOAT) AS {p}"))
            + $", CAST(({string.Join(" + ", pixels)}) / {784 * 255.0:0.0} AS FLOAT) AS mean_intensity"
            + $", CAST({string.Join(" + ", pixels.Select(p => $"({p} > 0)::INTEGER"))} AS INTEGER) AS ink, row_id";
        const string bucket = "((row_id * 1103515245 + 12387) // 65536) % 100";
        long rows = 0;
        foreach (var split in new[] { "train", "test" })
        {
            Run($"CREATE OR REPLACE TEMP TABLE raw AS SELECT *, row_number() OVER () - 1 AS row_id FROM read_csv("
                + $"'{raw}/{split}/part-00000.csv', columns = {columns}, header = true, auto_detect = false)");
            Run("SELECT count(*) FROM raw");
            Run($"SELECT count(*) FILTER (WHERE NOT (label BETWEEN 0 AND 9)) FROM raw WHERE {notNull}");
            Run($"CREATE OR REPLACE TEMP VIEW prepared AS SELECT {select} FROM raw WHERE {notNull} AND {inRange}");
            var targets = split == "train"
                ? new[] { ("train", $"{bucket} >= 10"), ("validation", $"{bucket} < 10") }
                : new[] { ("test", "TRUE") };
            foreach (var (name, condition) in targets)
            {
                Directory.CreateDirectory(Path.Combine(output, name));
                Run($"COPY (SELECT * FROM prepared WHERE {condition}) TO '{output}/{name}/part-00000.parquet' "
                    + "(FORMAT parquet, COMPRESSION snappy)");
            }

            rows += Run("SELECT count(*) FROM prepared");
            Run("SELECT label, count(*) FROM prepared GROUP BY label");
        }

        return rows;
    }
}
