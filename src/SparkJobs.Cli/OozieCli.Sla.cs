using System.Globalization;
using SparkJobs.Hosting;
using SparkJobs.Oozie.Engine;

namespace SparkJobs.Cli;

/// <summary><c>sla -filter ...</c>: how local jobs and actions fared against their <c>sla:info</c>.</summary>
internal sealed partial class OozieCli
{
    private int Sla(CliArguments args)
    {
        var length = int.MaxValue;
        if (args.Options.GetValueOrDefault("len") is { } len
            && (!int.TryParse(len, NumberStyles.Integer, CultureInfo.InvariantCulture, out length) || length < 1))
        {
            throw new UsageException($"-len {len} is not a positive number.");
        }

        var summaries = SlaQuery.Parse(args.Options.GetValueOrDefault("filter"))
            .Find(OpenStore(), time.GetUtcNow()).Take(length);
        stdout.WriteLine(SlaRow("ID", "App Name", "App Type", "SLA Status", "Job Status", "Nominal Time",
            "Expected End", "Actual End", "Events"));
        stdout.WriteLine(Ruler);
        foreach (var s in summaries)
        {
            stdout.WriteLine(SlaRow(s.Id, s.AppName, s.AppType, s.SlaStatus, s.JobStatus, Date(s.NominalTime),
                Date(s.ExpectedEnd), Date(s.ActualEnd), s.EventStatus.Count == 0 ? "-" : string.Join(",", s.EventStatus)));
        }

        return ExitCodes.Success;
    }

    private static string SlaRow(params string[] cells) => string.Join('\t', cells);
}
