namespace SparkJobs.Oozie.Server;

/// <summary>
/// Resolves local paths as the kernel does when it opens them (realpath): every symbolic link on the way
/// is followed to its final target and <c>..</c> steps up from where the links led, so that a containment
/// check sees the file that would actually be read rather than the name it was asked for.
/// </summary>
/// <remarks>Components that do not exist are kept as written, so a path can be checked before it is created.
/// Paths are Unix paths; the server runs on Linux.</remarks>
internal static class PhysicalPath
{
    // Linux gives up on one lookup after 40 links (ELOOP); a longer chain is a loop or an attack.
    private const int MaxLinks = 40;

    /// <summary>Returns the physical, absolute form of a path.</summary>
    /// <param name="path">An absolute path, or one relative to the current directory.</param>
    /// <returns>The path with every symbolic link resolved and no <c>.</c> or <c>..</c> left.</returns>
    /// <exception cref="IOException">The links loop, or a link cannot be read.</exception>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pending = new Stack<string>();
        Push(pending, Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path));
        var resolved = "/";
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var next = Path.Join(resolved, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                resolved = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException(
                    $"'{path}' passes through more than {MaxLinks} symbolic links; they probably form a loop.");
            }

            // The target replaces this component: relative targets continue from the link's directory.
            Push(pending, target);
            if (Path.IsPathRooted(target))
            {
                resolved = "/";
            }
        }

        return resolved;
    }

    /// <summary>Tells whether a physical path is a root or lies below it.</summary>
    /// <param name="path">A physical path.</param>
    /// <param name="root">A physical directory path.</param>
    /// <returns><see langword="true"/> when <paramref name="path"/> is inside <paramref name="root"/>.</returns>
    public static bool IsUnder(string path, string root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var withSeparator = root.EndsWith('/') ? root : root + "/";
        return path == root || path.StartsWith(withSeparator, StringComparison.Ordinal);
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
