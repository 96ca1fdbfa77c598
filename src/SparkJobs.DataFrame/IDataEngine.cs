using SparkJobs.Storage;

namespace SparkJobs.DataFrame;

/// <summary>Runs logical plans: the embedded DuckDB engine, or a Spark cluster.</summary>
public interface IDataEngine : IAsyncDisposable
{
    /// <summary>Gets the engine's name as jobs accept it on the command line.</summary>
    string Name { get; }

    /// <summary>Resolves the output schema of a plan without running it.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The schema.</returns>
    Task<StructType> SchemaAsync(LogicalPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Counts a plan's rows.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The number of rows.</returns>
    Task<long> CountAsync(LogicalPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Runs a plan and returns all its rows; meant for small results.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The rows.</returns>
    Task<IReadOnlyList<Row>> CollectAsync(LogicalPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Computes a plan once and keeps the result for later plans that contain it (Spark's cache).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the result is kept.</returns>
    Task PersistAsync(LogicalPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Writes a plan's rows as files into an existing empty directory, with no commit of its own.</summary>
    /// <param name="write">The write.</param>
    /// <param name="directory">The directory (a commit's work path).</param>
    /// <param name="fileTag">A suffix making file names unique, or empty for <c>part-00000</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the files are written.</returns>
    Task WriteFilesAsync(
        WriteOperation write, StoragePath directory, string fileTag, CancellationToken cancellationToken = default);
}
