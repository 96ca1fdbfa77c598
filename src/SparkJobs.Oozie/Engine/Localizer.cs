using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>Puts an action's files and archives into its working directory, as YARN's localiser does.</summary>
/// <remarks>Archives are unpacked once into a cache keyed by path, size and modification time.</remarks>
internal sealed class Localizer(string cacheDirectory, FileSystems fileSystems)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    /// <summary>Splits <c>path#link</c> and resolves the path against the app directory.</summary>
    public static (StoragePath Path, string Link) Resolve(string entry, StoragePath appDirectory)
    {
        var hash = entry.LastIndexOf('#');
        var pathText = hash >= 0 ? entry[..hash] : entry;
        var path = pathText.Contains("://", StringComparison.Ordinal) || pathText.StartsWith('/')
            || pathText.StartsWith("file:", StringComparison.Ordinal)
            ? StoragePath.Parse(pathText)
            : appDirectory.Combine(pathText);
        var link = hash >= 0 ? entry[(hash + 1)..] : path.Name;
        if (link.Length == 0 || link.Contains('/', StringComparison.Ordinal) || link is "." or "..")
        {
            throw new OozieException("E0701",
                $"The link name '{link}' in '{entry}' is not a plain file name; " +
                "write path#name with a name such as run.sh.");
        }

        return (path, link);
    }

    public async Task LocalizeFileAsync(string entry, StoragePath appDirectory, string workDir, CancellationToken ct)
    {
        var (path, link) = Resolve(entry, appDirectory);
        var target = Path.Combine(workDir, link);
        var fs = fileSystems.For(path);
        var status = await fs.GetStatusAsync(path, ct)
            ?? throw new OozieException("JA008", $"The <file> '{entry}' does not exist (resolved to {path}).");
        if (path.IsLocal)
        {
            // Like YARN, link instead of copying: published jobs can be large and are only read.
            File.CreateSymbolicLink(target, path.LocalPath);
            return;
        }

        if (status.IsDirectory)
        {
            throw new OozieException("JA008", $"The <file> '{entry}' is a directory on {path.Scheme}; list its files.");
        }

        await using var input = await fs.OpenReadAsync(path, ct);
        await using var output = File.Create(target);
        await input.CopyToAsync(output, ct);
    }

    public async Task LocalizeArchiveAsync(string entry, StoragePath appDirectory, string workDir, CancellationToken ct)
    {
        var (path, link) = Resolve(entry, appDirectory);
        var fs = fileSystems.For(path);
        var status = await fs.GetStatusAsync(path, ct);
        if (status is null || status.IsDirectory)
        {
            throw new OozieException("JA008", $"The <archive> '{entry}' is not a file (resolved to {path}).");
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{path}|{status.Length}|{status.ModificationTime.UtcTicks}")))[..24].ToLowerInvariant();
        var cached = Path.Combine(cacheDirectory, key);
        var gate = Locks.GetOrAdd(cached, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (!Directory.Exists(cached))
            {
                await UnpackAsync(fs, path, cached, ct);
            }
        }
        finally
        {
            gate.Release();
        }

        Directory.CreateSymbolicLink(Path.Combine(workDir, link), cached);
    }

    // Unpacks into a temporary sibling and renames it into place, so a crash never leaves a half-filled cache entry
    // and another process racing on the same archive sees either nothing or all of it.
    private static async Task UnpackAsync(IFileSystem fs, StoragePath path, string cached, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        var temp = cached + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(temp);
        try
        {
            await using (var input = await fs.OpenReadAsync(path, ct))
            {
                var name = path.Name.ToLowerInvariant();
                if (name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".jar", StringComparison.Ordinal))
                {
                    await ZipFile.ExtractToDirectoryAsync(input, temp, ct);
                }
                else if (name.EndsWith(".tar.gz", StringComparison.Ordinal)
                    || name.EndsWith(".tgz", StringComparison.Ordinal))
                {
                    await using var gzip = new GZipStream(input, CompressionMode.Decompress);
                    await TarFile.ExtractToDirectoryAsync(gzip, temp, overwriteFiles: false, ct);
                }
                else if (name.EndsWith(".tar", StringComparison.Ordinal))
                {
                    await TarFile.ExtractToDirectoryAsync(input, temp, overwriteFiles: false, ct);
                }
                else
                {
                    throw new OozieException("JA008",
                        $"The <archive> '{path}' is not .tar.gz, .tgz, .tar, .zip or .jar; " +
                        "use <file> for other files.");
                }
            }

            try
            {
                Directory.Move(temp, cached);
            }
            catch (IOException) when (Directory.Exists(cached))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }
}
