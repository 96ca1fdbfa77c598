namespace SparkJobs.Storage;

/// <summary>The local file system, addressed with <c>file://</c> paths.</summary>
public sealed class LocalFileSystem : IFileSystem
{
    /// <summary>Gets the shared instance.</summary>
    public static LocalFileSystem Instance { get; } = new();

    /// <inheritdoc/>
    public Task<FileStatus?> GetStatusAsync(StoragePath path, CancellationToken cancellationToken = default)
    {
        var local = Local(path);
        if (Directory.Exists(local))
        {
            var info = new DirectoryInfo(local);
            return Task.FromResult<FileStatus?>(new FileStatus(path, true, 0, info.LastWriteTimeUtc));
        }

        if (File.Exists(local))
        {
            var info = new FileInfo(local);
            return Task.FromResult<FileStatus?>(new FileStatus(path, false, info.Length, info.LastWriteTimeUtc));
        }

        return Task.FromResult<FileStatus?>(null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<FileStatus>> ListAsync(
        StoragePath directory, CancellationToken cancellationToken = default)
    {
        var local = Local(directory);
        if (!Directory.Exists(local))
        {
            throw new StorageException($"Directory '{directory}' does not exist.");
        }

        var entries = new DirectoryInfo(local).EnumerateFileSystemInfos()
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new FileStatus(
                directory.Combine(e.Name),
                e is DirectoryInfo,
                e is FileInfo f ? f.Length : 0,
                e.LastWriteTimeUtc))
            .ToList();
        return Task.FromResult<IReadOnlyList<FileStatus>>(entries);
    }

    /// <inheritdoc/>
    public Task CreateDirectoryAsync(StoragePath directory, CancellationToken cancellationToken = default)
    {
        var local = Local(directory);
        if (File.Exists(local))
        {
            throw new StorageException($"Cannot create directory '{directory}': a file of that name exists.");
        }

        Directory.CreateDirectory(local);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(StoragePath file, CancellationToken cancellationToken = default)
    {
        var local = Local(file);
        if (!File.Exists(local))
        {
            throw new StorageException(Directory.Exists(local)
                ? $"'{file}' is a directory; name a file inside it."
                : $"File '{file}' does not exist.");
        }

        return Task.FromResult<Stream>(new FileStream(
            local, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous));
    }

    /// <inheritdoc/>
    /// <remarks>A local file is opened as a <see cref="FileStream"/>, which seeks on its own.</remarks>
    public Task<Stream> OpenReadSeekableAsync(StoragePath file, CancellationToken cancellationToken = default) =>
        OpenReadAsync(file, cancellationToken);

    /// <inheritdoc/>
    public Task<Stream> CreateAsync(StoragePath file, bool overwrite, CancellationToken cancellationToken = default)
    {
        var local = Local(file);
        if (Directory.Exists(local))
        {
            throw new StorageException($"Cannot write file '{file}': a directory of that name exists.");
        }

        if (!overwrite && File.Exists(local))
        {
            throw new StorageException($"File '{file}' already exists and overwrite was not requested.");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(local)!);
        return Task.FromResult<Stream>(new FileStream(
            local, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <inheritdoc/>
    public Task<bool> RenameAsync(
        StoragePath source, StoragePath destination, CancellationToken cancellationToken = default)
    {
        var from = Local(source);
        var to = Local(destination);
        if (File.Exists(to) || Directory.Exists(to))
        {
            return Task.FromResult(false);
        }

        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
            return Task.FromResult(true);
        }

        if (File.Exists(from))
        {
            File.Move(from, to);
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(StoragePath path, bool recursive, CancellationToken cancellationToken = default)
    {
        var local = Local(path);
        if (Directory.Exists(local))
        {
            if (!recursive && Directory.EnumerateFileSystemEntries(local).Any())
            {
                throw new StorageException(
                    $"Directory '{path}' is not empty; delete it recursively or empty it first.");
            }

            Directory.Delete(local, recursive);
            return Task.FromResult(true);
        }

        if (File.Exists(local))
        {
            File.Delete(local);
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    private static string Local(StoragePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.IsLocal)
        {
            throw new StorageException($"'{path}' is not a local path; the local file system handles file:// only.");
        }

        return path.LocalPath;
    }
}
