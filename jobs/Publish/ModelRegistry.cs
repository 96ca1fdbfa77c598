using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SparkJobs.Hosting;
using SparkJobs.Storage;

namespace SparkJobs.Publish;

/// <summary>What to publish, and the facts the lineage record keeps about where it came from.</summary>
/// <param name="Model">The committed output of the Train job.</param>
/// <param name="Evaluation">The committed output of the Evaluate job.</param>
/// <param name="InputData">The data the model was trained from; its checksum goes into the lineage.</param>
/// <param name="WorkflowId">The id of the workflow job that produced the model.</param>
/// <param name="Properties">The job properties worth recording (hyperparameters and paths).</param>
/// <param name="MinAccuracy">When set, publishing is refused below this test accuracy.</param>
internal sealed record PublishRequest(
    StoragePath Model,
    StoragePath Evaluation,
    StoragePath? InputData,
    string WorkflowId,
    IReadOnlyDictionary<string, string> Properties,
    double? MinAccuracy);

/// <summary>A published version.</summary>
/// <param name="Version">The version name, <c>v1</c>, <c>v2</c>, and so on.</param>
/// <param name="Path">The version's directory.</param>
/// <param name="Accuracy">The test accuracy recorded with it.</param>
internal sealed record PublishedModel(string Version, StoragePath Path, double Accuracy);

/// <summary>
/// A versioned model registry on the storage seam: <c>&lt;root&gt;/v&lt;N&gt;/</c> holds one model with its
/// metrics, plots and lineage record, and <c>&lt;root&gt;/current</c> names the version to serve.
/// A version directory appears in one rename, complete; a failed publish leaves only <c>_temporary</c>.
/// </summary>
internal sealed class ModelRegistry(IFileSystem fs, StoragePath root, TimeProvider time)
{
    /// <summary>The name of the pointer file that holds the current version's name.</summary>
    public const string CurrentPointer = "current";

    private const string LineageFile = "lineage.json";

    /// <summary>Lists the published versions in ascending order.</summary>
    public async Task<IReadOnlyList<string>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        if (await fs.GetStatusAsync(root, cancellationToken) is not { IsDirectory: true })
        {
            return [];
        }

