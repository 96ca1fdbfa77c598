using Grpc.Core;
using SparkJobs.Hosting;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>A Spark Connect server refused or failed a request; the message has Spark's error class.</summary>
public sealed class SparkConnectException : JobException
{
    /// <summary>Initializes a new instance of the <see cref="SparkConnectException"/> class.</summary>
    public SparkConnectException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkConnectException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public SparkConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SparkConnectException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The gRPC error.</param>
    public SparkConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets Spark's error class, for example <c>UNRESOLVED_COLUMN.WITH_SUGGESTION</c>.</summary>
    public string? ErrorClass { get; init; }

    /// <summary>Gets the SQL state, for example <c>42703</c>.</summary>
    public string? SqlState { get; init; }

    /// <summary>Gets the server's exception class, for example <c>org.apache.spark.sql.AnalysisException</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the gRPC status code of the failed call.</summary>
    public StatusCode StatusCode { get; init; }
}
