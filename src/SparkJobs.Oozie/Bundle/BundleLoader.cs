namespace SparkJobs.Oozie.Bundle;

/// <summary>Loads bundle applications.</summary>
internal static class BundleLoader
{
    public const string AppPathProperty = "oozie.bundle.application.path";
}
