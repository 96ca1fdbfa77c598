using SparkJobs.Hosting;
using SparkJobs.Storage;

namespace SparkJobs.Training;

/// <summary>
/// The Preprocess job's output: a directory with <c>train/</c>, <c>validation/</c> and <c>test/</c>
/// Parquet splits, <c>stats.json</c> and the <c>_SUCCESS</c> marker.
/// </summary>
public static class PreparedData
{
    /// <summary>The training split's directory name.</summary>
    public const string Train = "train";

    /// <summary>The validation split's directory name.</summary>
    public const string Validation = "validation";

    /// <summary>The test split's directory name.</summary>
    public const string Test = "test";

    /// <summary>Checks that a prepared directory exists and was committed.</summary>
    /// <param name="fs">The file system of <paramref name="prepared"/>.</param>
    /// <param name="prepared">The Preprocess output directory.</param>
    /// <param name="argument">The command-line option that named it, for error messages.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the directory is usable.</returns>
    /// <exception cref="JobException">The directory is missing or has no <c>_SUCCESS</c> marker.</exception>
    public static async Task RequireCommittedAsync(
        IFileSystem fs, StoragePath prepared, string argument, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(prepared);
        var status = await fs.GetStatusAsync(prepared, cancellationToken);
        if (status is not { IsDirectory: true })
        {
            throw new JobException(
                $"{argument} '{prepared}' {(status is null ? "does not exist" : "is a file")}; pass the output "
                + "directory of the Preprocess job (with train/, validation/, test/ and _SUCCESS).");
        }

        if (!await OutputCommit.IsCompleteAsync(fs, prepared, cancellationToken))
        {
            throw new JobException(
                $"{argument} '{prepared}' has no {OutputCommit.SuccessMarker} marker, so its output is incomplete "
                + "or still being written; wait for the Preprocess job to finish, or rerun it.");
        }
    }

    /// <summary>
    /// Resolves a split from a path that is either the prepared directory or the split directory itself
    /// (whose parent then carries the marker).
    /// </summary>
    /// <param name="fs">The file system.</param>
    /// <param name="path">The prepared directory, or one of its split directories.</param>
    /// <param name="split">The split wanted, for example <see cref="Test"/>.</param>
    /// <param name="argument">The command-line option that named it, for error messages.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The split directory.</returns>
    public static async Task<StoragePath> ResolveSplitAsync(
        IFileSystem fs, StoragePath path, string split, string argument, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(path);
        var child = path.Combine(split);
        if (await fs.GetStatusAsync(child, cancellationToken) is { IsDirectory: true })
        {
            await RequireCommittedAsync(fs, path, argument, cancellationToken);
            return child;
        }

        if (path.Name == split && path.Parent is { } parent)
        {
            await RequireCommittedAsync(fs, parent, argument, cancellationToken);
            return path;
        }

        await RequireCommittedAsync(fs, path, argument, cancellationToken);
        throw new JobException(
            $"{argument} '{path}' has no {split}/ directory; pass the Preprocess output directory or its {split}/ "
            + "subdirectory.");
    }
}
