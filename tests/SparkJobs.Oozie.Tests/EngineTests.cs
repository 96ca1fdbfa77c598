using System.Formats.Tar;
using System.IO.Compression;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

public sealed class EngineTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Shell(string name, string script, string ok, string error, string extra = "") => $"""
        <action name="{name}">
          <shell xmlns="uri:oozie:shell-action:1.0">
            <exec>/bin/sh</exec><argument>-c</argument><argument>{script}</argument>{extra}
          </shell>
          <ok to="{ok}"/><error to="{error}"/>
        </action>
        """;

    private static string Workflow(string body, string start) => $"""
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="test-wf">
          <start to="{start}"/>
          {body}
          <kill name="fail">
            <message>failed at [${"{"}wf:lastErrorNode(){"}"}]: ${"{"}wf:errorMessage(wf:lastErrorNode()){"}"}</message>
          </kill>
          <end name="end"/>
        </workflow-app>
        """;

    private async Task<(JobStore Store, string Id, JobStatus Status)> RunAsync(
        string workflowXml, Dictionary<string, string>? props = null, string? configDefault = null)
    {
        var app = Path.Combine(_dir.Path, "app");
        _dir.Write("app/workflow.xml", workflowXml);
        if (configDefault is not null)
        {
            _dir.Write("app/config-default.xml", configDefault);
        }

        var properties = new Dictionary<string, string>(props ?? [])
        {
            [WorkflowLoader.AppPathProperty] = "file://" + app,
        };
        var prepared = await WorkflowLoader.PrepareAsync(properties, new Dictionary<string, string>(), "tester",
            "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System);
        var id = engine.Submit(prepared);
        var status = await engine.RunAsync(id);
        return (store, id, status);
    }

    [Fact]
    public async Task Capture_output_feeds_a_decision_and_the_job_succeeds()
    {
        var xml = Workflow(
            Shell("hello", "echo my_output=Hello; echo n=12", "check", "fail", "<capture-output/>") + """
            <decision name="check"><switch>
              <case to="fail">${wf:actionData('hello')['n'] lt 10}</case>
              <case to="end">${wf:actionData('hello')['my_output'] eq 'Hello'
                and wf:actionData('hello')['n'] ge 12}</case>
              <default to="fail"/>
            </switch></decision>
            """, "hello");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var actions = store.GetActions(id);
        Assert.Equal([":start:", "hello", "check", "end"], actions.Select(a => a.Name));
        Assert.Equal("Hello", actions[1].Data["my_output"]);
        Assert.Equal("end", actions[2].Transition);
        Assert.Matches("^0000001-\\d{15}-oozie-tester-W$", id);
        Assert.Equal(id + "@hello", actions[1].Id);
        Assert.NotNull(actions[1].ExternalId);
    }

    [Fact]
    public async Task Non_zero_exit_follows_error_to_and_the_kill_message_names_the_error()
    {
        var xml = Workflow(Shell("boom", "echo oops >&amp;2; exit 3", "end", "fail"), "boom");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.KILLED, status);
        var boom = store.GetActions(id).Single(a => a.Name == "boom");
        Assert.Equal(ActionStatus.ERROR, boom.Status);
        Assert.Equal("3", boom.ErrorCode);
        Assert.Contains("oops", boom.ErrorMessage, StringComparison.Ordinal);
        var kill = store.GetActions(id).Single(a => a.Name == "fail");
        Assert.Equal("E0729", kill.ErrorCode);
        Assert.StartsWith("failed at [boom]: Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [3]",
            kill.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("oops", File.ReadAllText(boom.LogPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unresolvable_variable_fails_the_job_without_following_error_to()
    {
        var xml = Workflow(Shell("a", "echo ${undefinedThing}", "end", "fail"), "a");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.FAILED, status);
        var a = store.GetActions(id).Single(x => x.Name == "a");
        Assert.Equal(ActionStatus.FAILED, a.Status);
        Assert.Equal("EL_ERROR", a.ErrorCode);
        Assert.Equal("variable [undefinedThing] cannot be resolved", a.ErrorMessage);
        Assert.DoesNotContain(store.GetActions(id), x => x.Name == "fail");
    }

    [Fact]
    public async Task Properties_and_config_default_reach_el_and_env_vars()
    {
        var xml = Workflow(Shell("a", "echo v=$GREETING-${who}-${fromDefault}", "end", "fail",
            "<env-var>GREETING=${greeting}</env-var><capture-output/>"), "a");
        const string defaults = """
            <configuration><property><name>fromDefault</name><value>d</value></property>
            <property><name>who</name><value>notme</value></property></configuration>
            """;

        var (store, id, status) = await RunAsync(xml, new() { ["greeting"] = "hi", ["who"] = "me" }, defaults);

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Equal("hi-me-d", store.GetActions(id).Single(x => x.Name == "a").Data["v"]);
    }

    [Fact]
    public async Task Fork_runs_paths_in_parallel_and_join_continues()
    {
        var marker = Path.Combine(_dir.Path, "marker");

        // Each path waits for the other's file, so the job only finishes if both run at the same time.
        var xml = Workflow($"""
            <fork name="f"><path start="p1"/><path start="p2"/></fork>
            {Shell("p1", $"touch {marker}.1; while [ ! -e {marker}.2 ]; do sleep 0.05; done", "j", "fail")}
            {Shell("p2", $"touch {marker}.2; while [ ! -e {marker}.1 ]; do sleep 0.05; done", "j", "fail")}
            <join name="j" to="end"/>
            """, "f");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Equal(ActionStatus.OK, store.GetActions(id).Single(a => a.Name == "j").Status);
    }

    [Fact]
    public async Task Kill_on_one_fork_path_kills_the_other()
    {
        var xml = Workflow($"""
            <fork name="f"><path start="slow"/><path start="bad"/></fork>
            {Shell("slow", "sleep 30", "j", "fail")}
            {Shell("bad", "exit 1", "j", "fail")}
            <join name="j" to="end"/>
            """, "f");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal(ActionStatus.KILLED, store.GetActions(id).Single(a => a.Name == "slow").Status);
    }

    [Fact]
    public async Task Files_and_archives_are_localised_into_the_working_directory()
    {
        _dir.Write("app/lib/tool.sh", "echo tool=ran");
        var staging = Path.Combine(_dir.Path, "staging");
        Directory.CreateDirectory(Path.Combine(staging, "bin"));
        File.WriteAllText(Path.Combine(staging, "bin", "inner.sh"), "echo inner=$(basename $(pwd))");
        await using (var tgz = File.Create(Path.Combine(_dir.Path, "app", "lib", "pkg.tgz")))
        await using (var gzip = new GZipStream(tgz, CompressionLevel.Fastest))
        {
            await TarFile.CreateFromDirectoryAsync(staging, gzip, includeBaseDirectory: false);
        }

        ZipFile.CreateFromDirectory(staging, Path.Combine(_dir.Path, "app", "lib", "pkg.zip"));
        var xml = Workflow(Shell("a", "sh t.sh; sh pkg/bin/inner.sh; sh pkg.zip/bin/inner.sh", "b", "fail",
            "<file>lib/tool.sh#t.sh</file><archive>lib/pkg.tgz#pkg</archive><archive>lib/pkg.zip</archive>" +
            "<capture-output/>") + Shell("b", "cat pkg/bin/inner.sh", "end", "fail",
            "<archive>lib/pkg.tgz#pkg</archive>"), "a");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var a = store.GetActions(id).Single(x => x.Name == "a");
        Assert.Equal("ran", a.Data["tool"]);
        Assert.Equal("r0-a0", a.Data["inner"]);

        // Both actions used the tgz; it was unpacked once into the cache.
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(store.Home, "cache", "archives")).Length);
        Assert.StartsWith(Path.Combine(store.JobDirectory(id), "a"), a.LogPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_output_over_the_limit_is_an_error()
    {
        var xml = Workflow(Shell("a", "i=0; while [ $i -lt 300 ]; do echo k$i=0123456789; i=$((i+1)); done",
            "end", "fail", "<capture-output/>"), "a");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Contains("over 2048 characters", store.GetActions(id).Single(x => x.Name == "a").ErrorMessage,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fs_action_runs_every_operation_after_checking_paths()
    {
        var root = Path.Combine(_dir.Path, "data");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "old"), "x");
        _dir.Write("data/gone/f", "x");
        var xml = Workflow($"""
            <action name="fs"><fs>
              <mkdir path="file://{root}/new/deep"/>
              <touchz path="{root}/new/_SUCCESS"/>
              <move source="{root}/old" target="{root}/moved"/>
              <delete path="{root}/gone"/>
              <chmod path="{root}/new" permissions="-rwxr-x---" dir-files="true"/>
            </fs><ok to="end"/><error to="fail"/></action>
            """, "fs");

        var (_, _, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.True(Directory.Exists(Path.Combine(root, "new", "deep")));
        Assert.True(File.Exists(Path.Combine(root, "new", "_SUCCESS")));
        Assert.True(File.Exists(Path.Combine(root, "moved")));
        Assert.False(Directory.Exists(Path.Combine(root, "gone")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(Path.Combine(root, "new")));
    }

    [Fact]
    public async Task Fs_action_with_a_relative_path_does_nothing()
    {
        var root = Path.Combine(_dir.Path, "data");
        var xml = Workflow($"""
            <action name="fs"><fs><mkdir path="{root}/first"/><delete path="relative/x"/></fs>
              <ok to="end"/><error to="fail"/></action>
            """, "fs");

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal("FS001", store.GetActions(id).Single(a => a.Name == "fs").ErrorCode);
        Assert.False(Directory.Exists(Path.Combine(root, "first")));
    }

    [Fact]
    public async Task A_second_store_instance_reads_what_the_first_wrote()
    {
        var (store, id, _) = await RunAsync(Workflow(Shell("a", "echo hi", "end", "fail"), "a"));

        var other = JobStore.Open(store.Home, TimeProvider.System);

        var job = other.GetJob(id);
        Assert.NotNull(job);
        Assert.Equal(JobStatus.SUCCEEDED, job.Status);
        Assert.Equal("test-wf", job.AppName);
        Assert.NotNull(job.Ended);
        Assert.Equal([":start:", "a", "end"], other.GetActions(id).Select(a => a.Name));
        Assert.Contains(other.GetLog(id), l => l.Contains(" a OK in ", StringComparison.Ordinal));
        Assert.Equal(store.Epoch, other.Epoch);
        Assert.EndsWith("0000002-" + other.Epoch + "-oozie-x-W", other.NextJobId("x"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_parameters_stop_the_run_before_it_starts()
    {
        var xml = """
            <workflow-app xmlns="uri:oozie:workflow:0.4" name="p">
              <parameters><property><name>input</name></property></parameters>
              <start to="end"/><end name="end"/>
            </workflow-app>
            """;

        var e = await Assert.ThrowsAsync<WorkflowValidationException>(() => RunAsync(xml));

        Assert.Equal("E0738", e.ErrorCode);
        Assert.Contains("input", e.Message, StringComparison.Ordinal);
        Assert.Contains("workflow.xml:2:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_configuration_layers_global_under_the_actions_own()
    {
        var xml = """
            <workflow-app xmlns="uri:oozie:workflow:0.4" name="g">
              <global><configuration>
                <property><name>q</name><value>global</value></property>
                <property><name>only.global</name><value>${wf:id()}</value></property>
              </configuration></global>
              <start to="a"/>
              <action name="a"><shell xmlns="uri:oozie:shell-action:0.2"><configuration>
                  <property><name>q</name><value>action</value></property></configuration>
                  <exec>/bin/sh</exec><argument>-c</argument><argument>cat "$OOZIE_ACTION_CONF_XML"</argument>
                </shell><ok to="end"/><error to="end"/></action>
              <end name="end"/>
            </workflow-app>
            """;

        var (store, id, status) = await RunAsync(xml, new() { ["fromJob"] = "j" });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var log = File.ReadAllText(store.GetActions(id).Single(a => a.Name == "a").LogPath!);
        Assert.Contains("<value>action</value>", log, StringComparison.Ordinal);
        Assert.DoesNotContain("<value>global</value>", log, StringComparison.Ordinal);
        Assert.Contains($"<value>{id}</value>", log, StringComparison.Ordinal);
        Assert.Contains("<name>fromJob</name>", log, StringComparison.Ordinal);
    }
}
