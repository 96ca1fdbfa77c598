using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Storage.Tests;
using SparkJobs.Tests;

namespace SparkJobs.Preprocess.Tests;

/// <summary>The Fashion-MNIST job as Spark Connect plans, emitted without a server.</summary>
public sealed class EmitPlanTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Emitted_fashion_mnist_plans_have_the_golden_structure()
    {
        // Arrange
        var plans = Path.Combine(_dir.Path, "plans");
        var options = new PreprocessOptions("hdfs://namenode:8020/landing", "hdfs://namenode:8020/prepared", 10, 42,
            "embedded", plans);

        // Act
        await PreprocessJob.RunAsync(options, FileSystems.Default, default);

        // Assert
        var files = Directory.GetFiles(plans).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(9, files.Count);
        var shape = new StringBuilder();
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(plans, file!));
            var plan = Plan.Parser.ParseFrom(bytes);
            shape.Append(CultureInfo.InvariantCulture, $"== {file} {plan.OpTypeCase} ({bytes.Length} bytes) ==\n");
            shape.Append(PlanShape.Of(plan)).Append('\n');
        }

        Check("fashion-mnist.txt", shape.ToString());
        var writes = files.Select(f => Plan.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(plans, f!))))
            .Where(p => p.Command is not null).Select(p => p.Command.WriteOperation).ToList();
        Assert.Equal(
            ["hdfs://namenode:8020/prepared/train", "hdfs://namenode:8020/prepared/validation",
                "hdfs://namenode:8020/prepared/test"],
            writes.Select(w => w.Path));
        Assert.All(writes, w => Assert.Equal("snappy", w.Options["compression"]));
    }

    [Fact]
    public async Task Cli_emit_plan_and_explain_contact_nothing_and_print_trees()
    {
        var plans = Path.Combine(_dir.Path, "cli-plans");
        var run = await Processes.RunAsync("preprocess", "--input", "hdfs://namenode:8020/landing", "--output",
            "hdfs://namenode:8020/prepared", "--emit-plan", plans, "--explain");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("wrote 9 plans", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("== plan 001", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("+- Read csv hdfs://namenode:8020/landing/train {header=true}", run.StdOut,
            StringComparison.Ordinal);
        Assert.Equal(9, Directory.GetFiles(plans, "*.plan.bin").Length);
    }

    private static void Check(string name, string actual, [CallerFilePath] string source = "")
    {
        if (Environment.GetEnvironmentVariable("SPARKJOBS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "golden", name), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "golden", name);
        Assert.True(File.Exists(path), $"Golden file {name} is missing; run with SPARKJOBS_UPDATE_GOLDEN=1.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>
    /// The structure of a plan, without its hundreds of pixel expressions: one line per relation with its type,
    /// its data-source or write settings, and how often each function is called in its own expressions.
    /// </summary>
    private static class PlanShape
    {
        public static string Of(Plan plan)
        {
            var text = new StringBuilder();
            if (plan.Command?.WriteOperation is { } write)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"write source={write.Source} mode={write.Mode} path={write.Path}{Options(write.Options)}\n");
                Describe(text, write.Input, 1);
            }
            else
            {
                Describe(text, plan.Root, 0);
            }

            return text.ToString();
        }

        private static void Describe(StringBuilder text, Relation relation, int depth)
        {
            var field = Relation.Descriptor.FindFieldByNumber((int)relation.RelTypeCase);
            var body = (IMessage)field.Accessor.GetValue(relation);
            text.Append(new string(' ', depth * 2)).Append(field.Name);
            if (relation.Read?.DataSource is { } source)
            {
                var columns = source.Schema.Split(", ").Length;
                text.Append(CultureInfo.InvariantCulture,
                    $" format={source.Format} columns={columns} paths=[{string.Join(", ", source.Paths)}]")
                    .Append(Options(source.Options));
            }

            var functions = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var children = new List<Relation>();
            Walk(body, functions, children);
            if (functions.Count > 0)
            {
                text.Append(" functions={").AppendJoin(", ", functions.Select(f => $"{f.Key}:{f.Value}")).Append('}');
            }

            text.Append('\n');
            foreach (var child in children)
            {
                Describe(text, child, depth + 1);
            }
        }

        private static void Walk(IMessage message, SortedDictionary<string, int> functions, List<Relation> children)
        {
            if (message is Relation child)
            {
                children.Add(child);
                return;
            }

            if (message is Expression.Types.UnresolvedFunction function)
            {
                functions[function.FunctionName] = functions.GetValueOrDefault(function.FunctionName) + 1;
            }

            foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
            {
                if (field.FieldType != FieldType.Message)
                {
                    continue;
                }

                var value = field.Accessor.GetValue(message);
                if (field.IsRepeated && !field.IsMap)
                {
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        Walk((IMessage)item, functions, children);
                    }
                }
                else if (!field.IsMap && value is IMessage nested)
                {
                    Walk(nested, functions, children);
                }
            }
        }

        private static string Options(IDictionary<string, string> options) => options.Count == 0
            ? string.Empty
            : " {" + string.Join(", ", options.OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => $"{o.Key}={o.Value}")) + "}";
    }
}