        return (await fs.ListAsync(root, cancellationToken))
            .Where(e => e.IsDirectory && VersionNumber(e.Path.Name) > 0)
            .Select(e => e.Path.Name)
            .OrderBy(VersionNumber)
            .ToList();
    }

    /// <summary>Reads the current pointer, or returns <see langword="null"/> when nothing was published.</summary>
    public async Task<string?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var pointer = root.Combine(CurrentPointer);
        return await fs.ExistsAsync(pointer, cancellationToken)
            ? (await fs.ReadAllTextAsync(pointer, cancellationToken)).Trim()
            : null;
    }

    /// <summary>Publishes a new version and moves the current pointer to it.</summary>
    public async Task<PublishedModel> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await RequireCommittedAsync(request.Model, "model", "model.pt", cancellationToken);
        await RequireCommittedAsync(request.Evaluation, "evaluation", "metrics.json", cancellationToken);
        var metrics = await ReadJsonAsync(request.Evaluation.Combine("metrics.json"), cancellationToken);
        var accuracy = metrics["accuracy"]?.GetValue<double>()
            ?? throw new JobException($"'{request.Evaluation.Combine("metrics.json")}' has no numeric 'accuracy' "
                + "field; it must be the metrics.json that the evaluate job writes.");
        RequireSameModel(request, metrics);
        if (request.MinAccuracy is { } min && accuracy < min)
        {
            throw new JobException(FormattableString.Invariant(
                $"test accuracy {accuracy:0.####} is below the minimum {min:0.####}; nothing was published. ")
                + "Train longer or lower minAccuracy if this model is good enough.");
        }

        var staging = TemporaryPath("publish_");
        await fs.CreateDirectoryAsync(staging, cancellationToken);
        try
        {
            var files = new JsonArray();
            foreach (var source in new[] { request.Model, request.Evaluation })
            {
                foreach (var entry in await fs.ListAsync(source, cancellationToken))
                {
                    if (entry.IsDirectory || FileSystemExtensions.IsHidden(entry.Path.Name))
                    {
                        continue;
                    }

                    var hash = await CopyAsync(entry.Path, staging.Combine(entry.Path.Name), cancellationToken);
                    files.Add(new JsonObject
                    {
                        ["name"] = entry.Path.Name,
                        ["bytes"] = entry.Length,
                        ["sha256"] = hash,
                    });
                }
            }

            var lineage = await BuildLineageAsync(request, accuracy, files, cancellationToken);
            await fs.WriteAllTextAsync(staging.Combine(LineageFile), lineage, cancellationToken);
            await fs.TouchAsync(staging.Combine(OutputCommit.SuccessMarker), cancellationToken);

            var published = await MoveIntoNextVersionAsync(staging, accuracy, cancellationToken);
            await SetCurrentAsync(published.Version, cancellationToken);
            return published;
        }
        finally
        {
            await fs.DeleteAsync(staging, recursive: true, CancellationToken.None);
            await DeleteIfEmptyAsync(root.Combine(OutputCommit.TemporaryDirectory));
        }
    }

    private static int VersionNumber(string name) =>
        name.Length > 1 && name[0] == 'v'
            && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : 0;

    // metrics.json records the model directory it scored; publishing it beside another model would pair that
    // model's weights with someone else's accuracy. Evaluations without the field predate it and are trusted.
    private static void RequireSameModel(PublishRequest request, JsonNode metrics)
    {
        if (metrics["model"] is not JsonValue value || !value.TryGetValue<string>(out var evaluated))
        {
            return;
        }

        StoragePath? scored;
        try
        {
            scored = StoragePath.Parse(evaluated);
        }
        catch (StorageException)
        {
            scored = null;
        }

        if (scored is null || !scored.IsUnder(request.Model) || !request.Model.IsUnder(scored))
        {
            throw new JobException(
                $"--evaluation '{request.Evaluation}' scored the model '{evaluated}', not --model "
                + $"'{request.Model}'; evaluate --model '{request.Model}' and publish that evaluation, or pass the "
                + "model it scored.");
        }
    }

    private async Task RequireCommittedAsync(
        StoragePath dir, string what, string requiredFile, CancellationToken cancellationToken)
    {
        if (await fs.GetStatusAsync(dir, cancellationToken) is not { IsDirectory: true })
        {
            throw new JobException($"the {what} directory '{dir}' does not exist; pass the output of the {what} step.");
        }

        if (!await OutputCommit.IsCompleteAsync(fs, dir, cancellationToken))
        {
            throw new JobException($"the {what} directory '{dir}' has no _SUCCESS marker, so the step that wrote it "
                + "did not finish; rerun that step first.");
        }

        if (!await fs.ExistsAsync(dir.Combine(requiredFile), cancellationToken))
        {
            throw new JobException($"the {what} directory '{dir}' has no {requiredFile}.");
        }
    }

    private async Task<JsonNode> ReadJsonAsync(StoragePath file, CancellationToken cancellationToken)
    {
        try
        {
            return JsonNode.Parse(await fs.ReadAllTextAsync(file, cancellationToken))
                ?? throw new JobException($"'{file}' is empty; expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new JobException($"'{file}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private async Task<string> CopyAsync(StoragePath from, StoragePath to, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var input = await fs.OpenReadAsync(from, cancellationToken))
        await using (var output = await fs.CreateAsync(to, overwrite: false, cancellationToken))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private async Task<string> BuildLineageAsync(
        PublishRequest request, double accuracy, JsonArray files, CancellationToken cancellationToken)
    {
        var history = await fs.ExistsAsync(request.Model.Combine("history.json"), cancellationToken)
            ? await ReadJsonAsync(request.Model.Combine("history.json"), cancellationToken)
            : null;
        var properties = new JsonObject();
        foreach (var (key, value) in request.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            properties[key] = value;
        }

        var lineage = new JsonObject
        {
            ["workflowId"] = request.WorkflowId,
            ["publishedAt"] = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["codeVersion"] = CodeVersion.Current,
            ["accuracy"] = accuracy,
            ["model"] = request.Model.ToString(),
            ["evaluation"] = request.Evaluation.ToString(),
            ["inputData"] = request.InputData is null
                ? null
                : await DescribeDataAsync(request.InputData, cancellationToken),
            ["properties"] = properties,
            ["training"] = history?.DeepClone(),
            ["files"] = files,
        };
        return lineage.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private async Task<JsonObject> DescribeDataAsync(StoragePath data, CancellationToken cancellationToken)
    {
        if (await fs.GetStatusAsync(data, cancellationToken) is not { IsDirectory: true })
        {
            throw new JobException($"the input data directory '{data}' does not exist; pass the directory the "
                + "model was trained from.");
        }

        // One digest over every data file's relative name and bytes, in name order, so the same data gives
        // the same checksum wherever it is stored.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long bytes = 0;
        var dataFiles = await fs.ListDataFilesAsync(data, cancellationToken);
        foreach (var file in dataFiles)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(file.Path.Path[data.Path.Length..] + "\n"));
            await using var input = await fs.OpenReadAsync(file.Path, cancellationToken);
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                bytes += read;
            }
        }

        return new JsonObject
        {
            ["path"] = data.ToString(),
            ["files"] = dataFiles.Count,
            ["bytes"] = bytes,
            ["sha256"] = Convert.ToHexStringLower(sha.GetHashAndReset()),
        };
    }

    private async Task<PublishedModel> MoveIntoNextVersionAsync(
        StoragePath staging, double accuracy, CancellationToken cancellationToken)
    {
        // Another publisher may take a number between our listing and our rename; the rename then fails
        // because the directory exists, and we try the next number.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var versions = await ListVersionsAsync(cancellationToken);
            var last = versions.Count == 0 ? 0 : VersionNumber(versions[^1]);
            var next = "v" + (last + 1).ToString(CultureInfo.InvariantCulture);
            var target = root.Combine(next);
            if (await fs.RenameAsync(staging, target, cancellationToken))
            {
                return new PublishedModel(next, target, accuracy);
            }
        }

        throw new StorageException($"Could not claim a new version number under '{root}' after 100 attempts.");
    }

    private async Task SetCurrentAsync(string version, CancellationToken cancellationToken)
    {
        var pointer = root.Combine(CurrentPointer);
        var temporary = TemporaryPath("current_");
        await fs.WriteAllTextAsync(temporary, version + "\n", cancellationToken);
        await fs.DeleteAsync(pointer, recursive: false, cancellationToken);
        if (!await fs.RenameAsync(temporary, pointer, cancellationToken))
        {
            throw new StorageException($"Could not move the current pointer '{pointer}' to {version}.");
        }
    }

    private StoragePath TemporaryPath(string prefix) =>
        root.Combine(OutputCommit.TemporaryDirectory).Combine(prefix + Guid.NewGuid().ToString("N")[..12]);

    private async Task DeleteIfEmptyAsync(StoragePath dir)
    {
        if (await fs.GetStatusAsync(dir) is { IsDirectory: true } && (await fs.ListAsync(dir)).Count == 0)
        {
            await fs.DeleteAsync(dir, recursive: false);
        }
    }
}
