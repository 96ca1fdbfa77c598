namespace SparkJobs.Storage;

/// <summary>A storage operation failed for a reason the user can act on (a missing file, a bad path).</summary>
public class StorageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StorageException"/> class.</summary>
    public StorageException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StorageException"/> class.</summary>
    /// <param name="message">What went wrong, which path, and what to do.</param>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StorageException"/> class.</summary>
    /// <param name="message">What went wrong, which path, and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
