using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests;

/// <summary>The credentials section, cred attributes and sla:info: parsing, validation and what a run does with them.</summary>
public sealed class SlaAndCredentialsTests : IDisposable
{
    private readonly TempDir _dir = new();

    // Every job here starts and ends at this instant, so SLA figures are exact.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private static string Workflow(string body, string version = "0.5", string credentials = "", string sla = "") => $"""
        <workflow-app xmlns="uri:oozie:workflow:{version}" xmlns:sla="uri:oozie:sla:0.2" name="sla-wf">
          {credentials}
          <start to="a"/>
          {body}
          <kill name="fail"><message>failed [${"{"}wf:errorCode(wf:lastErrorNode()){"}"}]</message></kill>
          <end name="end"/>
          {sla}
        </workflow-app>
        """;

    private static string ShellAction(string attributes = "", string sla = "", string command = "true") => $"""
        <action name="a" {attributes}>
          <shell xmlns="uri:oozie:shell-action:0.3"><exec>/bin/sh</exec><argument>-c</argument><argument>{command}</argument></shell>
          <ok to="end"/><error to="fail"/>
          {sla}
        </action>
        """;

    private const string HcatCredentials = """
        <credentials>
          <credential name="hcatauth" type="hcat">
            <property><name>hcat.metastore.uri</name><value>thrift://metastore:9083</value></property>
          </credential>
        </credentials>
        """;

    private static string SlaInfo(string nominal, string shouldEnd, string extra = "") => $"""
        <sla:info>
          <sla:nominal-time>{nominal}</sla:nominal-time>
          <sla:should-end>{shouldEnd}</sla:should-end>
          {extra}
        </sla:info>
        """;

    private string Nominal(TimeSpan beforeNow) =>
        (_time.GetUtcNow() - beforeNow).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static IReadOnlyList<WorkflowError> Check(string xml) => WorkflowLoader.Check(xml, "workflow.xml").Errors;

    private async Task<(JobStore Store, string Id, JobStatus Status)> RunAsync(
        string xml, Dictionary<string, string>? props = null)
    {
        _dir.Write("app/workflow.xml", xml);
        var properties = new Dictionary<string, string>(props ?? [])
        {
            [WorkflowLoader.AppPathProperty] = "file://" + Path.Combine(_dir.Path, "app"),
        };
        var prepared = await WorkflowLoader.PrepareAsync(properties, new Dictionary<string, string>(), "tester",
            "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), _time);
        var engine = new WorkflowEngine(store, _time);
        var id = engine.Submit(prepared);
        return (store, id, await engine.RunAsync(id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Credentials_and_sla_parse_into_the_model()
    {
        var xml = Workflow(
            ShellAction("cred=\"hcatauth\"", SlaInfo("${nominal}", "${10 * MINUTES}",
                "<sla:max-duration>${2 * HOURS}</sla:max-duration><sla:alert-contact>ops@example.test</sla:alert-contact>")),
            credentials: HcatCredentials,
            sla: SlaInfo("2026-01-01T06:00Z", "${1 * DAYS}", "<sla:alert-events>start_miss,end_miss</sla:alert-events>"));

        var (app, errors) = WorkflowLoader.Check(xml, "workflow.xml");

        Assert.DoesNotContain(errors, e => !e.IsWarning);
        var credential = Assert.Single(app!.CredentialDefinitions);
        Assert.Equal(("hcatauth", "hcat"), (credential.Name, credential.Type));
        Assert.Equal("thrift://metastore:9083", Assert.Single(credential.Properties).Value);
        Assert.Equal("2026-01-01T06:00Z", app.Sla!.NominalTime);
        Assert.Equal("start_miss,end_miss", app.Sla.AlertEvents);
        var action = app.Nodes.OfType<ActionNode>().Single();
        Assert.Equal(["hcatauth"], action.Credentials);
        Assert.Equal("${2 * HOURS}", action.Sla!.MaxDuration);
        Assert.Equal("ops@example.test", action.Sla.AlertContact);
        Assert.Equal("0.2", action.Sla.SchemaVersion);
    }

    [Theory]
    [InlineData("0.4", "SLA schema 0.2 needs workflow schema 0.5")]
    [InlineData("1.0", null)]
    public void Sla_0_2_needs_workflow_0_5(string version, string? message)
    {
        var errors = Check(Workflow(ShellAction(), version, sla: SlaInfo("2026-01-01T06:00Z", "10")));

        if (message is null)
        {
            Assert.DoesNotContain(errors, e => !e.IsWarning);
        }
        else
        {
            var error = Assert.Single(errors, e => !e.IsWarning);
            Assert.Equal("E0701", error.Code);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
            Assert.True(error.Location.Line > 1);
        }
    }

    [Theory]
    [InlineData("<sla:nominal-time>2026-01-01T06:00Z</sla:nominal-time>", "missing <sla:should-end>")]
    [InlineData("<sla:nominal-time>x</sla:nominal-time><sla:should-end>1</sla:should-end><sla:bogus>1</sla:bogus>",
        "<bogus> is not allowed")]
    [InlineData("<sla:nominal-time>x</sla:nominal-time><sla:should-end>1</sla:should-end>" +
        "<sla:alert-events>end_miss,late</sla:alert-events>", "names 'late'")]
    [InlineData("<sla:nominal-time>x</sla:nominal-time><sla:nominal-time>y</sla:nominal-time>" +
        "<sla:should-end>1</sla:should-end>", "appears twice")]
    public void A_malformed_sla_info_is_E0701_with_its_position(string children, string expected)
    {
        var errors = Check(Workflow(ShellAction(sla: $"<sla:info>{children}</sla:info>")));

        var error = Assert.Single(errors, e => !e.IsWarning);
        Assert.Equal("E0701", error.Code);
        Assert.Equal("a", error.Node);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.Location.Line > 1 && error.Location.Column > 0);
    }

    [Fact]
    public void A_foreign_element_in_the_workflow_is_E0701()
    {
        var xml = Workflow(ShellAction()).Replace("<end name=\"end\"/>",
            "<end name=\"end\"/><x:extra xmlns:x=\"urn:other\"/>", StringComparison.Ordinal);

        var error = Assert.Single(Check(xml), e => !e.IsWarning);

        Assert.Equal("E0701", error.Code);
        Assert.Contains("urn:other", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.2", HcatCredentials, "cred=\"hcatauth\"", "needs workflow schema 0.2.5")]
    [InlineData("0.5", "<credentials><credential name=\"c\"/></credentials>", "", "missing the required attribute 'type'")]
    [InlineData("0.5", "<credentials><credential name=\"c\" type=\"hcat\"/><credential name=\"c\" type=\"hive2\"/></credentials>",
        "", "already used")]
    public void Malformed_credentials_are_E0701(string version, string credentials, string attributes, string expected)
    {
        var errors = Check(Workflow(ShellAction(attributes), version, credentials)).Where(e => !e.IsWarning).ToList();

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("E0701", e.Code));
        Assert.Contains(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_undefined_cred_warns_at_validation_and_fails_the_action_with_JA021()
    {
        var xml = Workflow(ShellAction("cred=\"nosuch\""), credentials: HcatCredentials);
        var warning = Assert.Single(Check(xml));
        Assert.Equal(("W0003", true), (warning.Code, warning.IsWarning));
        Assert.Contains("nosuch", warning.Message, StringComparison.Ordinal);

        var (store, id, status) = await RunAsync(xml);

        Assert.Equal(JobStatus.KILLED, status);
        var action = store.GetActions(id).Single(a => a.Name == "a");
        Assert.Equal((ActionStatus.ERROR, "JA021"), (action.Status, action.ErrorCode));
        Assert.Contains("hcatauth", action.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_of_an_unregistered_type_fails_with_JA020()
    {
        var credentials = HcatCredentials.Replace("type=\"hcat\"", "type=\"vault\"", StringComparison.Ordinal);

        var (store, id, status) = await RunAsync(Workflow(ShellAction("cred=\"hcatauth\""), credentials: credentials));

        Assert.Equal(JobStatus.KILLED, status);
        Assert.Equal("JA020", store.GetActions(id).Single(a => a.Name == "a").ErrorCode);
    }

    [Fact]
    public async Task A_registered_credential_lets_the_action_run_and_is_logged()
    {
        var (store, id, status) = await RunAsync(Workflow(ShellAction("cred=\"hcatauth\""), credentials: HcatCredentials));

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Contains(store.GetLog(id), l => l.Contains("credential 'hcatauth' (hcat)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_skip_lets_an_undefined_cred_run()
    {
        var (_, _, status) = await RunAsync(Workflow(ShellAction("cred=\"nosuch\"")),
            new() { [ActionCredentials.SkipProperty] = "true" });

        Assert.Equal(JobStatus.SUCCEEDED, status);
    }

    [Fact]
    public async Task A_job_that_ends_after_its_should_end_misses_and_one_within_meets()
    {
        // The nominal time is an hour ago: a 10-minute should-end is missed, a 1-day one is met.
        var nominal = Nominal(TimeSpan.FromHours(1));
        var xml = Workflow(ShellAction(sla: SlaInfo("${nominal}", "${1 * DAYS}",
                "<sla:should-start>${5 * MINUTES}</sla:should-start><sla:max-duration>${1 * HOURS}</sla:max-duration>")),
            sla: SlaInfo("${nominal}", "${10 * MINUTES}"));

        var (store, id, status) = await RunAsync(xml, new() { ["nominal"] = nominal });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var summaries = SlaCalculator.ForJob(store.GetJob(id)!, store.GetActions(id), _time.GetUtcNow());
        var job = summaries.Single(s => s.AppType == "WORKFLOW_JOB");
        Assert.Equal(("MISS", "SUCCEEDED", "sla-wf"), (job.SlaStatus, job.JobStatus, job.AppName));
        Assert.Equal(["END_MISS"], job.EventStatus);
        Assert.Equal(50, job.EndDelay);
        Assert.Equal(0, job.ActualDuration);
        var action = summaries.Single(s => s.AppType == "WORKFLOW_ACTION");
        Assert.Equal((id + "@a", id, "MET"), (action.Id, action.ParentId, action.SlaStatus));
        Assert.Equal(["START_MISS", "DURATION_MET", "END_MET"], action.EventStatus);
        Assert.Equal(3_600_000, action.ExpectedDuration);
        Assert.Equal(55, action.StartDelay);
        Assert.Equal(-60, action.DurationDelay);
        Assert.Contains(store.GetLog(id), l => l.Contains($"SLA MISS for {id}: END_MISS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_job_misses_its_end_even_when_on_time()
    {
        var xml = Workflow(ShellAction(command: "exit 3"), sla: SlaInfo("${nominal}", "${1 * DAYS}"));
        var nominal = Nominal(TimeSpan.Zero);

        var (store, id, status) = await RunAsync(xml, new() { ["nominal"] = nominal });

        Assert.Equal(JobStatus.KILLED, status);
        var job = Assert.Single(SlaCalculator.ForJob(store.GetJob(id)!, store.GetActions(id), _time.GetUtcNow()));
        Assert.Equal(("MISS", "KILLED"), (job.SlaStatus, job.JobStatus));
        Assert.Equal(["END_MISS"], job.EventStatus);
    }

    [Fact]
    public async Task An_sla_with_a_bad_nominal_time_is_logged_and_does_not_fail_the_job()
    {
        var (store, id, status) = await RunAsync(Workflow(ShellAction(), sla: SlaInfo("yesterday", "10")));

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Contains(store.GetLog(id), l => l.Contains("'yesterday'", StringComparison.Ordinal)
            && l.Contains("not an Oozie datetime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_miss_named_in_alert_events_is_mailed_to_the_contact()
    {
        using var server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        var nominal = Nominal(TimeSpan.FromDays(1));
        var xml = Workflow(ShellAction(), sla: SlaInfo("${nominal}", "${30 * MINUTES}",
            "<sla:alert-events>end_miss</sla:alert-events><sla:alert-contact>ops@example.test</sla:alert-contact>" +
            "<sla:notification-msg>Daily run ${wf:id()} is late</sla:notification-msg>"));

        var (_, id, status) = await RunAsync(xml, new()
        {
            ["nominal"] = nominal,
            ["oozie.email.smtp.host"] = "127.0.0.1",
            ["oozie.email.smtp.port"] = server.Configuration.Port.ToString(CultureInfo.InvariantCulture),
        });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        var mail = Assert.Single(server.ReceivedEmail);
        Assert.Equal("ops@example.test", Assert.Single(mail.ToAddresses).Address);
        Assert.Contains("END_MISS", mail.Headers["Subject"], StringComparison.Ordinal);
        Assert.Contains($"Daily run {id} is late", mail.MessageParts[0].BodyData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_that_passes_while_the_job_runs_is_mailed_at_once_and_only_once()
    {
        using var server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        var gate = Path.Combine(_dir.Path, "gate");
        var wait = $"i=0; while [ ! -e {gate} ] &amp;&amp; [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done";
        _dir.Write("app/workflow.xml", Workflow(ShellAction(command: wait), sla: SlaInfo("${nominal}",
            "${10 * MINUTES}", "<sla:alert-events>end_miss</sla:alert-events>" +
            "<sla:alert-contact>ops@example.test</sla:alert-contact>")));
        var prepared = await WorkflowLoader.PrepareAsync(new Dictionary<string, string>
        {
            [WorkflowLoader.AppPathProperty] = "file://" + Path.Combine(_dir.Path, "app"),
            ["nominal"] = Nominal(TimeSpan.Zero),
            ["oozie.email.smtp.host"] = "127.0.0.1",
            ["oozie.email.smtp.port"] = server.Configuration.Port.ToString(CultureInfo.InvariantCulture),
        }, new Dictionary<string, string>(), "tester", "job.properties", FileSystems.Default);
        var store = JobStore.Open(Path.Combine(_dir.Path, "home"), _time);
        var engine = new WorkflowEngine(store, _time, new EngineOptions
        {
            ControlPollInterval = TimeSpan.FromMilliseconds(20),
        });
        var id = engine.Submit(prepared);
        try
        {
            var run = engine.RunAsync(id, TestContext.Current.CancellationToken);
            await Until(() => store.GetActions(id).Any(a => a.Name == "a" && a.Status == ActionStatus.RUNNING));
            Assert.Empty(server.ReceivedEmail);

            _time.Advance(TimeSpan.FromMinutes(11));
            await Until(() => server.ReceivedEmail.Length == 1);
            Assert.Equal(JobStatus.RUNNING, store.GetJob(id)!.Status);
            File.WriteAllText(gate, string.Empty);

            Assert.Equal(JobStatus.SUCCEEDED, await run);
            var mail = Assert.Single(server.ReceivedEmail);
            Assert.Contains("END_MISS", mail.Headers["Subject"], StringComparison.Ordinal);
            Assert.Contains(store.GetLog(id), l => l.Contains($"SLA MISS for {id}: END_MISS", StringComparison.Ordinal));
        }
        finally
        {
            File.WriteAllText(gate, string.Empty);
        }

        static async Task Until(Func<bool> condition)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!condition())
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    [Fact]
    public async Task A_met_sla_mails_nothing()
    {
        using var server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        var nominal = Nominal(TimeSpan.Zero);
        var xml = Workflow(ShellAction(), sla: SlaInfo("${nominal}", "${1 * DAYS}",
            "<sla:alert-contact>ops@example.test</sla:alert-contact>"));

        var (_, _, status) = await RunAsync(xml, new()
        {
            ["nominal"] = nominal,
            ["oozie.email.smtp.host"] = "127.0.0.1",
            ["oozie.email.smtp.port"] = server.Configuration.Port.ToString(CultureInfo.InvariantCulture),
        });

        Assert.Equal(JobStatus.SUCCEEDED, status);
        Assert.Empty(server.ReceivedEmail);
    }

    [Fact]
    public async Task The_sla_filter_selects_by_status_event_and_name()
    {
        var late = Nominal(TimeSpan.FromHours(2));
        var (store, id, _) = await RunAsync(Workflow(ShellAction(), sla: SlaInfo("${nominal}", "${10 * MINUTES}")),
            new() { ["nominal"] = late });
        var now = _time.GetUtcNow();

        Assert.Equal(id, Assert.Single(SlaQuery.Parse("sla_status=MISS").Find(store, now)).Id);
        Assert.Single(SlaQuery.Parse($"id={id};event_status=END_MET,END_MISS;app_name=sla%").Find(store, now));
        Assert.Empty(SlaQuery.Parse("sla_status=MET").Find(store, now));
        Assert.Empty(SlaQuery.Parse("nominal_after=2999-01-01T00:00Z").Find(store, now));
        Assert.Equal("E0420", Assert.Throws<OozieException>(() => SlaQuery.Parse("sla_status=MAYBE")).ErrorCode);
        var bad = Assert.Throws<OozieException>(() => SlaQuery.Parse("colour=red"));
        Assert.Equal("E0420", bad.ErrorCode);
        Assert.Contains("sla_status", bad.Message, StringComparison.Ordinal);
    }
}
