using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Tests;

public sealed class WorkflowParserTests
{
    internal const string Valid = """
        <workflow-app xmlns="uri:oozie:workflow:0.5" name="wf-${x}">
          <parameters><property><name>x</name><value>1</value></property></parameters>
          <credentials>
            <credential name="c1" type="hcat"><property><name>uri</name><value>thrift://m:9083</value></property></credential>
            <credential name="c2" type="hive2"/>
          </credentials>
          <start to="sh"/>
          <action name="sh" retry-max="5" retry-interval="2" retry-policy="exponential" cred="c1, c2">
            <shell xmlns="uri:oozie:shell-action:0.3">
              <job-tracker>jt</job-tracker>
              <name-node>nn</name-node>
              <configuration><property><name>q</name><value>v</value></property></configuration>
              <exec>run.sh</exec>
              <argument>a b</argument>
              <argument>c</argument>
              <env-var>K=V</env-var>
              <file>lib/run.sh#run.sh</file>
              <archive>lib/py.tgz#py</archive>
              <capture-output/>
            </shell>
            <ok to="fork"/>
            <error to="kill"/>
          </action>
          <fork name="fork"><path start="fs"/><path start="dec"/></fork>
          <action name="fs">
            <fs><mkdir path="/tmp/a"/><delete path="/tmp/b"/><move source="/tmp/c" target="/tmp/d"/>
              <touchz path="/tmp/e"/><chmod path="/tmp/f" permissions="755" dir-files="false"><recursive/></chmod></fs>
            <ok to="join"/>
            <error to="kill"/>
          </action>
          <decision name="dec">
            <switch><case to="join">${true}</case><default to="join"/></switch>
          </decision>
          <join name="join" to="end"/>
          <kill name="kill"><message>bad ${wf:lastErrorNode()}</message></kill>
          <end name="end"/>
        </workflow-app>
        """;

    [Fact]
    public void Parse_builds_the_typed_model()
    {
        var (app, errors) = WorkflowLoader.Check(Valid, "wf.xml");

        Assert.Empty(errors);
        Assert.NotNull(app);
        Assert.Equal("wf-${x}", app.Name);
        Assert.Equal("0.5", app.SchemaVersion);
        Assert.Equal("x", Assert.Single(app.Parameters).Name);
        var sh = Assert.IsType<ActionNode>(app.Find("sh"));
        Assert.Equal(new RetryPolicy(3, 2, true), sh.Retry);
        Assert.Equal(["c1", "c2"], sh.Credentials);
        var shell = Assert.IsType<ShellAction>(sh.Body);
        Assert.Equal("run.sh", shell.Exec);
        Assert.Equal(["a b", "c"], shell.Arguments);
        Assert.Equal(["K=V"], shell.EnvironmentVariables);
        Assert.Equal(["lib/run.sh#run.sh"], shell.Files);
        Assert.Equal(["lib/py.tgz#py"], shell.Archives);
        Assert.True(shell.CaptureOutput);
        Assert.Equal("jt", shell.JobTracker);
        Assert.Equal(new ConfigProperty("q", "v"), Assert.Single(shell.Configuration));
        var fs = Assert.IsType<FsAction>(Assert.IsType<ActionNode>(app.Find("fs")).Body);
        Assert.Equal(5, fs.Operations.Count);
        Assert.Equal(new FsChmod("/tmp/f", "755", false, true, fs.Operations[4].Location), fs.Operations[4]);
        Assert.Equal(["fs", "dec"], Assert.IsType<ForkNode>(app.Find("fork")).Paths);
        Assert.Equal(new SourceLocation("wf.xml", 8, 4), sh.Location);
    }

    [Theory]
    [InlineData("uri:oozie:workflow:0.1")]
    [InlineData("uri:oozie:workflow:0.2.5")]
    [InlineData("uri:oozie:workflow:0.4.5")]
    [InlineData("uri:oozie:workflow:1.0")]
    public void Parse_accepts_every_workflow_schema_version(string ns)
    {
        var (_, errors) = WorkflowLoader.Check(
            $"""<workflow-app xmlns="{ns}" name="n"><start to="e"/><end name="e"/></workflow-app>""", "w");

        Assert.Empty(errors);
    }

