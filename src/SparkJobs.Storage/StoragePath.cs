namespace SparkJobs.Storage;

/// <summary>
/// A location on a file system, written the way Hadoop users write them: <c>file:///data/x</c>,
/// <c>hdfs://namenode:8020/data/x</c>, or a plain path (absolute or relative to the working directory),
/// which means the local file system.
/// </summary>
public sealed record StoragePath
{
    private StoragePath(string scheme, string authority, string path)
    {
        Scheme = scheme;
        Authority = authority;
        Path = path;
    }

    /// <summary>Gets the URI scheme in lower case, for example <c>file</c> or <c>hdfs</c>.</summary>
    public string Scheme { get; }

    /// <summary>Gets the host and port part of the URI; empty for local paths.</summary>
    public string Authority { get; }

    /// <summary>Gets the absolute path inside the file system, always starting with <c>/</c>.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the path is on the local file system.</summary>
    public bool IsLocal => Scheme == "file";

    /// <summary>Gets the last segment of the path, or an empty string for the root.</summary>
    public string Name
    {
        get
        {
            var trimmed = Path.TrimEnd('/');
            return trimmed[(trimmed.LastIndexOf('/') + 1)..];
        }
    }

    /// <summary>Gets the parent directory, or <see langword="null"/> for the root.</summary>
    public StoragePath? Parent
    {
        get
        {
            var trimmed = Path.TrimEnd('/');
            if (trimmed.Length == 0)
            {
                return null;
            }

            var cut = trimmed.LastIndexOf('/');
            return new StoragePath(Scheme, Authority, cut <= 0 ? "/" : trimmed[..cut]);
        }
    }

    /// <summary>Gets the path as an operating-system path; only valid for local paths.</summary>
    public string LocalPath => IsLocal
        ? Path
        : throw new InvalidOperationException($"'{this}' is not on the local file system.");

    /// <summary>Parses a URI or a local path.</summary>
    /// <param name="text">A URI with a scheme, or an absolute or relative local path.</param>
    /// <returns>The parsed path.</returns>
    /// <exception cref="StorageException">The text is empty or not a valid URI.</exception>
    public static StoragePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new StorageException(
                "An empty path was given; pass a path such as /data/x or hdfs://nn:8020/data/x.");
        }

        var schemeEnd = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            if (trimmed.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                // file:/x, the form Hadoop's Path.toString() produces for local paths.
                return FromLocal(trimmed["file:".Length..]);
            }

            return FromLocal(trimmed);
        }

        var scheme = trimmed[..schemeEnd].ToLowerInvariant();
        if (scheme.Length == 0 || !scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            throw new StorageException($"'{text}' does not start with a valid URI scheme such as file:// or hdfs://.");
        }

        var rest = trimmed[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        if (scheme == "file")
        {
            if (authority.Length > 0 && authority != "localhost")
            {
                throw new StorageException(
                    $"'{text}' names host '{authority}' in a file:// URI; write file:///path (three slashes).");
            }

            return FromLocal(path);
        }

        return new StoragePath(scheme, authority, Normalize(Uri.UnescapeDataString(path)));
    }

    /// <summary>Makes a path from an operating-system path, resolving it against the working directory.</summary>
    /// <param name="localPath">An absolute or relative local path.</param>
    /// <returns>The local path.</returns>
    public static StoragePath FromLocal(string localPath) =>
        new("file", string.Empty, Normalize(System.IO.Path.GetFullPath(localPath)));

    /// <summary>Returns the child with the given relative name, which may contain several segments.</summary>
    /// <param name="relative">A relative path such as <c>part-00000.parquet</c> or <c>a/b</c>.</param>
    /// <returns>The child path.</returns>
    public StoragePath Combine(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        if (relative.StartsWith('/'))
        {
            throw new ArgumentException(
                $"'{relative}' is absolute; pass a name relative to '{this}'.", nameof(relative));
        }

        return new StoragePath(Scheme, Authority, Normalize(Path.TrimEnd('/') + "/" + relative));
    }

    /// <summary>Tells whether this path is the same as, or lies under, <paramref name="root"/>.</summary>
    /// <param name="root">The candidate ancestor.</param>
    /// <returns><see langword="true"/> when this path is inside <paramref name="root"/>.</returns>
    public bool IsUnder(StoragePath root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (Scheme != root.Scheme || !string.Equals(Authority, root.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var prefix = root.Path.TrimEnd('/') + "/";
        return Path == root.Path || Path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override string ToString() => IsLocal
        ? "file://" + Path
        : $"{Scheme}://{Authority}{Path}";

    private static string Normalize(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        return "/" + string.Join('/', segments);
    }
}
