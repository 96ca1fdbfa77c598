using SparkJobs.Storage;

namespace SparkJobs.DataFrame;

/// <summary>Builds a <see cref="WriteOperation"/> and runs it through the atomic output commit.</summary>
public sealed class DataFrameWriter
{
    private readonly DataFrame _frame;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _partitionBy = [];
    private string _format = "parquet";
    private SaveMode _mode = SaveMode.ErrorIfExists;

    internal DataFrameWriter(DataFrame frame) => _frame = frame;

    /// <summary>Sets the output format.</summary>
    /// <param name="format"><c>parquet</c>, <c>csv</c>, <c>json</c> or <c>avro</c>.</param>
    /// <returns>This writer.</returns>
    public DataFrameWriter Format(string format)
    {
        _format = format switch
        {
            "csv" or "parquet" or "json" or "avro" => format,
            _ => throw new DataFrameException(
                $"Unknown write format '{format}'; the formats are parquet, csv, json, avro."),
        };
        return this;
    }

    /// <summary>Sets the save mode by Spark's name.</summary>
    /// <param name="mode"><c>errorifexists</c> (or <c>error</c>), <c>overwrite</c>, <c>append</c> or
    /// <c>ignore</c>.</param>
    /// <returns>This writer.</returns>
    public DataFrameWriter Mode(string mode) => Mode(mode.ToLowerInvariant() switch
    {
        "error" or "errorifexists" or "default" => SaveMode.ErrorIfExists,
        "overwrite" => SaveMode.Overwrite,
        "append" => SaveMode.Append,
        "ignore" => SaveMode.Ignore,
        _ => throw new DataFrameException(
            $"Unknown save mode '{mode}'; the modes are errorifexists, overwrite, append, ignore."),
    });

    /// <summary>Sets the save mode.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>This writer.</returns>
    public DataFrameWriter Mode(SaveMode mode)
    {
        _mode = mode;
        return this;
    }

    /// <summary>Sets a writer option, for example <c>compression</c>, <c>header</c> or <c>sep</c>.</summary>
    /// <param name="key">The option name.</param>
    /// <param name="value">The value as a string.</param>
    /// <returns>This writer.</returns>
    public DataFrameWriter Option(string key, string value)
    {
        _options[key] = value;
        return this;
    }

    /// <summary>Partitions the output into <c>column=value</c> directories.</summary>
    /// <param name="columns">The partition columns.</param>
    /// <returns>This writer.</returns>
    public DataFrameWriter PartitionBy(params string[] columns)
    {
        _partitionBy.AddRange(columns);
        return this;
    }

    /// <summary>Gets the write command as built so far.</summary>
    public WriteOperation Operation =>
        new(_frame.Plan, _format, _mode, new Dictionary<string, string>(_options), [.. _partitionBy]);

    /// <summary>Writes the output directory atomically: files appear with <c>_SUCCESS</c>, or not at all.</summary>
    /// <param name="path">The output directory.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left behind.</param>
    /// <returns>A task that completes when the output is committed.</returns>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        var output = StoragePath.Parse(path);
        var fs = _frame.Session.FileSystems.For(output);
        var status = await fs.GetStatusAsync(output, cancellationToken);
        var exists = status is { IsDirectory: true }
            && (await fs.ListAsync(output, cancellationToken)).Any(e => e.Path.Name != OutputCommit.TemporaryDirectory);
        if (exists && _mode == SaveMode.Ignore)
        {
            return;
        }

        if (exists && _mode == SaveMode.ErrorIfExists)
        {
            throw new DataFrameException(
                $"Output '{output}' already exists; write with mode overwrite or append, or delete it first.");
        }

        await using var commit = await OutputCommit.BeginAsync(fs, output, cancellationToken);
        var tag = string.Empty;
        if (exists && _mode == SaveMode.Append)
        {
            // The commit replaces the directory's content, so the old files travel into the attempt first.
            tag = commit.Attempt;
            foreach (var file in await fs.ListDataFilesAsync(output, cancellationToken))
            {
                var relative = file.Path.Path[(output.Path.TrimEnd('/').Length + 1)..];
                await using var from = await fs.OpenReadAsync(file.Path, cancellationToken);
                await using var to = await fs.CreateAsync(commit.WorkPath.Combine(relative), false, cancellationToken);
                await from.CopyToAsync(to, cancellationToken);
            }
        }

        await _frame.Session.Engine.WriteFilesAsync(Operation, commit.WorkPath, tag, cancellationToken);
        await commit.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the files into a directory inside a larger output that the caller commits itself, for jobs
    /// that produce several directories under one <c>_SUCCESS</c>.
    /// </summary>
    /// <param name="directory">A directory under an <see cref="OutputCommit.WorkPath"/>; created if missing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the files are written.</returns>
    public async Task SaveUncommittedAsync(StoragePath directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (_frame.Session.CreatesDirectories)
        {
            await _frame.Session.FileSystems.For(directory).CreateDirectoryAsync(directory, cancellationToken);
        }

        await _frame.Session.Engine.WriteFilesAsync(Operation, directory, string.Empty, cancellationToken);
    }
}
