using SparkJobs.Hosting;

namespace SparkJobs.DataFrame;

/// <summary>A data frame operation failed because of its input or its plan; the message says how to fix it.</summary>
public sealed class DataFrameException : JobException
{
    /// <summary>Initializes a new instance of the <see cref="DataFrameException"/> class.</summary>
    public DataFrameException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFrameException"/> class.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    public DataFrameException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFrameException"/> class.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    /// <param name="innerException">The engine's error.</param>
    public DataFrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the input file the error was found in, when the engine names one.</summary>
    public string? InputFile { get; init; }
}
