namespace SparkJobs.Storage;

/// <summary>
/// The one way our code touches files. Implementations exist for the local file system and for HDFS;
/// every method takes full paths of the implementation's scheme.
/// </summary>
public interface IFileSystem
{
    /// <summary>Gets the status of a path, or <see langword="null"/> when nothing exists there.</summary>
    /// <param name="path">The path to look up.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status, or <see langword="null"/>.</returns>
    Task<FileStatus?> GetStatusAsync(StoragePath path, CancellationToken cancellationToken = default);

    /// <summary>Lists the direct children of a directory, sorted by name.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The children.</returns>
    /// <exception cref="StorageException">The directory does not exist.</exception>
    Task<IReadOnlyList<FileStatus>> ListAsync(StoragePath directory, CancellationToken cancellationToken = default);

    /// <summary>Creates a directory and any missing parents; succeeds when it already exists.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the directory exists.</returns>
    Task CreateDirectoryAsync(StoragePath directory, CancellationToken cancellationToken = default);

    /// <summary>Opens a file for reading, streaming from the start.</summary>
    /// <param name="file">The file.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A readable stream the caller disposes.</returns>
    /// <exception cref="StorageException">The file does not exist.</exception>
    Task<Stream> OpenReadAsync(StoragePath file, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a file for random access: the stream knows its length and can seek, and reads fetch only
    /// the parts of the file that are read, so a reader can jump to a footer and then to the sections it names.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A readable, seekable stream the caller disposes.</returns>
    /// <exception cref="StorageException">The file does not exist or is a directory.</exception>
    Task<Stream> OpenReadSeekableAsync(StoragePath file, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (or with <paramref name="overwrite"/> replaces) a file and returns a stream to write it.
    /// </summary>
    /// <param name="file">The file; its parent directories are created.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A writable stream; the file is complete when the stream is disposed.</returns>
    Task<Stream> CreateAsync(StoragePath file, bool overwrite, CancellationToken cancellationToken = default);

    /// <summary>Renames a file or directory; the destination must not exist.</summary>
    /// <param name="source">The existing path.</param>
    /// <param name="destination">The new path; its parent must exist.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the rename happened.</returns>
    Task<bool> RenameAsync(StoragePath source, StoragePath destination, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file, or a directory (which must be empty unless <paramref name="recursive"/>).</summary>
    /// <param name="path">The path.</param>
    /// <param name="recursive">Whether a non-empty directory may be deleted with its contents.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when something was deleted.</returns>
    Task<bool> DeleteAsync(StoragePath path, bool recursive, CancellationToken cancellationToken = default);
}
