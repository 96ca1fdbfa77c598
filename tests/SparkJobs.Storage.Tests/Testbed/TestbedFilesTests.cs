using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace SparkJobs.Storage.Tests.Testbed;

/// <summary>
/// What can be checked of the docker testbed without a Docker engine: the compose file is YAML with the
/// services, profiles and settings the cluster needs, every file it names exists, the scripts parse,
/// and the cluster's job.properties resolves.
/// </summary>
public sealed partial class TestbedFilesTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Testbed = Path.Combine(Root, "scripts", "testbed");
    private static readonly string ComposeFile = Path.Combine(Testbed, "docker-compose.yml");

    [Fact]
    public void Compose_DefinesTheClusterServices()
    {
        var services = Services();

        string[] expected =
            ["namenode", "datanode", "resourcemanager", "nodemanager", "nodemanager-gpu", "spark-connect", "oozie"];
        Assert.Equal(expected.Order(), services.Keys.Order());
        foreach (var name in new[] { "namenode", "datanode", "resourcemanager" })
        {
            Assert.Matches(@"^apache/hadoop:3\.4\.\d+$", Scalar(services[name], "image"));
        }

        var namenodeEnvironment = Mapping(services["namenode"], "environment");
        Assert.Equal("/tmp/hadoop-root/dfs/name", Scalar(namenodeEnvironment, "ENSURE_NAMENODE_DIR"));
        Assert.Matches(@"^apache/spark:4\.", Scalar(services["spark-connect"], "image"));
        Assert.Equal("./oozie", Scalar(Mapping(services["oozie"], "build"), "context"));
    }

    [Fact]
    public void Compose_GpuNodeManager_IsBehindTheGpuProfileWithTheYarnGpuSettings()
    {
        var gpu = Services()["nodemanager-gpu"];

        Assert.Equal(new[] { "gpu" }, Sequence(gpu, "profiles"));
        Assert.Contains("./config/gpu.env", Sequence(gpu, "env_file"));
        Assert.DoesNotContain("profiles", Services()["nodemanager"].Keys());
        var devices = (YamlSequenceNode)Node(gpu, "deploy", "resources", "reservations", "devices");
        var device = (YamlMappingNode)devices[0];
        Assert.Equal("nvidia", Scalar(device, "driver"));
        var settings = EnvFile("config/gpu.env");
        Assert.Equal("yarn.io/gpu", settings["YARN-SITE.XML_yarn.nodemanager.resource-plugins"]);
        Assert.Equal("auto", settings["YARN-SITE.XML_yarn.nodemanager.resource-plugins.gpu.allowed-gpu-devices"]);
        Assert.Equal("/usr/bin/nvidia-smi",
            settings["YARN-SITE.XML_yarn.nodemanager.resource-plugins.gpu.path-to-discovery-executables"]);
        var cluster = EnvFile("config/hadoop.env");
        Assert.Equal("yarn.io/gpu", cluster["RESOURCE-TYPES.XML_yarn.resource-types"]);
        Assert.EndsWith("DominantResourceCalculator",
            cluster["CAPACITY-SCHEDULER.XML_yarn.scheduler.capacity.resource-calculator"], StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SparkConnect_RunsOnYarnInClientModeWithAToken()
    {
        var spark = Services()["spark-connect"];
        var command = string.Join(' ', Sequence(spark, "command"));

        Assert.Contains(
            "start-connect-server.sh --master yarn --deploy-mode client", command, StringComparison.Ordinal);
        Assert.Contains("spark.executorEnv.JAVA_HOME=/opt/jdk17", command, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(EnvFile("config/testbed.env")["SPARK_CONNECT_AUTHENTICATE_TOKEN"]));
        Assert.Contains("./config/testbed.env", Sequence(spark, "env_file"));
    }

    [Fact]
    public void Compose_EveryFileItNamesExists()
    {
        var missing = new List<string>();
        foreach (var (name, service) in Services())
        {
            foreach (var envFile in Sequence(service, "env_file"))
            {
                Check(name, envFile);
            }

            if (service.Children.ContainsKey("build"))
            {
                Check(name, Path.Combine(Scalar(Mapping(service, "build"), "context"), "Dockerfile"));
            }

            foreach (var volume in Sequence(service, "volumes"))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.'))
                {
                    Check(name, source);
                }
            }
        }

        Assert.Empty(missing);

        void Check(string service, string relative)
        {
            var full = Path.GetFullPath(Path.Combine(Testbed, relative));
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                missing.Add($"{service}: {relative}");
            }
        }
    }

    [Fact]
    public void EnvFiles_AreKeyValueLinesForKnownHadoopFiles()
    {
        string[] known =
        [
            "CORE-SITE.XML", "HDFS-SITE.XML", "YARN-SITE.XML", "MAPRED-SITE.XML", "CAPACITY-SCHEDULER.XML",
            "RESOURCE-TYPES.XML",
        ];
        foreach (var file in new[] { "config/hadoop.env", "config/gpu.env" })
        {
            foreach (var key in EnvFile(file).Keys.Where(k => k.Contains(".XML_", StringComparison.Ordinal)))
            {
                Assert.Contains(key[..key.IndexOf('_', StringComparison.Ordinal)], known);
            }
        }

        Assert.Equal("hdfs://namenode:8020", EnvFile("config/hadoop.env")["CORE-SITE.XML_fs.defaultFS"]);
        foreach (var xml in Directory.GetFiles(Path.Combine(Testbed, "hadoop-client-conf"), "*.xml"))
        {
            Assert.Equal("configuration", XDocument.Load(xml).Root!.Name.LocalName);
        }
    }

    [Fact]
    public void Scripts_PassBashSyntaxCheckAndAreExecutable()
    {
        var scripts = Directory.GetFiles(Testbed, "*.sh", SearchOption.AllDirectories);

        Assert.Contains(scripts, s => s.EndsWith("up.sh", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith("deploy-and-run.sh", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith("down.sh", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            var start = new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true };
            using var bash = Process.Start(start)!;
            var errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, $"bash -n {script}: {errors}");
            var executable = OperatingSystem.IsWindows()
                || File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute);
            Assert.True(executable, $"{script} is not executable");
        }
    }

    [Fact]
    public void ClusterJobProperties_ResolveEveryReferenceAndCoverTheLocalOnes()
    {
        var cluster = Properties(Path.Combine(Root, "workflows", "fashion-mnist", "job.cluster.properties"));
        var local = Properties(Path.Combine(Root, "workflows", "fashion-mnist", "job.properties"));

        var unresolved = cluster
            .SelectMany(p => Reference().Matches(p.Value).Select(m => (p.Key, Name: m.Groups[1].Value)))
            .Where(r => r.Name != "user.name" && !cluster.ContainsKey(r.Name))
            .Select(r => $"{r.Key} -> ${{{r.Name}}}")
            .ToList();

        Assert.Empty(unresolved);
        Assert.DoesNotContain(local.Keys, k => !cluster.ContainsKey(k));
        Assert.Equal("hdfs://namenode:8020", cluster["nameNode"]);
        Assert.Equal("resourcemanager:8032", cluster["resourceManager"]);
        Assert.Equal("${nameNode}/user/${user.name}/sparkjobs", cluster["artifactsRoot"]);
    }

    [Fact]
    public void Readme_SaysItCannotRunHereAndWhatIsNeeded()
    {
        var readme = File.ReadAllText(Path.Combine(Testbed, "README.md"));

        Assert.Contains("cannot be run on our development machines", readme, StringComparison.Ordinal);
        Assert.Contains("no Docker engine", readme, StringComparison.Ordinal);
        Assert.Contains("## What a user needs", readme, StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SparkJobs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SparkJobs.sln above {AppContext.BaseDirectory}.");
    }

    private static Dictionary<string, YamlMappingNode> Services()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(ComposeFile))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        return ((YamlMappingNode)root["services"]).Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Merged((YamlMappingNode)c.Value));
    }

    // YAML's merge key (<<: *anchor): the anchored entries apply unless the service sets its own.
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var result = new YamlMappingNode();
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var merge))
        {
            foreach (var entry in ((YamlMappingNode)merge).Children)
            {
                result.Children[entry.Key] = entry.Value;
            }
        }

        foreach (var entry in node.Children.Where(e => ((YamlScalarNode)e.Key).Value != "<<"))
        {
            result.Children[entry.Key] = entry.Value;
        }

        return result;
    }

    private static YamlNode Node(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (var key in keys)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return current;
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value!).ToList()
            : [];

    private static Dictionary<string, string> EnvFile(string relative) =>
        File.ReadAllLines(Path.Combine(Testbed, relative))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => (Line: l, Eq: l.IndexOf('=', StringComparison.Ordinal)))
            .Select(x => x.Eq > 0 ? x : throw new InvalidDataException($"{relative}: '{x.Line}' is not KEY=VALUE"))
            .ToDictionary(x => x.Line[..x.Eq], x => x.Line[(x.Eq + 1)..], StringComparer.Ordinal);

    private static Dictionary<string, string> Properties(string file) =>
        File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && l[0] is not ('#' or '!'))
            .Select(l => (Line: l, Eq: l.IndexOf('=', StringComparison.Ordinal)))
            .ToDictionary(x => x.Line[..x.Eq].Trim(), x => x.Line[(x.Eq + 1)..].Trim(), StringComparer.Ordinal);

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Reference();
}

internal static class YamlExtensions
{
    public static IEnumerable<string> Keys(this YamlMappingNode node) =>
        node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
}
