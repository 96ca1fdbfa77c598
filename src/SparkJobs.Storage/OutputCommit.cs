namespace SparkJobs.Storage;

/// <summary>
/// Hadoop's output convention for a job's output directory. A job writes into a fresh attempt
/// directory under <c>&lt;dir&gt;/_temporary/</c>; <see cref="CommitAsync"/> moves the files into
/// <c>&lt;dir&gt;</c> and writes <c>&lt;dir&gt;/_SUCCESS</c> last. Until then readers and
/// coordinators see either the previous complete output or no <c>_SUCCESS</c> at all, and an
/// abandoned attempt (dispose without commit) is deleted while the previous output stays intact;
/// directories the attempt itself created, the output and any missing parents, go with it.
/// </summary>
public sealed class OutputCommit : IAsyncDisposable
{
    /// <summary>The name of the marker file written last by a successful commit.</summary>
    public const string SuccessMarker = "_SUCCESS";

    /// <summary>The name of the directory that holds attempts in progress.</summary>
    public const string TemporaryDirectory = "_temporary";

    private readonly IFileSystem _fs;

    // The highest directory on the output's path that did not exist before the attempt, or null.
    private readonly StoragePath? _createdRoot;
    private bool _done;

    private OutputCommit(
        IFileSystem fs, StoragePath output, StoragePath work, string attempt, StoragePath? createdRoot)
    {
        _fs = fs;
        _createdRoot = createdRoot;
        Output = output;
        WorkPath = work;
        Attempt = attempt;
    }

    /// <summary>Gets the final output directory.</summary>
    public StoragePath Output { get; }

    /// <summary>Gets the directory the job writes into until it commits.</summary>
    public StoragePath WorkPath { get; }

    /// <summary>Gets the attempt's identifier.</summary>
    public string Attempt { get; }

    /// <summary>Starts an attempt to write <paramref name="output"/>.</summary>
    /// <param name="fs">The file system of <paramref name="output"/>.</param>
    /// <param name="output">The final output directory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The attempt, whose <see cref="WorkPath"/> exists and is empty.</returns>
    public static async Task<OutputCommit> BeginAsync(
        IFileSystem fs, StoragePath output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(output);
        var status = await fs.GetStatusAsync(output, cancellationToken);
        if (status is { IsDirectory: false })
        {
            throw new StorageException($"Output '{output}' is a file; pass a directory path for the job's output.");
        }

        StoragePath? createdRoot = null;
        if (status is null)
        {
            createdRoot = output;
            while (createdRoot.Parent is { } parent && await fs.GetStatusAsync(parent, cancellationToken) is null)
            {
                createdRoot = parent;
            }
        }

        var attempt = "attempt_" + Guid.NewGuid().ToString("N")[..12];
        var work = output.Combine(TemporaryDirectory).Combine(attempt);
        await fs.CreateDirectoryAsync(work, cancellationToken);
        return new OutputCommit(fs, output, work, attempt, createdRoot);
    }

    /// <summary>Tells whether a directory holds a committed output (its <c>_SUCCESS</c> marker exists).</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="output">The output directory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the marker exists.</returns>
    public static Task<bool> IsCompleteAsync(
        IFileSystem fs, StoragePath output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(output);
        return fs.ExistsAsync(output.Combine(SuccessMarker), cancellationToken);
    }

    /// <summary>
    /// Replaces the output directory's visible content with the attempt's files, then writes
    /// <c>_SUCCESS</c>. The previous content is moved aside first and deleted only after the new
    /// files are in place.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the output is committed.</returns>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var temporary = Output.Combine(TemporaryDirectory);
        var previous = temporary.Combine("previous_" + Attempt);

        // Take the marker away first: from here until the end, the directory is visibly incomplete.
        await _fs.DeleteAsync(Output.Combine(SuccessMarker), recursive: false, cancellationToken);
        var old = (await _fs.ListAsync(Output, cancellationToken))
            .Where(e => e.Path.Name != TemporaryDirectory)
            .ToList();
        if (old.Count > 0)
        {
            await _fs.CreateDirectoryAsync(previous, cancellationToken);
            foreach (var entry in old)
            {
                await MoveAsync(entry.Path, previous.Combine(entry.Path.Name), cancellationToken);
            }
        }

        foreach (var entry in await _fs.ListAsync(WorkPath, cancellationToken))
        {
            await MoveAsync(entry.Path, Output.Combine(entry.Path.Name), cancellationToken);
        }

        await _fs.TouchAsync(Output.Combine(SuccessMarker), cancellationToken);
        _done = true;
        await _fs.DeleteAsync(temporary, recursive: true, cancellationToken);
    }

    /// <summary>
    /// Abandons the attempt if it was not committed, deleting its files, and the output directory and its
    /// parents when this attempt created them and they are empty.
    /// </summary>
    /// <returns>A task that completes when the attempt's files are gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        await _fs.DeleteAsync(WorkPath, recursive: true);
        var temporary = Output.Combine(TemporaryDirectory);
        var left = await _fs.GetStatusAsync(temporary);
        if (left is { IsDirectory: true } && (await _fs.ListAsync(temporary)).Count == 0)
        {
            await _fs.DeleteAsync(temporary, recursive: false);
        }

        // A failed first run leaves no empty directory behind; one that existed before is never removed.
        for (var dir = Output; _createdRoot is not null && dir is not null; dir = dir.Parent)
        {
            if (await _fs.GetStatusAsync(dir) is not { IsDirectory: true } || (await _fs.ListAsync(dir)).Count > 0)
            {
                break;
            }

            await _fs.DeleteAsync(dir, recursive: false);
            if (dir == _createdRoot)
            {
                break;
            }
        }
    }

    private async Task MoveAsync(StoragePath from, StoragePath to, CancellationToken cancellationToken)
    {
        if (!await _fs.RenameAsync(from, to, cancellationToken))
        {
            throw new StorageException($"Could not move '{from}' to '{to}' while committing '{Output}'.");
        }
    }
}
