using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class ForkJoinTests
{
    private static string A(string name, string ok, string error = "k") =>
        $"""<action name="{name}"><fs/><ok to="{ok}"/><error to="{error}"/></action>""";

    private static string Wf(string start, params string[] nodes) => $"""
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="fj">
          <start to="{start}"/>
          {string.Join("\n  ", nodes)}
          <kill name="k"><message>m</message></kill>
          <end name="end"/>
        </workflow-app>
        """;

    private static string Fork(string name, params string[] paths) =>
        $"""<fork name="{name}">{string.Concat(paths.Select(p => $"<path start=\"{p}\"/>"))}</fork>""";

    private static string Join(string name, string to) => $"""<join name="{name}" to="{to}"/>""";

    private static string[] Codes(string xml) =>
        [.. WorkflowLoader.Check(xml, "w.xml").Errors.Select(e => e.Code).Distinct().Order(StringComparer.Ordinal)];

    public static TheoryData<string, string[]> Graphs => new()
    {
        { Wf("f", Fork("f", "a", "b"), A("a", "j"), A("b", "j"), Join("j", "end")), [] },
        { Wf("f", Fork("f", "a", "b"), A("a", "j", "j"), A("b", "j", "h"), A("h", "k", "k"), Join("j", "end")), [] },
        {
            Wf("f", Fork("f", "a", "b"), A("a", "d"), A("b", "j"),
                """<decision name="d"><switch><case to="x">${true}</case><default to="y"/></switch></decision>""",
                A("x", "z"), A("y", "z"), A("z", "j"), Join("j", "end")),
            []
        },
        {
            Wf("f", Fork("f", "a", "g"), A("a", "j"), Fork("g", "b", "c"), A("b", "j2"), A("c", "j2"),
                Join("j2", "j"), Join("j", "end")),
            []
        },
        { Wf("f", Fork("f", "a", "b"), A("a", "end"), A("b", "end")), ["E0730", "E0733", "E0737"] },
        { Wf("f", Fork("f", "a", "b"), A("a", "c"), A("b", "c"), A("c", "j"), Join("j", "end")), ["E0743"] },
        { Wf("j", Join("j", "end")), ["E0730", "E0742"] },
        {
            Wf("f", Fork("f", "a", "b"), A("a", "j1"), A("b", "j2"), Join("j1", "end"), Join("j2", "end")),
            ["E0730", "E0757"]
        },
        {
            Wf("f1", Fork("f1", "a", "f2"), Fork("f2", "c", "d"), A("a", "j"), A("c", "j"), A("d", "j"),
                Join("j", "end")),
            ["E0730", "E0737", "E0758"]
        },
        { Wf("f", Fork("f", "a", "a"), A("a", "j"), Join("j", "end")), ["E0744"] },
        { Wf("f", Fork("f", "j", "j"), Join("j", "end")), [] },
        { Wf("f", Fork("f", "a", "b"), A("a", "j", "end"), A("b", "j"), Join("j", "end")), ["E0737"] },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Fork_join_rules_match_oozie(string xml, string[] expected)
    {
        Assert.Equal(expected, Codes(xml));
    }

    [Fact]
    public void Errors_name_the_fork_and_its_location()
    {
        var xml = Wf("f", Fork("f", "a", "b"), A("a", "c"), A("b", "c"), A("c", "j"), Join("j", "end"));

        var error = Assert.Single(WorkflowLoader.Check(xml, "w.xml").Errors);

        Assert.Equal("c", error.Node);
        Assert.Contains("two paths of fork 'f'", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, error.Location.Line);
    }

    [Fact]
    public async Task Switching_validation_off_lets_the_job_run()
    {
        using var dir = new TempDir();
        dir.Write("app/workflow.xml", Wf("f", Fork("f", "a", "b"), A("a", "end"), A("b", "end")));
        var props = new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(dir.Path, "app"),
            ["oozie.wf.validate.ForkJoin"] = "false",
        };

        var prepared = await WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default);
        var engine = new WorkflowEngine(JobStore.Open(Path.Combine(dir.Path, "home"), TimeProvider.System),
            TimeProvider.System);
        var status = await engine.RunAsync(engine.Submit(prepared));

        Assert.Equal(JobStatus.SUCCEEDED, status);
        props.Remove("oozie.wf.validate.ForkJoin");
        var e = await Assert.ThrowsAsync<WorkflowValidationException>(() => WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default));
        Assert.Contains(e.Errors, x => x.Code == "E0737");
    }
}
