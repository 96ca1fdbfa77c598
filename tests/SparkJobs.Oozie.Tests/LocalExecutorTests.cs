using System.Globalization;
using System.Net;
using netDumbster.smtp;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class LocalExecutorTests : IDisposable
{
    private const string JavaSource = """
        import java.io.*;
        import java.util.*;
        public class Hello {
          public static void main(String[] args) throws Exception {
            String out = System.getProperty("oozie.action.output.properties");
            Properties p = new Properties();
            p.setProperty("greeting", "hi " + args[0]);
            p.setProperty("opt", String.valueOf(System.getProperty("my.opt")));
            p.setProperty("env", String.valueOf(System.getenv("OOZIE_ACTION_OUTPUT_PROPERTIES") != null));
            try (OutputStream os = new FileOutputStream(out)) { p.store(os, ""); }
            System.exit(Integer.parseInt(args[1]));
          }
        }
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Workflow(string action, string start = "a") => $"""
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="local-wf">
          <start to="{start}"/>
          {action}
          <kill name="fail"><message>failed</message></kill>
          <end name="end"/>
        </workflow-app>
        """;

    private async Task<(JobStore Store, string Id, JobStatus Status)> RunAsync(
        string appDir, Dictionary<string, string>? props = null)
    {
        var properties = new Dictionary<string, string>(props ?? [])
        {
            [WorkflowLoader.AppPathProperty] = "file://" + appDir,
        };
        var prepared = await WorkflowLoader.PrepareAsync(properties, new Dictionary<string, string>(), "tester",
            "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System);
        var id = engine.Submit(prepared);
        return (store, id, await engine.RunAsync(id));
    }

    private async Task<string> BuildJarAppAsync()
    {
        var src = _dir.Write("src/Hello.java", JavaSource);
        var classes = Path.Combine(_dir.Path, "classes");
        await CliWrap.Cli.Wrap("javac").WithArguments(["-d", classes, src]).ExecuteAsync();
        Directory.CreateDirectory(Path.Combine(_dir.Path, "app", "lib"));
        await CliWrap.Cli.Wrap("jar").WithArguments(["cf", Path.Combine(_dir.Path, "app", "lib", "hello.jar"), "-C", classes,
            "."]).ExecuteAsync();
        return Path.Combine(_dir.Path, "app");
    }

    private static string JavaAction(string exitCode) => $"""
        <action name="a">
          <java>
            <main-class>Hello</main-class>
            <java-opt>-Dmy.opt=42</java-opt>
            <arg>${"{"}who{"}"}</arg><arg>{exitCode}</arg>
            <capture-output/>
          </java>
          <ok to="check"/><error to="fail"/>
        </action>
        <decision name="check"><switch>
          <case to="end">${"{"}wf:actionData('a')['greeting'] eq 'hi bob'{"}"}</case>
          <default to="fail"/>
        </switch></decision>
        """;

    [Fact]
    public async Task A_java_action_runs_the_main_class_from_lib_and_captures_its_output()
    {
        var app = await BuildJarAppAsync();
        _dir.Write("app/workflow.xml", Workflow(JavaAction("0")));

        var (store, id, status) = await RunAsync(app, new() { ["who"] = "bob" });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var action = store.GetActions(id).Single(a => a.Name == "a");
        Assert.Equal("42", action.Data["opt"]);
        Assert.Equal("true", action.Data["env"]);
    }

    [Fact]
    public async Task A_java_main_that_exits_non_zero_is_an_error_with_the_exit_code()
    {
        var app = await BuildJarAppAsync();
        _dir.Write("app/workflow.xml", Workflow(JavaAction("3")));

        var (store, id, status) = await RunAsync(app, new() { ["who"] = "bob" });

        Assert.Equal(JobStatus.KILLED, status);
        var action = store.GetActions(id).Single(a => a.Name == "a");
        Assert.Equal(ActionStatus.ERROR, action.Status);
        Assert.Equal("3", action.ErrorCode);
        Assert.Contains("exit code [3]", action.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_action_reaches_the_configured_smtp_server()
    {
        using var server = Configuration.Configure()
            .WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        _dir.Write("app/workflow.xml", Workflow("""
            <action name="a">
              <email xmlns="uri:oozie:email-action:0.2">
                <to>ops@example.test,dev@example.test</to><cc>boss@example.test</cc><bcc>audit@example.test</bcc>
                <subject>Job ${wf:name()} done</subject><body>All good</body>
                <content_type>text/plain</content_type>
              </email>
              <ok to="end"/><error to="fail"/>
            </action>
            """));

        var (_, _, status) = await RunAsync(Path.Combine(_dir.Path, "app"), new()
        {
            ["oozie.email.smtp.host"] = "127.0.0.1",
            ["oozie.email.smtp.port"] = server.Configuration.Port.ToString(CultureInfo.InvariantCulture),
            ["oozie.email.from.address"] = "oozie@example.test",
        });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var mail = Assert.Single(server.ReceivedEmail);
        Assert.Equal("Job local-wf done", mail.Headers["Subject"]);
        Assert.Equal(["ops@example.test", "dev@example.test"], mail.ToAddresses.Select(a => a.Address));
        Assert.Equal("boss@example.test", Assert.Single(mail.CcAddresses).Address);
        Assert.Contains("All good", mail.MessageParts[0].BodyData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_action_that_cannot_reach_its_server_is_an_error()
    {
        // A port that was just free on loopback: nothing listens there.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _dir.Write("app/workflow.xml", Workflow("""
            <action name="a">
              <email xmlns="uri:oozie:email-action:0.1"><to>a@example.test</to><subject>s</subject><body>b</body></email>
              <ok to="end"/><error to="fail"/>
            </action>
            """));

        var (store, id, status) = await RunAsync(Path.Combine(_dir.Path, "app"), new()
        {
            ["oozie.email.smtp.host"] = "127.0.0.1",
            ["oozie.email.smtp.port"] = port.ToString(CultureInfo.InvariantCulture),
        });

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal("EM004", store.GetActions(id).Single(a => a.Name == "a").ErrorCode);
    }

    private static string SubWorkflow(string appPath, string ok = "end") => $"""
        <action name="a">
          <sub-workflow>
            <app-path>{appPath}</app-path>
            <propagate-configuration/>
            <configuration><property><name>childProp</name><value>c1</value></property></configuration>
          </sub-workflow>
          <ok to="{ok}"/><error to="fail"/>
        </action>
        """;

    [Fact]
    public async Task A_sub_workflow_runs_as_a_child_job_with_its_parent_recorded()
    {
        var marker = Path.Combine(_dir.Path, "marker");
        _dir.Write("app/child/workflow.xml", Workflow($"""
            <action name="a">
              <shell xmlns="uri:oozie:shell-action:1.0"><exec>/bin/sh</exec><argument>-c</argument>
                <argument>echo ${"{"}parentProp{"}"}-${"{"}childProp{"}"} &gt; {marker}</argument></shell>
              <ok to="end"/><error to="fail"/>
            </action>
            """));
        _dir.Write("app/workflow.xml", Workflow(SubWorkflow("child")));

        var (store, id, status) = await RunAsync(Path.Combine(_dir.Path, "app"), new() { ["parentProp"] = "p1" });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var childId = store.GetActions(id).Single(a => a.Name == "a").ExternalId!;
        var child = store.GetJob(childId)!;
        Assert.Equal(JobStatus.SUCCEEDED, child.Status);
        Assert.Equal(id, child.Configuration[SubWorkflowExecutor.ParentIdProperty]);
        Assert.Equal("p1-c1", File.ReadAllText(marker).Trim());
    }

    [Fact]
    public async Task A_failing_child_makes_the_sub_workflow_action_an_error()
    {
        _dir.Write("app/child/workflow.xml", Workflow("""
            <action name="a">
              <shell xmlns="uri:oozie:shell-action:1.0"><exec>false</exec></shell>
              <ok to="end"/><error to="fail"/>
            </action>
            """));
        _dir.Write("app/workflow.xml", Workflow(SubWorkflow("child")));

        var (store, id, status) = await RunAsync(Path.Combine(_dir.Path, "app"));

        Assert.Equal(JobStatus.KILLED, status);
        var action = store.GetActions(id).Single(a => a.Name == "a");
        Assert.Equal(ActionStatus.ERROR, action.Status);
        Assert.Equal("KILLED", action.ExternalStatus);
    }

    [Fact]
    public async Task A_workflow_that_calls_itself_stops_at_the_depth_limit()
    {
        _dir.Write("app/workflow.xml", Workflow(SubWorkflow("${wf:appPath()}")));

        var (store, id, status) = await RunAsync(Path.Combine(_dir.Path, "app"),
            new() { [SubWorkflowExecutor.MaxDepthProperty] = "3" });

        Assert.Equal(JobStatus.KILLED, status);
        var jobs = store.ListJobs(100, [], []);
        Assert.Equal(4, jobs.Count);
        var deepest = jobs.Single(j => j.Configuration.GetValueOrDefault(SubWorkflowExecutor.DepthProperty) == "3");
        Assert.Equal("SUBWF001", store.GetActions(deepest.Id).Single(a => a.Name == "a").ErrorCode);
        Assert.Equal("SUBWF002", store.GetActions(id).Single(a => a.Name == "a").ErrorCode);
    }

    private const string SparkXml = """
        <action name="a">
          <spark xmlns="uri:oozie:spark-action:1.0">
            <master>local[2]</master><mode>client</mode><name>pi</name><class>org.example.Pi</class>
            <jar>pi.jar</jar>
            <spark-opts>--executor-memory 2g --conf "spark.driver.extraJavaOptions=-Da=1 -Db=2"</spark-opts>
            <arg>100</arg><arg>two words</arg>
          </spark>
          <ok to="end"/><error to="fail"/>
        </action>
        """;

    [Fact]
    public async Task A_spark_action_calls_spark_submit_with_oozies_arguments()
    {
        var home = Path.Combine(_dir.Path, "spark");
        var argv = Path.Combine(_dir.Path, "argv");
        var script = _dir.Write("spark/bin/spark-submit", $"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > {argv}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _dir.Write("app/workflow.xml", Workflow(SparkXml));
        _dir.Write("app/pi.jar", "jar");

        JobStatus status;
        var previous = Environment.GetEnvironmentVariable("SPARK_HOME");
        Environment.SetEnvironmentVariable("SPARK_HOME", home);
        try
        {
            (_, _, status) = await RunAsync(Path.Combine(_dir.Path, "app"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SPARK_HOME", previous);
        }

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Equal(
            ["--master", "local[2]", "--deploy-mode", "client", "--name", "pi", "--class", "org.example.Pi",
                "--executor-memory", "2g", "--conf", "spark.driver.extraJavaOptions=-Da=1 -Db=2",
                Path.Combine(_dir.Path, "app", "pi.jar"), "100", "two words"],
            File.ReadAllLines(argv));
    }

    [Fact]
    public async Task Without_spark_home_a_spark_action_fails_saying_what_to_set()
    {
        _dir.Write("app/workflow.xml", Workflow(SparkXml));
        JobStatus status;
        JobStore store;
        string id;
        var previous = Environment.GetEnvironmentVariable("SPARK_HOME");
        Environment.SetEnvironmentVariable("SPARK_HOME", null);
        try
        {
            (store, id, status) = await RunAsync(Path.Combine(_dir.Path, "app"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SPARK_HOME", previous);
        }

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Contains("Set SPARK_HOME", store.GetActions(id).Single(a => a.Name == "a").ErrorMessage,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Spark_opts_split_on_spaces_and_keep_quoted_parts()
    {
        Assert.Equal(["--a", "x y", "--b=c d", ""],
            SparkExecutor.SplitOptions("  --a 'x y'   --b=\"c d\" ''"));
    }
}
