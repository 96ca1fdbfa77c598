using Microsoft.Extensions.Time.Testing;

namespace SparkJobs.Oozie.Coordinator.Tests;

/// <summary>Builds coordinator definitions from inline XML for the tests.</summary>
internal static class Coord
{
    public static FakeTimeProvider Clock(string utc = "2020-01-01T00:00Z") => new(Time(utc));

    public static DateTimeOffset Time(string oozie) =>
        OozieTime.TryParse(oozie, out var t) ? t : throw new ArgumentException(oozie, nameof(oozie));

    public static string App(string attributes, string body, string version = "0.5") => $"""
        <coordinator-app xmlns="uri:oozie:coordinator:{version}" name="test" {attributes}>
        {body}
          <action><workflow><app-path>file:///apps/wf</app-path></workflow></action>
        </coordinator-app>
        """;

    public static CoordinatorDefinition Define(string xml, IReadOnlyDictionary<string, string>? conf = null,
        TimeProvider? time = null)
    {
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(xml, "coordinator.xml", errors);
        Assert.Empty(errors);
        var definition = CoordinatorLoader.Resolve(app!, conf ?? new Dictionary<string, string>(), "tester",
            time ?? Clock(), errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return definition!;
    }

    public static List<WorkflowError> Errors(string xml, IReadOnlyDictionary<string, string>? conf = null)
    {
        var errors = new List<WorkflowError>();
        var app = CoordinatorParser.Parse(xml, "coordinator.xml", errors);
        if (app is not null && errors.Count == 0)
        {
            CoordinatorLoader.Resolve(app, conf ?? new Dictionary<string, string>(), "tester", Clock(), errors);
        }

        return errors;
    }

    public static List<string> Nominals(CoordinatorDefinition d) =>
        [.. new Materializer(d, Clock()).All().Select(a => OozieTime.Format(a.NominalTime))];
}
