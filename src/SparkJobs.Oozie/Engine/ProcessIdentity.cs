using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SparkJobs.Oozie.Engine;

/// <summary>
/// A process named by its pid and its start time, so that a pid the kernel has since given to another process is
/// not mistaken for it. On Linux the start time is field 22 of <c>/proc/&lt;pid&gt;/stat</c> (clock ticks after
/// boot), which is exact and stable, unlike a wall-clock time derived from it.
/// </summary>
/// <param name="Pid">The process id.</param>
/// <param name="StartTicks">The start time.</param>
internal readonly partial record struct ProcessIdentity(int Pid, long StartTicks)
{
    private const int SigKill = 9;

    /// <summary>Gets the identity of this process.</summary>
    public static ProcessIdentity Current { get; } =
        Of(Environment.ProcessId) ?? throw new InvalidOperationException("This process has no start time.");

    /// <summary>Gets whether the process still runs: the pid exists, is no zombie, and started at that time.</summary>
    public bool IsAlive => Of(Pid) == this;

    /// <summary>Reads the identity of a running process.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The identity, or null when no such process runs (a zombie counts as gone).</returns>
    public static ProcessIdentity? Of(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return OtherOperatingSystem(pid);
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int StateIndex = 0;
        const int StartTimeIndex = 22 - 3;
        if (fields.Length <= StartTimeIndex || fields[StateIndex] is "Z" or "X"
            || !long.TryParse(fields[StartTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        return new ProcessIdentity(pid, ticks);
    }

    /// <summary>Parses the <c>pid:start</c> form that <see cref="ToString"/> writes.</summary>
    /// <param name="text">The text, or null.</param>
    /// <returns>The identity, or null when the text is not in that form.</returns>
    public static ProcessIdentity? Parse(string? text)
    {
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0
            && int.TryParse(text![..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? new ProcessIdentity(pid, ticks)
                : null;
    }

    /// <summary>Whether the runner written as <c>pid:start</c> is a live process.</summary>
    /// <param name="runner">The runner text, or null.</param>
    /// <returns>False for null, text in another form, a pid that is gone, or a pid another process now has.</returns>
    public static bool IsRunning(string? runner) => Parse(runner) is { IsAlive: true };

    /// <summary>Sends SIGKILL to the process group this process leads, and to the process, if it still runs.</summary>
    /// <returns>Whether the process was still running.</returns>
    public bool KillGroup()
    {
        if (!IsAlive)
        {
            return false;
        }

        // The group is missing when the process has not yet called setsid; the process itself is killed then.
        _ = NativeMethods.Kill(-Pid, SigKill);
        _ = NativeMethods.Kill(Pid, SigKill);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Pid}:{StartTicks}");

    private static ProcessIdentity? OtherOperatingSystem(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return new ProcessIdentity(pid, process.StartTime.ToUniversalTime().Ticks);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "kill")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int Kill(int pid, int signal);
    }
}
