namespace SparkJobs.Hosting;

/// <summary>The exit codes every job and the <c>oozie-lite</c> command use (BSD sysexits where one fits).</summary>
public static class ExitCodes
{
    /// <summary>The job did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The job ran but its result is a failure (for example a quality gate).</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or bad input data; the message says how to fix it.</summary>
    public const int UserError = 2;

    /// <summary>A bug or an unexpected environment problem; a stack trace is printed.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by SIGINT or SIGTERM.</summary>
    public const int Interrupted = 130;
}
