using System.Reflection;

namespace SparkJobs.Publish;

/// <summary>The version of the code that produced a model: the build's version and its git commit.</summary>
internal static class CodeVersion
{
    /// <summary>Gets the informational version, <c>0.1.0+&lt;commit&gt;</c> when built from a git checkout.</summary>
    public static string Current { get; } =
        typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";
}