    [Fact]
    public void Malformed_xml_is_E0700_with_line_and_column()
    {
        var (app, errors) = WorkflowLoader.Check(
            "<workflow-app xmlns=\"uri:oozie:workflow:1.0\">\n  <start to=\"a\">\n</workflow-app>", "bad.xml");

        Assert.Null(app);
        var error = Assert.Single(errors);
        Assert.Equal("E0700", error.Code);
        Assert.StartsWith("bad.xml:3:3: E0700:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dtds_are_refused()
    {
        var (_, errors) = WorkflowLoader.Check(
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><workflow-app name=\"&e;\"/>", "dtd.xml");

        Assert.Equal("E0700", Assert.Single(errors).Code);
    }

    [Fact]
    public void Definitions_over_100000_bytes_are_E0736()
    {
        var (_, errors) = WorkflowLoader.Check(
            "<workflow-app>" + new string(' ', 100_001) + "</workflow-app>", "big.xml");

        Assert.Equal("E0736", Assert.Single(errors).Code);
    }

    [Fact]
    public void Validation_reports_every_error_with_code_location_and_node()
    {
        const string xml = """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="n">
              <start to="a"/>
              <action name="a">
                <shell xmlns="uri:oozie:shell-action:1.0"><exec>x</exec></shell>
                <ok to="missing"/>
                <error to="a"/>
              </action>
              <action name="b">
                <bogus-type><main-class>M</main-class></bogus-type>
                <ok to="e"/>
                <error to="e"/>
              </action>
              <decision name="9bad"><switch><case to="c">${true}</case><default to="e"/></switch></decision>
              <decision name="c"><switch><case to="d">${true}</case><default to="e"/></switch></decision>
              <decision name="d"><switch><case to="c">${true}</case><default to="e"/></switch></decision>
              <kill name="c"><message>m</message></kill>
              <end name="e"/>
            </workflow-app>
            """;

        var (_, errors) = WorkflowLoader.Check(xml, "w.xml");

        var byCode = errors.ToDictionary(e => e.Code + ":" + e.Node, e => e);
        Assert.Equal("w.xml:5:6", byCode["E0708:a"].Location.ToString());
        Assert.Contains("'missing', which does not exist", byCode["E0708:a"].Message, StringComparison.Ordinal);
        Assert.Equal("w.xml:6:6", byCode["E0706:a"].Location.ToString());
        Assert.Equal("w.xml:9:6", byCode["E0723:b"].Location.ToString());
        Assert.Contains("submit other action types to an Oozie server", byCode["E0723:b"].Message,
            StringComparison.Ordinal);
        Assert.True(byCode.ContainsKey("E0724:9bad"));
        Assert.True(byCode.ContainsKey("E0705:c"));
        Assert.Contains("d -> c", errors.Single(e => e.Code == "E0707").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_structure_is_E0701()
    {
        const string xml = """
            <workflow-app xmlns="uri:oozie:workflow:1.0">
              <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"/><ok to="a"/></action>
              <fork name="f"><path start="a"/></fork>
              <kill name="k"/>
              <bogus/>
            </workflow-app>
            """;

        var (_, errors) = WorkflowLoader.Check(xml, "w.xml");

        var messages = errors.Where(e => e.Code == "E0701").Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("missing the required attribute 'name'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("<error to=", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("has no <exec>", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("at least 2 paths", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("has no <message>", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("<bogus> is not allowed", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("no <start", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("no <end", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_namespaces_are_rejected()
    {
        var (_, errors) = WorkflowLoader.Check("<workflow-app xmlns=\"uri:oozie:workflow:9.9\" name=\"n\"/>", "w.xml");
        Assert.Equal("E0701", Assert.Single(errors).Code);

        var (_, shellErrors) = WorkflowLoader.Check("""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="n"><start to="a"/>
              <action name="a"><shell xmlns="uri:oozie:shell-action:0.9"><exec>x</exec></shell>
                <ok to="e"/><error to="e"/></action><end name="e"/></workflow-app>
            """, "w.xml");
        Assert.Contains("shell-action:0.9", Assert.Single(shellErrors).Message, StringComparison.Ordinal);
    }
}
