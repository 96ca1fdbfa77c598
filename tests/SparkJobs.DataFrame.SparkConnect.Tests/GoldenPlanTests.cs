using Google.Protobuf;
using SparkJobs.DataFrame.SparkConnect.Protocol;
using SparkJobs.Storage;
using SparkJobs.Storage.Tests;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

using SparkJobs.DataFrame;

/// <summary>The seed's tabular case as Spark Connect sees it, byte for byte through the emitted plan file.</summary>
public sealed class GoldenPlanTests : IDisposable
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Tabular_read_dropna_feature1_write_parquet_matches_the_golden_plan()
    {
        // Arrange
        var plans = Path.Combine(_dir.Path, "plans");
        await using (var session = DataSession.PlansOnly(plans, null))
        {
            var df = session.Read.Format("csv")
                .Schema(new StructType([
                    new StructField("column1", DataType.DoubleType),
                    new StructField("column2", DataType.DoubleType),
                    new StructField("column3", DataType.StringType)]))
                .Option("header", "true")
                .Load("hdfs://namenode:8020/data/tabular.csv");

            // Act
            await df.DropNa().WithColumn("feature1", Col("column1") * Col("column2"))
                .Write.Format("parquet").Option("compression", "snappy")
                .SaveUncommittedAsync(StoragePath.Parse("hdfs://namenode:8020/data/prepared"));
        }

        // Assert
        Assert.Equal(["001.plan.bin"], Directory.GetFiles(plans).Select(Path.GetFileName));
        var plan = Plan.Parser.ParseFrom(await File.ReadAllBytesAsync(Path.Combine(plans, "001.plan.bin")));
        var write = plan.Command.WriteOperation;
        Assert.Equal("parquet", write.Source);
        Assert.Equal(Relation.RelTypeOneofCase.WithColumns, write.Input.RelTypeCase);
        Assert.Equal("*", write.Input.WithColumns.Aliases[0].Expr.UnresolvedFunction.FunctionName);
        Assert.Equal(Relation.RelTypeOneofCase.DropNa, write.Input.WithColumns.Input.RelTypeCase);
        Golden.Check("tabular.json", Json.Format(plan));
    }

    [Fact]
    public async Task Count_and_collect_become_queries_numbered_in_order()
    {
        var plans = Path.Combine(_dir.Path, "plans");
        await using var session = DataSession.PlansOnly(plans, null);
        var df = session.Read.Parquet("/data/in");
        Assert.Equal(0, await df.CountAsync());
        Assert.Empty(await df.Limit(5).CollectAsync());
        var files = Directory.GetFiles(plans).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["001.plan.bin", "002.plan.bin"], files);
        var count = Plan.Parser.ParseFrom(await File.ReadAllBytesAsync(Path.Combine(plans, "001.plan.bin")));
        var aggregate = count.Root.Aggregate;
        Assert.Equal("count", aggregate.AggregateExpressions[0].Alias.Expr.UnresolvedFunction.FunctionName);
        Assert.Equal(Expression.ExprTypeOneofCase.UnresolvedStar,
            aggregate.AggregateExpressions[0].Alias.Expr.UnresolvedFunction.Arguments[0].ExprTypeCase);
    }

    [Fact]
    public async Task Explain_prints_a_readable_tree_per_plan()
    {
        using var text = new StringWriter();
        await using var session = DataSession.PlansOnly(null, text);
        await session.Read.Parquet("/data/in").Filter(Col("a") > 1).Limit(3).CollectAsync();
        Golden.Check("explain.txt", text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
