namespace SparkJobs.Storage;

/// <summary>What a file system knows about one entry, as WebHDFS's FileStatus describes it.</summary>
/// <param name="Path">The entry's full path.</param>
/// <param name="IsDirectory">Whether the entry is a directory.</param>
/// <param name="Length">The size in bytes; 0 for directories.</param>
/// <param name="ModificationTime">When the entry last changed.</param>
public sealed record FileStatus(StoragePath Path, bool IsDirectory, long Length, DateTimeOffset ModificationTime);
