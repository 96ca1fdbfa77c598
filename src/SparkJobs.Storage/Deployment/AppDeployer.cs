using System.Security.Cryptography;
using System.Text.Json;

namespace SparkJobs.Storage.Deployment;

/// <summary>
/// Uploads an Oozie application directory (workflow.xml, coordinator.xml or bundle.xml, config-default.xml,
/// lib/) to a directory on any file system, so that an interrupted run can simply be run again.
/// </summary>
/// <remarks>
/// <para>Each file goes to a hidden temporary name (<c>.&lt;name&gt;._COPYING_</c>, hidden by Hadoop's rule so
/// no job or Oozie lists it), its size is checked against the source, and only then is it renamed to its
/// final name: a reader sees the old file, briefly no file, or the new file, never a truncated one.
/// Temporary files left by an interrupted run are deleted by the next one.</para>
/// <para>The target's <c>.sparkjobs-deploy.json</c> records, for each file this deployer uploaded, its size,
/// SHA-256 and the modification time the target reported after the rename. A file is skipped when the
/// target's copy still has that size and modification time and the source's SHA-256 matches the record;
/// anything else (a missing record, a file changed on either side) is uploaded again. The record is
/// rewritten after every file, so a rerun skips what an interrupted run completed. Files the record lists
/// that the source no longer has are deleted; files the deployer did not upload are never touched.</para>
/// </remarks>
public static class AppDeployer
{
    /// <summary>The name of the record of what was deployed, kept in the target directory.</summary>
    public const string ManifestName = ".sparkjobs-deploy.json";

    /// <summary>The suffix of files being uploaded.</summary>
    public const string TemporarySuffix = "._COPYING_";

    private static readonly string[] AppDefinitions = ["workflow.xml", "coordinator.xml", "bundle.xml"];
    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    /// <summary>Deploys an application directory to a target directory, uploading only what changed.</summary>
    /// <param name="source">The application directory, for example <c>artifacts/apps/fashion-mnist</c>.</param>
    /// <param name="target">The directory to deploy to, for example
    /// <c>hdfs://namenode:8020/user/alice/sparkjobs/apps/fashion-mnist</c>.</param>
    /// <param name="fileSystems">The file systems that serve the two paths.</param>
    /// <param name="progress">Receives a report per file; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the deployment; a rerun continues where it stopped.</param>
    /// <returns>What was uploaded, skipped and removed.</returns>
    /// <exception cref="StorageException">The source is not an application directory, or a file could not
    /// be uploaded; the message names the file and what to do.</exception>
    public static async Task<DeploySummary> DeployAsync(
        StoragePath source,
        StoragePath target,
        FileSystems fileSystems,
        IProgress<DeployProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fileSystems);
        var from = fileSystems.For(source);
        var to = fileSystems.For(target);
        var files = await SourceFilesAsync(from, source, cancellationToken);

        if (await to.GetStatusAsync(target, cancellationToken) is { IsDirectory: false })
        {
            throw new StorageException(
                $"Deploy target '{target}' is a file; pass the directory the application should live in.");
        }

        await to.CreateDirectoryAsync(target, cancellationToken);
        var remote = await RemoteFilesAsync(to, target, cancellationToken);
        var manifest = await ReadManifestAsync(to, target, cancellationToken);
        var uploaded = new List<string>();
        var skipped = new List<string>();
        long bytes = 0;

        for (var i = 0; i < files.Count; i++)
        {
            var (relative, length) = files[i];
            var sha256 = await HashAsync(from, source.Combine(relative), cancellationToken);
            remote.TryGetValue(relative, out var present);
            if (present is not null && manifest.TryGetValue(relative, out var recorded) && recorded.Sha256 == sha256
                && recorded.Length == length && present.Length == length
                && recorded.ModificationTime == present.ModificationTime.ToUnixTimeMilliseconds())
            {
                skipped.Add(relative);
                progress?.Report(new DeployProgress(DeployStep.Skipped, relative, length, i + 1, files.Count));
                continue;
            }

            progress?.Report(new DeployProgress(DeployStep.Uploading, relative, length, i + 1, files.Count));
            var placed = await UploadAsync(
                from, source.Combine(relative), to, target.Combine(relative), length, present, cancellationToken);
            manifest[relative] = new ManifestEntry(length, sha256, placed.ModificationTime.ToUnixTimeMilliseconds());
            await WriteManifestAsync(to, target, manifest, cancellationToken);
            uploaded.Add(relative);
            bytes += length;
            progress?.Report(new DeployProgress(DeployStep.Uploaded, relative, length, i + 1, files.Count));
        }

        var removed = new List<string>();
        var wanted = files.Select(f => f.Relative).ToHashSet(StringComparer.Ordinal);
        foreach (var relative in manifest.Keys.Where(k => !wanted.Contains(k)).Order(StringComparer.Ordinal).ToList())
        {
            await to.DeleteAsync(target.Combine(relative), recursive: false, cancellationToken);
            manifest.Remove(relative);
            removed.Add(relative);
            progress?.Report(new DeployProgress(DeployStep.Removed, relative, 0, 0, files.Count));
        }

        if (removed.Count > 0)
        {
            await WriteManifestAsync(to, target, manifest, cancellationToken);
        }

