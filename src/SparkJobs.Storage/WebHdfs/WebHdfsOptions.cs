namespace SparkJobs.Storage.WebHdfs;

/// <summary>How <see cref="WebHdfsFileSystem"/> talks to a cluster: timeouts, retries and redirects.</summary>
public sealed record WebHdfsOptions
{
    /// <summary>Gets the limit for one metadata call, or for the headers of a read.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the limit for opening a TCP connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how many times an idempotent call is retried after a transient failure.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Gets the delay before the first retry; each further retry doubles it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets a value indicating whether CREATE asks for <c>noredirect=true</c> (a 200 answer with
    /// the DataNode's Location) instead of a 307 redirect.</summary>
    public bool NoRedirect { get; init; }

    /// <summary>Gets the block size of seekable reads: the most bytes one ranged OPEN asks for, and the
    /// most a seekable read stream holds in memory (4 MiB by default).</summary>
    public int ReadBlockSize { get; init; } = 4 * 1024 * 1024;
}
