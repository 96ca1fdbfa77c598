using System.Net;

namespace SparkJobs.Oozie.Server;

/// <summary>How an oozie-lite server listens, whom it lets in and which applications it may run.</summary>
public sealed record OozieServerOptions
{
    /// <summary>The environment variable that may hold the access token.</summary>
    public const string TokenVariable = "OOZIE_LITE_SERVER_TOKEN";

    /// <summary>Gets the TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 11000;

    /// <summary>Gets the address to bind; loopback unless a credential is configured.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>Gets the directories (or URI prefixes) that application paths must lie under.</summary>
    public IReadOnlyList<string> AppRoots { get; init; } = [Directory.GetCurrentDirectory()];

    /// <summary>Gets the token clients must present as Bearer or as the Basic password, or null for none.</summary>
    public string? Credential { get; init; }

    /// <summary>Gets the job store directory.</summary>
    public string StoreHome { get; init; } = Store.JobStore.DefaultHome();

    /// <summary>Gets how often the server looks for jobs whose oozie-lite process died, to finish them.</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how often the coordinator scheduler runs a pass (materialise, check, start, roll up).</summary>
    public TimeSpan SchedulerInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets where job progress is written, or null for nowhere.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>Reads a credential file: its first non-blank line, trimmed.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The token.</returns>
    /// <exception cref="OozieServerConfigurationException">The file is missing or empty.</exception>
    public static string ReadCredentialFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new OozieServerConfigurationException(
                $"-credential-file {path} does not exist; write the access token into that file.");
        }

        return File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)
            ?? throw new OozieServerConfigurationException(
                $"-credential-file {path} is empty; write the access token on its first line.");
    }

    /// <summary>Checks the options and returns the address to bind.</summary>
    /// <returns>The parsed bind address.</returns>
    /// <exception cref="OozieServerConfigurationException">The options are unsafe or invalid.</exception>
    internal IPAddress Validate()
    {
        var address = Bind == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(Bind, out var parsed) ? parsed
            : throw new OozieServerConfigurationException(
                $"-bind {Bind} is not an IP address; pass for example -bind 127.0.0.1.");
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(Credential))
        {
            throw new OozieServerConfigurationException(
                $"-bind {Bind} would expose the server beyond this machine without authentication; " +
                $"set {TokenVariable} or pass -credential-file FILE, or bind to 127.0.0.1.");
        }

        if (RecoveryInterval <= TimeSpan.Zero)
        {
            throw new OozieServerConfigurationException(
                $"The recovery interval {RecoveryInterval} must be positive.");
        }

        if (SchedulerInterval <= TimeSpan.Zero)
        {
            throw new OozieServerConfigurationException(
                $"The scheduler interval {SchedulerInterval} must be positive.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new OozieServerConfigurationException($"-port {Port} is not a TCP port; pass 1-65535 or 0.");
        }

        if (AppRoots.Count == 0)
        {
            throw new OozieServerConfigurationException("no -app-root given; pass -app-root DIR.");
        }

        return address;
    }
}

/// <summary>The server cannot start with these options; the message says which option to change.</summary>
/// <param name="message">What is wrong and how to fix it.</param>
public sealed class OozieServerConfigurationException(string message) : Exception(message);
