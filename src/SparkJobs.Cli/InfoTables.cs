using SparkJobs.Oozie.Coordinator;

namespace SparkJobs.Cli;

/// <summary>A coordinator job as the <c>-info</c> table shows it, from the local store or a server's JSON.</summary>
internal sealed record CoordinatorJobView(string Id, string Name, string AppPath, string Status,
    DateTimeOffset? Start, DateTimeOffset? End, DateTimeOffset? Pause, int Concurrency);

/// <summary>One coordinator action row; unknown values are null and print as "-".</summary>
internal sealed record CoordinatorActionView(string Id, int Number, string Status, string? ExternalId,
    string? ExternalStatus, string? ErrorCode, string? ErrorMessage, string JobId, DateTimeOffset? Created,
    DateTimeOffset? Nominal, DateTimeOffset? LastModified, string? ConsoleUrl = null, string? TrackerUri = null,
    string? MissingDependencies = null);

/// <summary>A bundle job as the <c>-info</c> table shows it.</summary>
internal sealed record BundleJobView(string Id, string Name, string AppPath, string Status, DateTimeOffset? KickOff);

/// <summary>One coordinator row of a bundle; Id is null for a coordinator the bundle has not started.</summary>
internal sealed record BundleCoordinatorView(string? Id, string Status, string? Frequency, string? Unit,
    DateTimeOffset? Started, DateTimeOffset? Next, string Name);

/// <summary>A row of <c>jobs -jobtype coordinator</c>.</summary>
internal sealed record CoordinatorListView(string Id, string Name, string Status, DateTimeOffset? Created,
    DateTimeOffset? Next);

/// <summary>A row of <c>jobs -jobtype bundle</c>.</summary>
internal sealed record BundleListView(string Id, string Name, string Status, DateTimeOffset? KickOff);

/// <summary>
/// The tables of <c>job -info</c> and <c>jobs</c> (workflow action rows, coordinators and bundles) in Oozie's CLI
/// layout; the local commands and the remote client print the same tables from their own sources.
/// </summary>
internal static class InfoTables
{
    /// <summary>
    /// Prints a coordinator job and its actions as <c>oozie job -info</c> does: the job's fields, then one row per
    /// action (ID, Status, Ext ID, Err Code, Created, Nominal Time, Last Mod); verbose prints every action field,
    /// tab-separated.
    /// </summary>
    public static void WriteCoordinator(TextWriter w, CoordinatorJobView job,
        IEnumerable<CoordinatorActionView> actions, bool verbose)
    {
        w.WriteLine($"Job ID : {job.Id}");
        w.WriteLine(OozieCli.Ruler);
        w.WriteLine($"Job Name    : {job.Name}");
        w.WriteLine($"App Path    : {job.AppPath}");
        w.WriteLine($"Status      : {job.Status}");
        w.WriteLine($"Start Time  : {OozieCli.Date(job.Start)}");
        w.WriteLine($"End Time    : {OozieCli.Date(job.End)}");
        w.WriteLine($"Pause Time  : {OozieCli.Date(job.Pause)}");
        w.WriteLine($"Concurrency : {job.Concurrency}");
        w.WriteLine(OozieCli.Ruler);
        if (verbose)
        {
            w.WriteLine(string.Join('\t', "ID", "Action Number", "Console URL", "Error Code", "Error Message",
                "External ID", "External Status", "Job ID", "Tracker URI", "Created", "Nominal Time", "Status",
                "Last Modified", "Missing Dependencies"));
            w.WriteLine(OozieCli.Ruler);
            foreach (var a in actions)
            {
                w.WriteLine(string.Join('\t', a.Id, a.Number, a.ConsoleUrl ?? "-", a.ErrorCode ?? "-",
                    a.ErrorMessage ?? "-", a.ExternalId ?? "-", a.ExternalStatus ?? "-", a.JobId, a.TrackerUri ?? "-",
                    OozieCli.Date(a.Created), OozieCli.Date(a.Nominal), a.Status, OozieCli.Date(a.LastModified),
                    a.MissingDependencies ?? "-"));
                w.WriteLine(OozieCli.Ruler);
            }

            return;
        }

        w.WriteLine(ActionRow("ID", "Status", "Ext ID", "Err Code", "Created", "Nominal Time", "Last Mod"));
        foreach (var a in actions)
        {
            w.WriteLine(ActionRow(a.Id, a.Status, a.ExternalId ?? "-", a.ErrorCode ?? "-", OozieCli.Date(a.Created),
                OozieCli.Date(a.Nominal), OozieCli.Date(a.LastModified)));
            w.WriteLine(OozieCli.Ruler);
        }
    }

