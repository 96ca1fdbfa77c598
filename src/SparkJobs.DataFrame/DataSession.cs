using SparkJobs.DataFrame.Embedded;
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
    public static IReadOnlyList<string> EngineNames { get; } = ["embedded"];

    /// <summary>Gets the engine that runs the plans.</summary>
    public IDataEngine Engine { get; }

    /// <summary>Gets the file systems that outputs are committed on.</summary>
    public FileSystems FileSystems { get; }

    /// <summary>Gets a reader for files.</summary>
    public DataFrameReader Read => new(this);

    /// <summary>Starts a session on the embedded DuckDB engine.</summary>
    /// <param name="fileSystems">The file systems; the local one when omitted.</param>
    /// <returns>The session.</returns>
    public static DataSession Embedded(FileSystems? fileSystems = null)
    {
        var fs = fileSystems ?? FileSystems.Default;
        return new DataSession(new EmbeddedEngine(fs), fs);
    }

    /// <summary>Starts a session on the engine a job's <c>--engine</c> option names.</summary>
    /// <param name="engine">The engine name; see <see cref="EngineNames"/>.</param>
    /// <returns>The session.</returns>
    public static DataSession Create(string engine) => engine switch
    {
        "embedded" => Embedded(),
        _ => throw new DataFrameException(
            $"Unknown engine '{engine}'; the engines are {string.Join(", ", EngineNames)}."),
    };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
