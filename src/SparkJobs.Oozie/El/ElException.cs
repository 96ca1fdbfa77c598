namespace SparkJobs.Oozie.El;

/// <summary>An EL expression could not be parsed or evaluated; its code is EL_ERROR.</summary>
public sealed class ElException : OozieException
{
    /// <summary>Initializes a new instance of the <see cref="ElException"/> class.</summary>
    public ElException()
        : base("EL_ERROR", "The EL expression could not be evaluated.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ElException"/> class with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ElException(string message)
        : base("EL_ERROR", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ElException"/> class with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ElException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
