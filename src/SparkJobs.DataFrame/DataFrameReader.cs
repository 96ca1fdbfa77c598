namespace SparkJobs.DataFrame;

/// <summary>Builds a <see cref="Read"/> node, like Spark's <c>DataFrameReader</c>.</summary>
public sealed class DataFrameReader
{
    private readonly DataSession _session;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private string _format = "parquet";
    private StructType? _schema;

    internal DataFrameReader(DataSession session) => _session = session;

    /// <summary>Sets the source format.</summary>
    /// <param name="format"><c>csv</c>, <c>parquet</c>, <c>json</c> or <c>avro</c>.</param>
    /// <returns>This reader.</returns>
    public DataFrameReader Format(string format)
    {
        _format = format switch
        {
            "csv" or "parquet" or "json" or "avro" => format,
            _ => throw new DataFrameException(
                $"Unknown read format '{format}'; the formats are csv, parquet, json, avro."),
        };
        return this;
    }

    /// <summary>Sets the schema; required for csv and json, which are never inferred.</summary>
    /// <param name="schema">The columns.</param>
    /// <returns>This reader.</returns>
    public DataFrameReader Schema(StructType schema)
    {
        _schema = schema;
        return this;
    }

    /// <summary>Sets a data-source option, for example <c>header</c>, <c>sep</c> or <c>nullValue</c>.</summary>
    /// <param name="key">The option name.</param>
    /// <param name="value">The value as Spark takes it (<c>"true"</c>, not a boolean).</param>
    /// <returns>This reader.</returns>
    public DataFrameReader Option(string key, string value)
    {
        _options[key] = value;
        return this;
    }

    /// <summary>Reads a file or a directory of files.</summary>
    /// <param name="path">A local path or URI.</param>
    /// <returns>The frame.</returns>
    public DataFrame Load(string path)
    {
        if (_format is "csv" or "json" && _schema is null)
        {
            throw new DataFrameException(
                $"Reading {_format} from '{path}' needs an explicit schema; call Schema(...) before Load.");
        }

        return new DataFrame(_session, new Read(_format, path, _schema, new Dictionary<string, string>(_options)));
    }

    /// <summary>Reads CSV files.</summary>
    /// <param name="path">A file or directory.</param>
    /// <returns>The frame.</returns>
    public DataFrame Csv(string path) => Format("csv").Load(path);

    /// <summary>Reads Parquet files.</summary>
    /// <param name="path">A file or directory.</param>
    /// <returns>The frame.</returns>
    public DataFrame Parquet(string path) => Format("parquet").Load(path);

    /// <summary>Reads Avro container files; the schema comes from the files unless one is set.</summary>
    /// <param name="path">A file or directory.</param>
    /// <returns>The frame.</returns>
    public DataFrame Avro(string path) => Format("avro").Load(path);

    /// <summary>Reads newline-delimited JSON files.</summary>
    /// <param name="path">A file or directory.</param>
    /// <returns>The frame.</returns>
    public DataFrame Json(string path) => Format("json").Load(path);
}
