using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using SparkJobs.Storage;

namespace SparkJobs.DataFrame.Embedded;

/// <summary>Runs plans in-process on DuckDB: each action translates the plan into one SQL statement.</summary>
internal sealed class EmbeddedEngine : IDataEngine
{
    private readonly FileSystems _fileSystems;
    private readonly DuckDBConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<LogicalPlan, string> _persisted = [];
    private readonly Dictionary<Read, string> _avroTables = [];

    public EmbeddedEngine(FileSystems fileSystems)
    {
        _fileSystems = fileSystems;
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();

        // Offline clusters have no extension repository; a plan must never trigger a download.
        Execute("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;");
    }

    public string Name => "embedded";

    public Task<StructType> SchemaAsync(LogicalPlan plan, CancellationToken cancellationToken = default) =>
        Locked(() => Describe(Translator().Translate(plan)), cancellationToken);

    public Task<long> CountAsync(LogicalPlan plan, CancellationToken cancellationToken = default) =>
        Locked(
            () =>
            {
                using var command = Command($"SELECT count(*) FROM ({Translator().Translate(plan)}) AS _count");
                return Convert.ToInt64(Run(command.ExecuteScalar), CultureInfo.InvariantCulture);
            },
            cancellationToken);

    public Task<IReadOnlyList<Row>> CollectAsync(LogicalPlan plan, CancellationToken cancellationToken = default) =>
        Locked<IReadOnlyList<Row>>(() => Query(Translator().Translate(plan)), cancellationToken);

    public Task PersistAsync(LogicalPlan plan, CancellationToken cancellationToken = default) =>
        Locked(
            () =>
            {
                if (_persisted.ContainsKey(plan))
                {
                    return 0;
                }

                var table = $"_cache{_persisted.Count}";
                Execute($"CREATE TEMP TABLE {table} AS {Translator().Translate(plan)}");
                _persisted[plan] = table;
                return 0;
            },
            cancellationToken);

