using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Model;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class ActionTypeTests
{
    private static string App(string actions, string ns = "uri:oozie:workflow:1.0") => $"""
        <workflow-app xmlns="{ns}" name="types">
          <start to="end"/>
          {actions}
          <end name="end"/>
        </workflow-app>
        """;

    private static string Action(string name, string body) =>
        $"""<action name="{name}">{body}<ok to="end"/><error to="end"/></action>""";

    [Fact]
    public void Every_oozie_action_type_parses_into_its_own_record()
    {
        var xml = App(string.Concat(
            Action("mr", "<map-reduce><job-tracker>jt</job-tracker><name-node>nn</name-node><streaming/>" +
                "<config-class>C</config-class><file>f.jar</file></map-reduce>"),
            Action("pig", "<pig><script>id.pig</script><param>A=1</param><argument>-x</argument></pig>"),
            Action("hive", """<hive xmlns="uri:oozie:hive-action:0.6"><query>select 1</query></hive>"""),
            Action("hive2", """<hive2 xmlns="uri:oozie:hive2-action:1.0"><jdbc-url>jdbc:hive2://h</jdbc-url>""" +
                "<script>s.q</script></hive2>"),
            Action("sqoop", """<sqoop xmlns="uri:oozie:sqoop-action:1.0"><arg>import</arg><arg>--x</arg></sqoop>"""),
            Action("java", "<java><main-class>org.M</main-class><java-opt>-Xmx1g</java-opt><arg>a</arg>" +
                "<capture-output/></java>"),
            Action("spark", """<spark xmlns="uri:oozie:spark-action:1.0"><master>yarn</master><mode>cluster</mode>""" +
                "<name>S</name><class>C</class><jar>app.jar</jar><arg>1</arg></spark>"),
            Action("distcp", """<distcp xmlns="uri:oozie:distcp-action:1.0"><arg>a</arg><arg>b</arg></distcp>"""),
            Action("email", """<email xmlns="uri:oozie:email-action:0.2"><to>a@b</to><subject>s</subject>""" +
                "<body>b</body><content_type>text/html</content_type></email>"),
            Action("ssh", """<ssh xmlns="uri:oozie:ssh-action:0.2"><host>u@h</host><command>ls</command>""" +
                "<args>-l</args><capture-output/></ssh>"),
            Action("sub", "<sub-workflow><app-path>/apps/child</app-path><propagate-configuration/></sub-workflow>"),
            Action("git", """<git xmlns="uri:oozie:git-action:1.0"><git-uri>https://g/r.git</git-uri>""" +
                "<branch>main</branch><destination-uri>/tmp/r</destination-uri></git>")));

        var (app, all) = WorkflowLoader.Check(xml, "w.xml");
        var errors = all.Where(e => !e.IsWarning);

        Assert.Empty(errors);
        Assert.NotNull(app);
        T Body<T>(string name) => Assert.IsType<T>(Assert.IsType<ActionNode>(app.Find(name)).Body);
        Assert.True(Body<MapReduceAction>("mr").Streaming);
        Assert.Equal("C", Body<MapReduceAction>("mr").ConfigClass);
        Assert.Equal(["f.jar"], Body<MapReduceAction>("mr").Files);
        Assert.Equal("id.pig", Body<PigAction>("pig").Script);
        Assert.Equal("select 1", Body<HiveAction>("hive").Query);
        Assert.Equal("jdbc:hive2://h", Body<Hive2Action>("hive2").JdbcUrl);
        Assert.Equal(["import", "--x"], Body<SqoopAction>("sqoop").Arguments);
        Assert.Equal(["-Xmx1g"], Body<JavaAction>("java").JavaOptions);
        Assert.True(Body<JavaAction>("java").CaptureOutput);
        var spark = Body<SparkAction>("spark");
        Assert.Equal(("yarn", "cluster", "app.jar"), (spark.Master, spark.Mode, spark.Jar));
        Assert.Equal(["a", "b"], Body<DistcpAction>("distcp").Arguments);
        Assert.Equal("text/html", Body<EmailAction>("email").ContentType);
        Assert.Equal("u@h", Body<SshAction>("ssh").Host);
        Assert.True(Body<SubWorkflowAction>("sub").PropagateConfiguration);
        Assert.Equal("main", Body<GitAction>("git").Branch);
    }

    [Fact]
    public void Schema_0_1_has_ssh_and_email_in_the_workflow_namespace()
    {
        var xml = App(Action("e", "<email><to>a</to><subject>s</subject><body>b</body></email>"),
            "uri:oozie:workflow:0.1");

        var (app, all) = WorkflowLoader.Check(xml, "w.xml");
        var errors = all.Where(e => !e.IsWarning);

        Assert.Empty(errors);
        Assert.IsType<EmailAction>(Assert.IsType<ActionNode>(app!.Find("e")).Body);
        var warning = Assert.Single(all);
        Assert.Equal("W0001", warning.Code);
        Assert.Contains("cannot be reached from <start>", warning.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undefined_el_variables_are_warned_about_at_submission()
    {
        using var dir = new TempDir();
        dir.Write("app/workflow.xml", """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="${appName}">
              <start to="s"/>
              <action name="s"><shell xmlns="uri:oozie:shell-action:1.0"><exec>${program}</exec>
                <argument>${wf:conf('dotted.ok')} ${KB}</argument></shell>
                <ok to="end"/><error to="end"/></action>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(dir.Path, "app"), ["appName"] = "a",
        };

        var prepared = await WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default);

        var warning = Assert.Single(prepared.Warnings);
        Assert.Equal(("W0002", "s", 3), (warning.Code, warning.Node, warning.Location.Line));
        Assert.Contains("${program} is not defined", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_elements_of_action_types_are_E0701()
    {
        var (_, all) = WorkflowLoader.Check(App(Action("j", "<java><arg>a</arg></java>")), "w.xml");
        var errors = all.Where(e => !e.IsWarning);

        var error = Assert.Single(errors);
        Assert.Equal("E0701", error.Code);
        Assert.Contains("<main-class>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<map-reduce/>")]
    [InlineData("<pig><script>s.pig</script></pig>")]
    [InlineData("<hive xmlns=\"uri:oozie:hive-action:0.6\"><query>q</query></hive>")]
    [InlineData("<hive2 xmlns=\"uri:oozie:hive2-action:1.0\"><jdbc-url>j</jdbc-url><query>q</query></hive2>")]
    [InlineData("<sqoop xmlns=\"uri:oozie:sqoop-action:1.0\"><command>list-tables</command></sqoop>")]
    [InlineData("<distcp xmlns=\"uri:oozie:distcp-action:1.0\"><arg>a</arg></distcp>")]
    public async Task Cluster_actions_are_rejected_before_a_local_run(string body)
    {
        using var dir = new TempDir();
        dir.Write("app/workflow.xml", $"""
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="c">
              <start to="j"/>
              <action name="j">{body}<ok to="end"/><error to="end"/></action>
              <end name="end"/>
            </workflow-app>
            """);
        var props = new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = Path.Combine(dir.Path, "app"),
            ["oozie.actions.default.name-node"] = "hdfs://nn:8020",
            ["oozie.actions.default.job-tracker"] = "rm:8032",
        };

        var e = await Assert.ThrowsAsync<WorkflowValidationException>(() => WorkflowLoader.PrepareAsync(
            props, new Dictionary<string, string>(), "u", "job.properties", FileSystems.Default));

        var error = Assert.Single(e.Errors, x => !x.IsWarning);
        Assert.Equal("E0723", error.Code);
        Assert.Equal("j", error.Node);
        Assert.Contains("Submit this workflow to an Oozie server", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location.Line);
    }
}
