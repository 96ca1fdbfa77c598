using SparkJobs.Oozie.Model;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Engine;

/// <summary>Runs fs actions over the storage seam, checking every path before running any operation.</summary>
internal sealed class FsExecutor : IActionExecutor
{
    public async Task<ActionOutcome> ExecuteAsync(
        ActionContext context, Action<ExternalRef> reportExternal, CancellationToken cancellationToken)
    {
        var body = (FsAction)context.Node.Body;
        var resolved = new List<(FsOperation Op, StoragePath Path, StoragePath? Target)>();
        foreach (var op in body.Operations)
        {
            var (path, target) = op switch
            {
                FsMove m => (m.Source, (string?)m.Target),
                FsMkdir m => (m.Path, null),
                FsDelete d => (d.Path, null),
                FsTouchz t => (t.Path, null),
                FsChmod c => (c.Path, null),
                _ => throw new InvalidOperationException($"Unknown fs operation {op}."),
            };
            var checkedPath = Check(context.Evaluate(path), op);
            if (checkedPath.Error is not null)
            {
                return checkedPath.Error;
            }

            StoragePath? targetPath = null;
            if (target is not null)
            {
                var t = context.Evaluate(target);

                // A move target without a scheme is relative to the source's file system, as in Oozie.
                var c = Check(t.StartsWith('/') && !checkedPath.Path!.IsLocal ? checkedPath.Path.Scheme + "://" +
                    checkedPath.Path.Authority + t : t, op);
                if (c.Error is not null)
                {
                    return c.Error;
                }

                targetPath = c.Path;
            }

            resolved.Add((op, checkedPath.Path!, targetPath));
        }

        foreach (var (op, path, target) in resolved)
        {
            var fs = context.FileSystems.For(path);
            switch (op)
            {
                case FsMkdir:
                    await fs.CreateDirectoryAsync(path, cancellationToken);
                    break;
                case FsDelete:
                    await fs.DeleteAsync(path, recursive: true, cancellationToken);
                    break;
                case FsTouchz:
                    var status = await fs.GetStatusAsync(path, cancellationToken);
                    if (status is { IsDirectory: true } or { Length: > 0 })
                    {
                        return ActionOutcome.Failed("FS009",
                            $"touchz: '{path}' exists and is {(status.IsDirectory ? "a directory" : "not empty")}; " +
                            "touchz only creates empty files.");
                    }

                    if (status is null)
                    {
                        await fs.TouchAsync(path, cancellationToken);
                    }

                    break;
                case FsMove:
                    if (!await fs.ExistsAsync(path, cancellationToken))
                    {
                        return ActionOutcome.Failed("FS006", $"move: the source '{path}' does not exist.");
                    }

                    if (!await fs.RenameAsync(path, target!, cancellationToken))
                    {
                        return ActionOutcome.Failed("FS007",
                            $"move: could not move '{path}' to '{target}'; check that the target's parent exists.");
                    }

                    break;
                case FsChmod chmod:
                    var error = Chmod(path, chmod);
                    if (error is not null)
                    {
                        return error;
                    }

                    break;
            }
        }

        return ActionOutcome.Succeeded();
    }

    private static (StoragePath? Path, ActionOutcome? Error) Check(string text, FsOperation op)
    {
        var name = op.GetType().Name[2..].ToLowerInvariant();
        if (text.Length == 0 || (!text.Contains("://", StringComparison.Ordinal) && !text.StartsWith('/')
            && !text.StartsWith("file:", StringComparison.Ordinal)))
        {
            return (null, ActionOutcome.Failed("FS001",
                $"{name} at {op.Location}: the path '{text}' is not absolute; write a full path such as " +
                "${nameNode}/user/x or file:///tmp/x."));
        }

        try
        {
            return (StoragePath.Parse(text), null);
        }
        catch (StorageException e)
        {
            return (null, ActionOutcome.Failed("FS001", $"{name} at {op.Location}: {e.Message}"));
        }
    }

    private static ActionOutcome? Chmod(StoragePath path, FsChmod chmod)
    {
        if (!path.IsLocal || OperatingSystem.IsWindows())
        {
            return ActionOutcome.Failed("FS010",
                $"chmod of '{path}' is only available for local paths on Unix in oozie-lite.");
        }

        if (!TryParseMode(chmod.Permissions, out var mode))
        {
            return ActionOutcome.Failed("FS010",
                $"chmod at {chmod.Location}: permissions '{chmod.Permissions}' are not valid; " +
                "write octal such as 755 or symbolic such as -rwxr-xr-x.");
        }

        var local = path.LocalPath;
        if (!File.Exists(local) && !Directory.Exists(local))
        {
            return ActionOutcome.Failed("FS009", $"chmod: '{path}' does not exist.");
        }

        File.SetUnixFileMode(local, mode);
        if (Directory.Exists(local) && chmod.DirFiles)
        {
            var option = chmod.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
            foreach (var entry in Directory.EnumerateFileSystemEntries(local, "*", option))
            {
                if (chmod.Recursive || File.Exists(entry))
                {
                    File.SetUnixFileMode(entry, mode);
                }
            }
        }

        return null;
    }

    internal static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = UnixFileMode.None;
        text = text.Trim();
        if (text.Length is 3 or 4 && text.All(c => c is >= '0' and <= '7'))
        {
            mode = (UnixFileMode)Convert.ToInt32(text, 8);
            return true;
        }

        if (text.Length == 10)
        {
            text = text[1..];
        }

        if (text.Length != 9)
        {
            return false;
        }

        for (var i = 0; i < 9; i++)
        {
            var expected = "rwx"[i % 3];
            if (text[i] == expected)
            {
                mode |= (UnixFileMode)(1 << (8 - i));
            }
            else if (text[i] != '-')
            {
                return false;
            }
        }

        return true;
    }
}
