using System.Text;

namespace SparkJobs.Storage;

/// <summary>Conveniences over <see cref="IFileSystem"/> that every implementation gets for free.</summary>
public static class FileSystemExtensions
{
    /// <summary>Tells whether anything exists at a path.</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="path">The path.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when a file or directory exists there.</returns>
    public static async Task<bool> ExistsAsync(
        this IFileSystem fs, StoragePath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        return await fs.GetStatusAsync(path, cancellationToken) is not null;
    }

    /// <summary>Reads a whole file as UTF-8 text.</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="file">The file.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The text.</returns>
    public static async Task<string> ReadAllTextAsync(
        this IFileSystem fs, StoragePath file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        await using var stream = await fs.OpenReadAsync(file, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Writes a whole file as UTF-8 text, replacing any earlier content.</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="file">The file.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task WriteAllTextAsync(
        this IFileSystem fs, StoragePath file, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        await using var stream = await fs.CreateAsync(file, overwrite: true, cancellationToken);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Creates an empty file, replacing any earlier one (Hadoop's <c>touchz</c>).</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="file">The file.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the file exists.</returns>
    public static async Task TouchAsync(
        this IFileSystem fs, StoragePath file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        await using var stream = await fs.CreateAsync(file, overwrite: true, cancellationToken);
    }

    /// <summary>Lists every file below a directory, depth first, skipping names that start with _ or .
    /// (Hadoop's hidden-file rule, which keeps <c>_SUCCESS</c> and <c>_temporary</c> out).</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The data files, sorted by path.</returns>
    public static async Task<IReadOnlyList<FileStatus>> ListDataFilesAsync(
        this IFileSystem fs, StoragePath directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var result = new List<FileStatus>();
        foreach (var entry in await fs.ListAsync(directory, cancellationToken))
        {
            if (IsHidden(entry.Path.Name))
            {
                continue;
            }

            if (entry.IsDirectory)
            {
                result.AddRange(await fs.ListDataFilesAsync(entry.Path, cancellationToken));
            }
            else
            {
                result.Add(entry);
            }
        }

        return result;
    }

    /// <summary>Tells whether a file name is hidden by Hadoop's convention (starts with _ or .).</summary>
    /// <param name="name">A file name.</param>
    /// <returns><see langword="true"/> for hidden names.</returns>
    public static bool IsHidden(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith('_') || name.StartsWith('.');
    }
}