        return new DeploySummary(source, target, uploaded, skipped, removed, bytes);
    }

    private static string TemporaryName(string name) => "." + name.TrimStart('.') + TemporarySuffix;

    private static async Task<List<(string Relative, long Length)>> SourceFilesAsync(
        IFileSystem fs, StoragePath source, CancellationToken cancellationToken)
    {
        var status = await fs.GetStatusAsync(source, cancellationToken);
        if (status is not { IsDirectory: true })
        {
            throw new StorageException(status is null
                ? $"Application directory '{source}' does not exist; build it first (./build.sh --target=Package)."
                : $"'{source}' is a file; pass the application directory that holds workflow.xml.");
        }

        var files = new List<(string, long)>();
        await CollectAsync(fs, source, string.Empty, files, cancellationToken);
        if (!files.Any(f => AppDefinitions.Contains(f.Item1, StringComparer.Ordinal)))
        {
            throw new StorageException(
                $"'{source}' holds no workflow.xml, coordinator.xml or bundle.xml at its top; pass an Oozie " +
                "application directory such as artifacts/apps/fashion-mnist (./build.sh --target=Package makes it).");
        }

        return files.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    // Names starting with a dot are editor and checksum litter, never part of an application.
    private static async Task CollectAsync(
        IFileSystem fs, StoragePath dir, string prefix, List<(string, long)> files, CancellationToken token)
    {
        foreach (var entry in await fs.ListAsync(dir, token))
        {
            if (entry.Path.Name.StartsWith('.'))
            {
                continue;
            }

            var relative = prefix + entry.Path.Name;
            if (entry.IsDirectory)
            {
                await CollectAsync(fs, entry.Path, relative + "/", files, token);
            }
            else
            {
                files.Add((relative, entry.Length));
            }
        }
    }

    // Lists the target once (one call per directory, not one per file) and clears out what an
    // interrupted run left under temporary names.
    private static async Task<Dictionary<string, FileStatus>> RemoteFilesAsync(
        IFileSystem fs, StoragePath target, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, FileStatus>(StringComparer.Ordinal);
        var pending = new Queue<(StoragePath Dir, string Prefix)>();
        pending.Enqueue((target, string.Empty));
        while (pending.TryDequeue(out var next))
        {
            foreach (var entry in await fs.ListAsync(next.Dir, cancellationToken))
            {
                var name = entry.Path.Name;
                if (name.EndsWith(TemporarySuffix, StringComparison.Ordinal) && name.StartsWith('.'))
                {
                    await fs.DeleteAsync(entry.Path, recursive: false, cancellationToken);
                }
                else if (entry.IsDirectory)
                {
                    pending.Enqueue((entry.Path, next.Prefix + name + "/"));
                }
                else
                {
                    result[next.Prefix + name] = entry;
                }
            }
        }

        return result;
    }

    private static async Task<FileStatus> UploadAsync(
        IFileSystem from,
        StoragePath file,
        IFileSystem to,
        StoragePath destination,
        long length,
        FileStatus? present,
        CancellationToken cancellationToken)
    {
        var parent = destination.Parent!;
        var temporary = parent.Combine(TemporaryName(destination.Name));
        await using (var input = await from.OpenReadAsync(file, cancellationToken))
        await using (var output = await to.CreateAsync(temporary, overwrite: true, cancellationToken))
        {
            await input.CopyToAsync(output, 1 << 20, cancellationToken);
        }

        var sent = await to.GetStatusAsync(temporary, cancellationToken);
        if (sent is null || sent.Length != length)
        {
            await to.DeleteAsync(temporary, recursive: false, cancellationToken);
            var got = sent is null ? "no file" : $"{sent.Length} bytes";
            throw new StorageException(
                $"Uploading '{file}' to '{destination}' gave {got} instead of {length} bytes; the partial copy " +
                $"was deleted and '{destination}' left as it was. " +
                "Run the deployment again; if it recurs, check the cluster's DataNodes.");
        }

        if (present is not null)
        {
            await to.DeleteAsync(destination, recursive: false, cancellationToken);
        }

        if (!await to.RenameAsync(temporary, destination, cancellationToken))
        {
            throw new StorageException(
                $"Could not rename the uploaded '{temporary}' to '{destination}'; something may have been " +
                "created there meanwhile. Remove it and run the deployment again.");
        }

        return await to.GetStatusAsync(destination, cancellationToken)
            ?? throw new StorageException($"'{destination}' vanished right after it was renamed into place.");
    }

    private static async Task<string> HashAsync(IFileSystem fs, StoragePath file, CancellationToken cancellationToken)
    {
        await using var stream = await fs.OpenReadAsync(file, cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static async Task<Dictionary<string, ManifestEntry>> ReadManifestAsync(
        IFileSystem fs, StoragePath target, CancellationToken cancellationToken)
    {
        var path = target.Combine(ManifestName);
        if (await fs.GetStatusAsync(path, cancellationToken) is not { IsDirectory: false })
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(await fs.ReadAllTextAsync(path, cancellationToken));
            return new(manifest?.Files ?? [], StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // An unreadable record only costs a full upload; the files themselves are checked anyway.
            return new(StringComparer.Ordinal);
        }
    }

    private static async Task WriteManifestAsync(
        IFileSystem fs, StoragePath target, Dictionary<string, ManifestEntry> files, CancellationToken token)
    {
        var path = target.Combine(ManifestName);
        var temporary = target.Combine(TemporaryName(ManifestName));
        var json = JsonSerializer.Serialize(new Manifest(1, files), ManifestJson);
        await fs.WriteAllTextAsync(temporary, json, token);
        await fs.DeleteAsync(path, recursive: false, token);
        if (!await fs.RenameAsync(temporary, path, token))
        {
            throw new StorageException($"Could not rename '{temporary}' to '{path}'; remove both and deploy again.");
        }
    }

    private sealed record Manifest(int Version, Dictionary<string, ManifestEntry> Files);

    private sealed record ManifestEntry(long Length, string Sha256, long ModificationTime);
}