    /// <summary>Prints a bundle and one row per coordinator, with the name <c>-coordinator</c> takes.</summary>
    public static void WriteBundle(TextWriter w, BundleJobView job, IEnumerable<BundleCoordinatorView> coordinators)
    {
        w.WriteLine($"Job ID : {job.Id}");
        w.WriteLine(OozieCli.Ruler);
        w.WriteLine($"Job Name : {job.Name}");
        w.WriteLine($"App Path : {job.AppPath}");
        w.WriteLine($"Status   : {job.Status}");
        w.WriteLine($"Kickoff time   : {OozieCli.Date(job.KickOff)}");
        w.WriteLine(OozieCli.Ruler);
        w.WriteLine(CoordinatorRow("Job ID", "Status", "Freq", "Unit", "Started", "Next Materialized", "Name"));
        w.WriteLine(OozieCli.Ruler);
        foreach (var c in coordinators)
        {
            w.WriteLine(CoordinatorRow(c.Id ?? "-", c.Status, c.Frequency ?? "-", c.Unit ?? "-",
                c.Id is null ? "-" : OozieCli.Date(c.Started), c.Id is null ? "-" : OozieCli.Date(c.Next), c.Name));
            w.WriteLine(OozieCli.Ruler);
        }
    }

    /// <summary>Prints <c>jobs -jobtype coordinator</c>.</summary>
    public static void WriteCoordinatorList(TextWriter w, IEnumerable<CoordinatorListView> jobs)
    {
        w.WriteLine($"{"Job ID",-45}{"App Name",-25}{"Status",-19}{"Created",-19}Next Materialized");
        foreach (var j in jobs)
        {
            w.WriteLine($"{j.Id,-45}{j.Name,-25}{j.Status,-19}{Short(j.Created),-19}{Short(j.Next)}");
        }
    }

    /// <summary>Prints <c>jobs -jobtype bundle</c>.</summary>
    public static void WriteBundleList(TextWriter w, IEnumerable<BundleListView> jobs)
    {
        w.WriteLine($"{"Job ID",-45}{"Bundle Name",-25}{"Status",-19}Kickoff");
        foreach (var b in jobs)
        {
            w.WriteLine($"{b.Id,-45}{b.Name,-25}{b.Status,-19}{Short(b.KickOff)}");
        }
    }

    // The job lists print Oozie datetimes, 2026-01-01T06:00Z.
    private static string Short(DateTimeOffset? time) => time is { } t ? OozieTime.Format(t) : "-";

    // Oozie's coordinator action columns.
    private static string ActionRow(string id, string status, string extId, string code, string created,
        string nominal, string modified) =>
        Cell(id, 43) + Cell(status, 10) + Cell(extId, 37) + Cell(code, 10) + Cell(created, 21) + Cell(nominal, 21)
        + modified;

    private static string CoordinatorRow(string id, string status, string freq, string unit, string started,
        string next, string name) =>
        Cell(id, 41) + Cell(status, 15) + Cell(freq, 5) + Cell(unit, 13) + Cell(started, 24) + Cell(next, 24) + name;

    // Pads to Oozie's column width, keeping one space after a value that fills it (ids with long user names do).
    /// <summary>Pads a table cell to its column; a value that fills the column still gets one space after it.</summary>
    internal static string Cell(string text, int width) => text.Length < width ? text.PadRight(width) : text + " ";

    /// <summary>One row of the workflow -info action table, in the Oozie CLI's column widths.</summary>
    internal static string WorkflowActionRow(string id, string status, string extId, string extStatus, string code) =>
        (Cell(id, 78) + Cell(status, 10) + Cell(extId, 23) + Cell(extStatus, 11) + code).TrimEnd();
}
