namespace SparkJobs.Hosting;

/// <summary>
/// A failure caused by the job's input or arguments: the message says what was wrong, where, and how
/// to fix it, and the process prints it without a stack trace.
/// </summary>
public class JobException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JobException"/> class.</summary>
    public JobException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobException"/> class.</summary>
    /// <param name="message">What was wrong, where, and how to fix it.</param>
    public JobException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobException"/> class.</summary>
    /// <param name="message">What was wrong, where, and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public JobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
