using System.Net;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>Symbolic links inside the application roots: followed to their targets before any check.</summary>
public sealed class SymlinkConfinementTests : IDisposable
{
    private readonly TempDir _dir = new();

    public SymlinkConfinementTests()
    {
        ServerApiTests.WriteApp(_dir, "ok", "true");
        _dir.Write("outside/app/workflow.xml", File.ReadAllText(Path.Combine(Apps, "ok", "workflow.xml")));
        _dir.Write("outside/secret.xml", "<configuration/>");
        _dir.Write("outside/lib/tool.sh", "echo out");
    }

    private string Apps => Path.Combine(_dir.Path, "apps");

    private string Outside => Path.Combine(_dir.Path, "outside");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("app-dir")]
    [InlineData("parent-dir")]
    [InlineData("relative-dotdot")]
    [InlineData("workflow.xml")]
    [InlineData("workflow-file-as-app-path")]
    [InlineData("config-default.xml")]
    [InlineData("lib-file")]
    [InlineData("lib-dir")]
    [InlineData("lib-nested")]
    public async Task A_link_inside_a_root_that_leads_outside_is_refused_with_E0302(string where)
    {
        var appPath = Link(where);
        await using var server = await StartAsync();
        using var http = new HttpClient();

        using var reply = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", appPath)));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal("E0302", reply.Headers.GetValues("oozie-error-code").Single());
        var message = reply.Headers.GetValues("oozie-error-message").Single();
        Assert.StartsWith("E0302: Invalid parameter [oozie.wf.application.path=", message, StringComparison.Ordinal);
        Assert.Contains("outside this server's application roots", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Outside, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_that_stay_inside_the_roots_are_accepted()
    {
        File.CreateSymbolicLink(Path.Combine(Apps, "alias"), Path.Combine(Apps, "ok"));
        _dir.Write("apps/shared/defaults.xml", "<configuration/>");
        _dir.Write("apps/shared/lib/tool.sh", "echo in");
        _dir.Write("apps/linked/workflow.xml", File.ReadAllText(Path.Combine(Apps, "ok", "workflow.xml")));
        File.CreateSymbolicLink(Path.Combine(Apps, "linked", "config-default.xml"), "../shared/defaults.xml");
        File.CreateSymbolicLink(Path.Combine(Apps, "linked", "lib"), Path.Combine(Apps, "shared", "lib"));
        await using var server = await StartAsync();
        using var http = new HttpClient();

        using var alias = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(Apps, "alias"))));
        using var linked = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(Apps, "linked"))));

        Assert.Equal(HttpStatusCode.Created, alias.StatusCode);
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
    }

    [Fact]
    public async Task A_root_that_is_itself_a_link_confines_to_its_target()
    {
        var rootLink = Path.Combine(_dir.Path, "apps-link");
        File.CreateSymbolicLink(rootLink, Apps);
        await using var server = await OozieServer.StartAsync(new OozieServerOptions
        {
            Port = 0, AppRoots = [rootLink], StoreHome = Path.Combine(_dir.Path, "store"),
        }, CancellationToken.None);
        using var http = new HttpClient();

        using var throughLink = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(rootLink, "ok"))));
        using var physical = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(Apps, "ok"))));
        using var outside = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(Outside, "app"))));

        Assert.Equal(HttpStatusCode.Created, throughLink.StatusCode);
        Assert.Equal(HttpStatusCode.Created, physical.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }

    [Fact]
    public void Resolve_follows_relative_absolute_and_chained_links_and_dotdot_after_them()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "a", "b"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "abs"), Path.Combine(_dir.Path, "a", "b"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "rel"), "a/b");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "chain"), "rel");

        Assert.Equal(Path.Combine(_dir.Path, "a", "b", "x"), PhysicalPath.Resolve(Path.Combine(_dir.Path, "abs", "x")));
        Assert.Equal(Path.Combine(_dir.Path, "a", "b"), PhysicalPath.Resolve(Path.Combine(_dir.Path, "chain")));

        // ".." after a link climbs from the link's target, as the kernel does, not from the link's name.
        Assert.Equal(Path.Combine(_dir.Path, "a", "y"), PhysicalPath.Resolve(_dir.Path + "/rel/../y"));
        Assert.Equal(Path.Combine(_dir.Path, "none", "z"), PhysicalPath.Resolve(_dir.Path + "/none/./z"));
    }

    [Fact]
    public void Resolve_refuses_a_loop()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "ping"), "pong");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "pong"), "ping");

        var error = Assert.Throws<IOException>(() => PhysicalPath.Resolve(Path.Combine(_dir.Path, "ping", "x")));

        Assert.Contains("symbolic links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_looping_link_in_lib_is_refused_with_E0302()
    {
        File.CreateSymbolicLink(Path.Combine(Apps, "ok", "lib"), "lib");
        await using var server = await StartAsync();
        using var http = new HttpClient();

        using var reply = await http.PostAsync(server.BaseUri + "/v2/jobs",
            ServerApiTests.Configuration(("oozie.wf.application.path", Path.Combine(Apps, "ok"))));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal("E0302", reply.Headers.GetValues("oozie-error-code").Single());
        Assert.Contains("cannot be resolved", reply.Headers.GetValues("oozie-error-message").Single(),
            StringComparison.Ordinal);
    }

    private Task<OozieServer> StartAsync() => OozieServer.StartAsync(new OozieServerOptions
    {
        Port = 0, AppRoots = [Apps], StoreHome = Path.Combine(_dir.Path, "store"),
    }, CancellationToken.None);

    // Plants one link that leads outside the root and returns the application path to submit.
    private string Link(string where)
    {
        var ok = Path.Combine(Apps, "ok");
        switch (where)
        {
            case "app-dir":
                File.CreateSymbolicLink(Path.Combine(Apps, "evil"), Path.Combine(Outside, "app"));
                return Path.Combine(Apps, "evil");
            case "parent-dir":
                File.CreateSymbolicLink(Path.Combine(Apps, "team"), Outside);
                return Path.Combine(Apps, "team", "app");
            case "relative-dotdot":
                File.CreateSymbolicLink(Path.Combine(Apps, "up"), "../outside/app");
                return Path.Combine(Apps, "up");
            case "workflow.xml":
                File.Delete(Path.Combine(ok, "workflow.xml"));
                File.CreateSymbolicLink(Path.Combine(ok, "workflow.xml"), Path.Combine(Outside, "app", "workflow.xml"));
                return ok;
            case "workflow-file-as-app-path":
                File.CreateSymbolicLink(Path.Combine(ok, "other.xml"), Path.Combine(Outside, "app", "workflow.xml"));
                return Path.Combine(ok, "other.xml");
            case "config-default.xml":
                File.CreateSymbolicLink(Path.Combine(ok, "config-default.xml"), Path.Combine(Outside, "secret.xml"));
                return ok;
            case "lib-file":
                Directory.CreateDirectory(Path.Combine(ok, "lib"));
                File.CreateSymbolicLink(Path.Combine(ok, "lib", "tool.sh"), Path.Combine(Outside, "lib", "tool.sh"));
                return ok;
            case "lib-dir":
                File.CreateSymbolicLink(Path.Combine(ok, "lib"), Path.Combine(Outside, "lib"));
                return ok;
            case "lib-nested":
                // The link inside the root is harmless; the one it leads to is not.
                _dir.Write("apps/shared/lib/ok.sh", "echo in");
                File.CreateSymbolicLink(Path.Combine(Apps, "shared", "lib", "deep"), Path.Combine(Outside, "lib"));
                File.CreateSymbolicLink(Path.Combine(ok, "lib"), Path.Combine(Apps, "shared", "lib"));
                return ok;
            default:
                throw new ArgumentOutOfRangeException(nameof(where), where, "no such case");
        }
    }
}
