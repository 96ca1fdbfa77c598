namespace SparkJobs.Storage.WebHdfs;

/// <summary>A WebHDFS call failed; the message names the operation, path, server answer and remedy.</summary>
public sealed class WebHdfsException : StorageException
{
    /// <summary>Initializes a new instance of the <see cref="WebHdfsException"/> class.</summary>
    public WebHdfsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebHdfsException"/> class.</summary>
    /// <param name="message">What went wrong, which path, and what to do.</param>
    public WebHdfsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebHdfsException"/> class.</summary>
    /// <param name="message">What went wrong, which path, and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public WebHdfsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebHdfsException"/> class from an answer.</summary>
    /// <param name="message">What went wrong, which path, and what to do.</param>
    /// <param name="remoteException">The short class name of the server's exception, if it sent one.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no answer came.</param>
    public WebHdfsException(string message, string? remoteException, int statusCode)
        : base(message)
    {
        RemoteException = remoteException;
        StatusCode = statusCode;
    }

    /// <summary>Gets the short class name of the server's exception, such as <c>FileNotFoundException</c>.</summary>
    public string? RemoteException { get; }

    /// <summary>Gets the HTTP status of the answer, or 0 when no answer came.</summary>
    public int StatusCode { get; }
}
