namespace SparkJobs.Storage.Deployment;

/// <summary>What happened to one file of an application during a deployment.</summary>
public enum DeployStep
{
    /// <summary>The file's upload started.</summary>
    Uploading,

    /// <summary>The file was uploaded, checked and renamed into place.</summary>
    Uploaded,

    /// <summary>The target already held the same bytes, so nothing was sent.</summary>
    Skipped,

    /// <summary>A file an earlier deployment uploaded is gone from the source and was deleted.</summary>
    Removed,
}

/// <summary>A progress report for one file.</summary>
/// <param name="Step">What happened.</param>
/// <param name="RelativePath">The file's path inside the application, with <c>/</c> separators.</param>
/// <param name="Length">The file's size in bytes.</param>
/// <param name="Index">The file's position, from 1, among <paramref name="Count"/> source files.</param>
/// <param name="Count">How many files the source application has.</param>
public sealed record DeployProgress(DeployStep Step, string RelativePath, long Length, int Index, int Count);

/// <summary>The outcome of a deployment.</summary>
/// <param name="Source">The application directory that was deployed.</param>
/// <param name="Target">The directory it was deployed to.</param>
/// <param name="Uploaded">The files sent, by relative path.</param>
/// <param name="Skipped">The files already in place, by relative path.</param>
/// <param name="Removed">The files of an earlier deployment that were deleted, by relative path.</param>
/// <param name="BytesUploaded">The bytes sent.</param>
public sealed record DeploySummary(
    StoragePath Source,
    StoragePath Target,
    IReadOnlyList<string> Uploaded,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Removed,
    long BytesUploaded)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"deployed {Source} to {Target}: {Uploaded.Count} uploaded ({BytesUploaded:N0} bytes), " +
        $"{Skipped.Count} unchanged, {Removed.Count} removed";
}