    public async Task WriteFilesAsync(
        WriteOperation write, StoragePath directory, string fileTag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(directory);
        if (directory.IsLocal)
        {
            await Locked(() => Copy(write, directory.LocalPath, fileTag), cancellationToken);
            return;
        }

        // DuckDB writes only local files: write them to a local scratch directory, then upload them.
        var scratch = Path.Combine(Path.GetTempPath(), "sparkjobs-write-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            await Locked(() => Copy(write, scratch, fileTag), cancellationToken);
            var fs = _fileSystems.For(directory);
            foreach (var file in Directory.EnumerateFiles(scratch, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(scratch, file).Replace('\\', '/');
                await using var from = File.OpenRead(file);
                await using var to = await fs.CreateAsync(directory.Combine(relative), false, cancellationToken);
                await from.CopyToAsync(to, cancellationToken);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    internal DuckDbTranslator Translator() => new(Describe, Files, _persisted, AvroTable);

    /// <summary>Loads an Avro read into a temporary table once per session; later plans reuse it.</summary>
    private string AvroTable(Read read)
    {
        if (!_avroTables.TryGetValue(read, out var table))
        {
            table = $"_avro{_avroTables.Count}";
            var files = Files(read);
            Run(() =>
            {
                AvroFiles.Load(_connection, table, files);
                return 0;
            });
            _avroTables[read] = table;
        }

        return table;
    }

    internal StructType Describe(string sql)
    {
        var fields = new List<StructField>();
        using var command = Command($"DESCRIBE {sql}");
        using var reader = Run(command.ExecuteReader);
        while (reader.Read())
        {
            fields.Add(new StructField(reader.GetString(0), DuckDbSql.FromDuckDb(reader.GetString(1))));
        }

        return new StructType(fields);
    }

    internal List<Row> Query(string sql)
    {
        using var command = Command(sql);
        using var reader = Run(command.ExecuteReader);
        var schema = new StructType(Enumerable.Range(0, reader.FieldCount).Select(i =>
            new StructField(reader.GetName(i), DuckDbSql.FromDuckDb(reader.GetDataTypeName(i)))));
        var rows = new List<Row>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(new Row(schema, values));
        }

        return rows;
    }

    private int Copy(WriteOperation write, string directory, string fileTag)
    {
        var sql = Translator().Translate(write.Input);
        var options = new Dictionary<string, string>(write.Options, StringComparer.OrdinalIgnoreCase);
        string Take(string key, string fallback) => options.Remove(key, out var v) ? v : fallback;
        var copy = new List<string> { $"FORMAT {write.Format}" };
        string extension;
        switch (write.Format)
        {
            case "parquet":
                var codec = Take("compression", "snappy").ToLowerInvariant();
                copy.Add("COMPRESSION " + codec switch
                {
                    "snappy" or "gzip" or "zstd" or "lz4" => codec,
                    "none" or "uncompressed" => "uncompressed",
                    _ => throw new DataFrameException(
                        $"Parquet compression '{codec}' is not supported; use snappy, gzip, zstd, lz4 or none."),
                });
                extension = ".parquet";
                break;
            case "csv":
                copy.Add("HEADER " + DuckDbTranslator.Bool(Take("header", "false"), "header"));
                copy.Add("DELIMITER " + DuckDbSql.String(Take("sep", Take("delimiter", ","))));
                copy.Add("NULLSTR " + DuckDbSql.String(Take("nullValue", string.Empty)));
                extension = ".csv";
                break;
            case "json":
                extension = ".json";
                break;
            case "avro":
                if (write.PartitionBy.Count > 0)
                {
                    throw new DataFrameException(
                        "The embedded engine writes Avro without partitionBy; partition Parquet instead, or use "
                        + "Spark.");
                }

                var compression = Take("compression", "deflate");
                if (options.Count > 0)
                {
                    throw new DataFrameException(
                        $"Write option(s) {string.Join(", ", options.Keys)} are not supported for Avro by the embedded "
                        + "engine; avro takes compression.");
                }

                var rows = Query(sql);
                var schema = Describe(sql);
                var name = (fileTag.Length == 0 ? "part-00000" : $"part-00000-{fileTag}") + ".avro";
                AvroFiles.Write(Path.Combine(directory, name), rows, schema, compression);
                return 0;
            default:
                throw new DataFrameException(
                    $"Unknown write format '{write.Format}'; the formats are parquet, csv, json, avro.");
        }

        if (options.Count > 0)
        {
            throw new DataFrameException(
                $"Write option(s) {string.Join(", ", options.Keys)} are not supported by the embedded engine; "
                + "parquet takes compression, csv takes header, sep, nullValue.");
        }

        var stem = fileTag.Length == 0 ? "part-00000" : $"part-00000-{fileTag}";
        string target;
        if (write.PartitionBy.Count > 0)
        {
            copy.Add($"PARTITION_BY ({string.Join(", ", write.PartitionBy.Select(DuckDbSql.Identifier))})");
            copy.Add($"FILENAME_PATTERN {DuckDbSql.String(stem.Replace("00000", "{i}", StringComparison.Ordinal))}");
            copy.Add("OVERWRITE_OR_IGNORE");
            target = directory;
        }
        else
        {
            target = Path.Combine(directory, stem + extension);
        }

        Execute($"COPY ({sql}) TO {DuckDbSql.String(target)} ({string.Join(", ", copy)})");
        return 0;
    }

    private IReadOnlyList<string> Files(Read read)
    {
        var path = StoragePath.Parse(read.Path);
        if (!path.IsLocal)
        {
            throw new DataFrameException(
                $"The embedded engine reads only local files, not '{read.Path}'; copy the data locally first.");
        }

        if (File.Exists(path.LocalPath))
        {
            return [path.LocalPath];
        }

        if (!Directory.Exists(path.LocalPath))
        {
            throw new DataFrameException($"Input '{read.Path}' does not exist; pass an existing file or directory.");
        }

        // Local listing is synchronous underneath, so waiting here cannot deadlock.
        var files = LocalFileSystem.Instance.ListDataFilesAsync(path).GetAwaiter().GetResult();
        if (files.Count == 0)
        {
            throw new DataFrameException(
                $"Input directory '{read.Path}' holds no data files (names starting with _ or . are skipped).");
        }

        return [.. files.Select(f => f.Path.LocalPath)];
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        Run(command.ExecuteNonQuery);
    }

    private DuckDBCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is generated from our own plan; values are escaped by DuckDbSql.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }

    private static T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DbException e)
        {
            throw DuckDbErrors.Translate(e.Message, e);
        }
    }

    private async Task<T> Locked<T>(Func<T> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return action();
        }
        finally
        {
            _gate.Release();
        }
    }
}
