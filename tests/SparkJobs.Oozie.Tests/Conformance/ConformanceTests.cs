using System.Globalization;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;
using SparkJobs.Storage;

namespace SparkJobs.Oozie.Tests.Conformance;

/// <summary>Runs every case of <c>expected.txt</c> through the public loader and engine.</summary>
public sealed class ConformanceTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Conformance");

    /// <summary>Gets the case names of the table.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows())
        {
            data.Add(row.Name);
        }

        return data;
    }

    private sealed record Row(string Name, Dictionary<string, string> Properties, string[] Steps, string Expected);

    private static IEnumerable<Row> Rows() =>
        File.ReadAllLines(Path.Combine(Root, "expected.txt"))
            .Where(l => l.Trim().Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(c => new Row(c[0], Pairs(c[1], ';'), c[2].Split(';', StringSplitOptions.TrimEntries), c[3]));

    private static Dictionary<string, string> Pairs(string text, char separator) =>
        text.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);

    [Fact]
    public void The_table_has_a_workflow_for_every_case_and_at_least_forty_cases()
    {
        var names = Rows().Select(r => r.Name).ToList();
        var files = Directory.GetFiles(Path.Combine(Root, "cases"), "*.xml").Select(Path.GetFileNameWithoutExtension);

        Assert.True(names.Count >= 40, $"only {names.Count} cases");
        Assert.Equal(names.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_has_its_expected_outcome(string name)
    {
        var row = Rows().Single(r => r.Name == name);
        using var dir = new TempDir();
        var app = Path.Combine(dir.Path, "app");
        var output = Path.Combine(dir.Path, "out");
        Directory.CreateDirectory(output);
        dir.Write("app/workflow.xml", File.ReadAllText(Path.Combine(Root, "cases", name + ".xml")));
        var props = new Dictionary<string, string>(row.Properties)
        {
            [WorkflowLoader.AppPathProperty] = app,
            ["out"] = output,
        };
        var defines = new Dictionary<string, string>(StringComparer.Ordinal);
        var store = JobStore.Open(Path.Combine(dir.Path, "home"), TimeProvider.System);
        var engine = new WorkflowEngine(store, TimeProvider.System);
        string? id = null;
        JobStatus? status = null;
        string? code = null;
        foreach (var step in row.Steps)
        {
            var space = step.IndexOf(' ', StringComparison.Ordinal);
            var (verb, args) = space < 0 ? (step, string.Empty) : (step[..space], step[(space + 1)..]);
            try
            {
                switch (verb)
                {
                    case "check":
                        await PrepareAsync(props, defines);
                        break;
                    case "submit":
                        id = engine.Submit(await PrepareAsync(props, defines));
                        break;
                    case "run":
                        id = engine.Submit(await PrepareAsync(props, defines));
                        status = await engine.RunAsync(id);
                        break;
                    case "touch":
                        await File.WriteAllTextAsync(Path.Combine(output, args), string.Empty);
                        break;
                    case "config-default":
                        dir.Write("app/config-default.xml", "<configuration>" + string.Concat(Pairs(args, ',')
                            .Select(kv => $"<property><name>{kv.Key}</name><value>{kv.Value}</value></property>")) +
                            "</configuration>");
                        break;
                    case "define":
                        foreach (var (k, v) in Pairs(args, ','))
                        {
                            defines[k] = v;
                        }

                        break;
                    case "rerun":
                        var merged = new Dictionary<string, string>(store.GetJob(id!)!.Configuration);
                        foreach (var (k, v) in Pairs(args, ','))
                        {
                            merged[k] = v;
                        }

                        status = await engine.RerunAsync(id!, await PrepareAsync(merged, defines));
                        break;
                    default:
                        throw new InvalidOperationException($"unknown step '{verb}' in case {name}");
                }
            }
            catch (WorkflowValidationException e)
            {
                Assert.All(e.Errors, x => Assert.True(x.Location.Line > 0 || x.Location.File.Length > 0));
                code = string.Join(",", e.Errors.Where(x => !x.IsWarning).Select(x => x.Code));
            }
            catch (OozieException e)
            {
                code = e.ErrorCode;
            }
        }

        var expected = row.Expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (expected[0].StartsWith('E'))
        {
            Assert.NotNull(code);
            Assert.Contains(expected[0], code.Split(','));
            return;
        }

        Assert.Null(code);
        if (expected[0] == "valid")
        {
            return;
        }

        Assert.Equal(Enum.Parse<JobStatus>(expected[0]), status);
        var actions = store.GetActions(id!).ToDictionary(a => a.Name);
        foreach (var item in expected.Skip(1))
        {
            var (node, want) = (item[..item.IndexOf('=', StringComparison.Ordinal)],
                item[(item.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var parts = want.Split('/');
            Assert.True(actions.ContainsKey(node), $"{node} was never visited");
            Assert.Equal(Enum.Parse<ActionStatus>(parts[0]), actions[node].Status);
            if (parts.Length > 1)
            {
                var retries = int.Parse(parts[1], CultureInfo.InvariantCulture);
                Assert.Equal(retries, actions[node].Retries);
                Assert.Equal(retries > 0, store.GetLog(id!).Any(l => l.Contains($"{node} USER_RETRY",
                    StringComparison.Ordinal)));
            }
        }
    }

    private static Task<PreparedWorkflow> PrepareAsync(
        Dictionary<string, string> props, Dictionary<string, string> defines) =>
        WorkflowLoader.PrepareAsync(props, defines, "tester", "job.properties", FileSystems.Default);
}
