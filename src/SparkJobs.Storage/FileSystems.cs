using SparkJobs.Storage.WebHdfs;

namespace SparkJobs.Storage;

/// <summary>Finds the file system that serves a path's scheme.</summary>
public sealed class FileSystems
{
    private readonly Dictionary<string, IFileSystem> _byScheme = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="FileSystems"/> class with the local file system.</summary>
    public FileSystems()
    {
        _byScheme["file"] = LocalFileSystem.Instance;
    }

    /// <summary>Gets a registry with only the local file system, for embedded runs.</summary>
    public static FileSystems Default { get; } = new();

    /// <summary>
    /// Creates a registry with the local file system and WebHDFS for <c>hdfs://</c>, <c>webhdfs://</c> and
    /// <c>swebhdfs://</c>, configured from <paramref name="configuration"/>.
    /// </summary>
    /// <param name="configuration">The Hadoop configuration; <c>$HADOOP_CONF_DIR</c>'s site files when null.</param>
    /// <param name="options">WebHDFS timeouts and retries; the defaults when null.</param>
    /// <returns>The registry; its WebHDFS client keeps its connections for the life of the process.</returns>
    public static FileSystems CreateDefault(HadoopConfiguration? configuration = null, WebHdfsOptions? options = null)
    {
        var webHdfs = new WebHdfsFileSystem(configuration ?? HadoopConfiguration.Load(), options);
        return new FileSystems()
            .Register("hdfs", webHdfs)
            .Register("webhdfs", webHdfs)
            .Register("swebhdfs", webHdfs);
    }

    /// <summary>Registers the file system for a scheme, replacing any earlier one.</summary>
    /// <param name="scheme">The scheme, for example <c>hdfs</c>.</param>
    /// <param name="fileSystem">The implementation.</param>
    /// <returns>This registry.</returns>
    public FileSystems Register(string scheme, IFileSystem fileSystem)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(fileSystem);
        _byScheme[scheme.ToLowerInvariant()] = fileSystem;
        return this;
    }

    /// <summary>Returns the file system for a path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The file system for its scheme.</returns>
    /// <exception cref="StorageException">No file system serves that scheme.</exception>
    public IFileSystem For(StoragePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_byScheme.TryGetValue(path.Scheme, out var fs))
        {
            return fs;
        }

        var known = string.Join(", ", _byScheme.Keys.Order(StringComparer.Ordinal).Select(k => k + "://"));
        throw new StorageException($"No file system is configured for '{path}'; the schemes available are {known}.");
    }
}
