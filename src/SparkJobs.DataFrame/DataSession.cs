using SparkJobs.DataFrame.Embedded;
using SparkJobs.DataFrame.SparkConnect;
using SparkJobs.Storage;

namespace SparkJobs.DataFrame;

/// <summary>The entry point, like Spark's <c>SparkSession</c>: reads data into frames and owns the engine.</summary>
public sealed class DataSession : IAsyncDisposable
{
    private DataSession(IDataEngine engine, FileSystems fileSystems)
    {
        Engine = engine;
        FileSystems = fileSystems;
    }

    /// <summary>Gets the names of the engines <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = ["embedded", "sc://host:port/;token=...;user_id=..."];

    /// <summary>Gets the engine that runs the plans.</summary>
    public IDataEngine Engine { get; }

    /// <summary>Gets the file systems that outputs are committed on.</summary>
    public FileSystems FileSystems { get; }

    /// <summary>Gets a reader for files.</summary>
    public DataFrameReader Read => new(this);

    /// <summary>Runs a SQL query; the text must be valid in both Spark SQL and DuckDB.</summary>
    /// <param name="query">The SELECT statement.</param>
    /// <returns>The frame.</returns>
    public DataFrame Sql(string query)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        return new DataFrame(this, new SqlQuery(query));
    }

    /// <summary>Starts a session on the embedded DuckDB engine.</summary>
    /// <param name="fileSystems">The file systems; the local one when omitted.</param>
    /// <returns>The session.</returns>
    public static DataSession Embedded(FileSystems? fileSystems = null)
    {
        var fs = fileSystems ?? FileSystems.Default;
        return new DataSession(new EmbeddedEngine(fs), fs);
    }

    /// <summary>Starts a session on the engine a job's <c>--engine</c> option names.</summary>
    /// <param name="engine"><c>embedded</c>, or a Spark Connect connection string <c>sc://host:port/;...</c>.</param>
    /// <returns>The session.</returns>
    public static DataSession Create(string engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine == "embedded")
        {
            return Embedded();
        }

        if (engine.StartsWith("sc://", StringComparison.Ordinal))
        {
            return SparkConnect(SparkConnectOptions.Parse(engine));
        }

        throw new DataFrameException(
            $"Unknown engine '{engine}'; the engines are {string.Join(", ", EngineNames)}.");
    }

    /// <summary>Starts a session on a Spark Connect server.</summary>
    /// <param name="options">The parsed connection string.</param>
    /// <param name="fileSystems">The file systems outputs are committed on; the default ones when omitted.</param>
    /// <returns>The session.</returns>
    public static DataSession SparkConnect(SparkConnectOptions options, FileSystems? fileSystems = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DataSession(new SparkConnectEngine(options), fileSystems ?? FileSystems.Default)
        {
            CreatesDirectories = false,
        };
    }

    /// <summary>
    /// Starts a session that contacts no server: it writes the Spark Connect plan of each query and command it
    /// would run as <c>001.plan.bin</c>, ... and/or prints each plan's tree; queries answer no rows.
    /// </summary>
    /// <param name="directory">Where the plan files go, or <see langword="null"/> for none.</param>
    /// <param name="explain">Where the trees are printed, or <see langword="null"/> for nowhere.</param>
    /// <returns>The session.</returns>
    public static DataSession PlansOnly(string? directory, TextWriter? explain) =>
        new(new PlanFileEngine(directory, explain), FileSystems.Default) { CreatesDirectories = false };

    /// <summary>
    /// Gets a value indicating whether writers create output directories themselves; Spark creates them on the
    /// cluster's file system, and a plans-only session writes nothing.
    /// </summary>
    public bool CreatesDirectories { get; private init; } = true;

    internal static DataSession ForEngine(IDataEngine engine, FileSystems? fileSystems = null) =>
        new(engine, fileSystems ?? FileSystems.Default) { CreatesDirectories = engine is EmbeddedEngine };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
