namespace SparkJobs.Oozie;

/// <summary>A failure that carries one of Oozie's error codes, such as E0701 or EL_ERROR.</summary>
public class OozieException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="OozieException"/> class.</summary>
    public OozieException()
        : this("E0000", "Unknown oozie-lite error.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OozieException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public OozieException(string message)
        : this("E0000", message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OozieException"/> class with a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public OozieException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = "E0000";
    }

    /// <summary>Initializes a new instance of the <see cref="OozieException"/> class with a code.</summary>
    /// <param name="errorCode">Oozie's error code.</param>
    /// <param name="message">What went wrong and how to fix it.</param>
    public OozieException(string errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Gets Oozie's error code, for example <c>E0708</c>.</summary>
    public string ErrorCode { get; }
}

/// <summary>One problem found in a workflow definition or its configuration.</summary>
/// <param name="Code">Oozie's error code.</param>
/// <param name="Location">Where the problem is.</param>
/// <param name="Node">The node it concerns, if any.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="IsWarning">Whether the run may continue despite it.</param>
public sealed record WorkflowError(
    string Code, SourceLocation Location, string? Node, string Message, bool IsWarning = false)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Location}: {(IsWarning ? "warning " : string.Empty)}{Code}: {Message}";
}

/// <summary>A position in a source file, 1-based.</summary>
/// <param name="File">The file path.</param>
/// <param name="Line">The line number, 1-based (0 when unknown).</param>
/// <param name="Column">The column number, 1-based (0 when unknown).</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>Thrown when a workflow or its configuration has errors; it lists all of them.</summary>
public sealed class WorkflowValidationException : OozieException
{
    /// <summary>Initializes a new instance of the <see cref="WorkflowValidationException"/> class.</summary>
    /// <param name="errors">The errors found, at least one.</param>
    public WorkflowValidationException(IReadOnlyList<WorkflowError> errors)
        : base(errors.Count > 0 ? errors[0].Code : "E0701", Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every error found.</summary>
    public IReadOnlyList<WorkflowError> Errors { get; }

    private static string Describe(IReadOnlyList<WorkflowError> errors) =>
        errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors);
}
