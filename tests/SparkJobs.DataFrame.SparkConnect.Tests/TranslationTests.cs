using SparkJobs.DataFrame.SparkConnect.Protocol;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.SparkConnect.Tests;

using SparkJobs.DataFrame;

/// <summary>Every plan node, expression type and catalog function translates to Spark Connect.</summary>
public sealed class TranslationTests : IAsyncLifetime
{
    private readonly DataSession _session = DataSession.PlansOnly(null, null);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public void Every_plan_node_has_a_spark_connect_relation()
    {
        var input = Input();
        var samples = new Dictionary<Type, (DataFrame Frame, Relation.RelTypeOneofCase Expected)>
        {
            [typeof(Read)] = (input, Relation.RelTypeOneofCase.Read),
            [typeof(Filter)] = (input.Filter(Col("a") > 1), Relation.RelTypeOneofCase.Filter),
            [typeof(Project)] = (input.Select(Col("a"), (Col("b") * 2).As("b2")), Relation.RelTypeOneofCase.Project),
            [typeof(WithColumns)] = (input.WithColumn("c", Col("a") + 1), Relation.RelTypeOneofCase.WithColumns),
            [typeof(Drop)] = (input.Drop("s"), Relation.RelTypeOneofCase.Drop),
            [typeof(DropNa)] = (input.DropNa(), Relation.RelTypeOneofCase.DropNa),
            [typeof(FillNa)] = (input.FillNa(0), Relation.RelTypeOneofCase.FillNa),
            [typeof(Sort)] = (input.OrderBy(Col("a").Desc()), Relation.RelTypeOneofCase.Sort),
            [typeof(Limit)] = (input.Limit(1), Relation.RelTypeOneofCase.Limit),
            [typeof(Aggregate)] = (input.GroupBy("s").Agg(Sum(Col("a")).As("t")), Relation.RelTypeOneofCase.Aggregate),
            [typeof(Union)] = (input.Union(input), Relation.RelTypeOneofCase.SetOp),
            [typeof(WithRowId)] = (input.WithRowId("id"), Relation.RelTypeOneofCase.WithColumns),
            [typeof(Repartition)] = (input.Repartition(2), Relation.RelTypeOneofCase.Repartition),
            [typeof(Deduplicate)] = (input.DropDuplicates("s"), Relation.RelTypeOneofCase.Deduplicate),
            [typeof(Join)] = (input.Join(input, ["a"], "left_anti"), Relation.RelTypeOneofCase.Join),
            [typeof(Sample)] = (input.Sample(0.5, 7), Relation.RelTypeOneofCase.Sample),
            [typeof(SqlQuery)] = (_session.Sql("SELECT 1 AS one"), Relation.RelTypeOneofCase.Sql),
        };
        var nodes = typeof(LogicalPlan).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LogicalPlan)) && !t.IsAbstract);

        Assert.Empty(nodes.Except(samples.Keys).Select(t => t.Name));
        foreach (var (type, (frame, expected)) in samples)
        {
            Assert.IsType(type, frame.Plan);
            var relation = new SparkPlanTranslator().Translate(frame.Plan);
            Assert.Equal(expected, relation.RelTypeCase);
            Assert.True(relation.Common.HasPlanId, type.Name);
        }
    }

    [Fact]
    public void Every_expression_type_translates()
    {
        var samples = new Dictionary<Type, Expression.ExprTypeOneofCase>
        {
            [typeof(ColumnRef)] = Expression.ExprTypeOneofCase.UnresolvedAttribute,
            [typeof(Literal)] = Expression.ExprTypeOneofCase.Literal,
            [typeof(Cast)] = Expression.ExprTypeOneofCase.Cast,
            [typeof(AliasExpr)] = Expression.ExprTypeOneofCase.Alias,
            [typeof(FunctionCall)] = Expression.ExprTypeOneofCase.UnresolvedFunction,
            [typeof(Star)] = Expression.ExprTypeOneofCase.UnresolvedStar,
        };
        Expr Sample(Type t) => t.Name switch
        {
            nameof(ColumnRef) => Col("a").Expr,
            nameof(Literal) => Lit(1).Expr,
            nameof(Cast) => Col("a").Cast("double").Expr,
            nameof(AliasExpr) => Col("a").As("b").Expr,
            nameof(FunctionCall) => Abs(Col("a")).Expr,
            _ => new Star(),
        };
        var types = typeof(Expr).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Expr)) && !t.IsAbstract);
        Assert.Empty(types.Except(samples.Keys).Select(t => t.Name));
        foreach (var (type, expected) in samples)
        {
            Assert.Equal(expected, new SparkPlanTranslator().Translate(Sample(type)).ExprTypeCase);
        }
    }

    [Fact]
    public void Every_catalog_function_becomes_a_spark_function_of_the_same_name()
    {
        foreach (var name in FunctionCatalog.Names)
        {
            var (min, _) = FunctionCatalog.Arity(name);
            var call = new FunctionCall(name, [.. Enumerable.Range(0, min).Select(_ => Col("a").Expr)]);
            var function = new SparkPlanTranslator().Translate(call).UnresolvedFunction;
            if (name == "!=")
            {
                Assert.Equal("not", function.FunctionName);
                Assert.Equal("==", function.Arguments[0].UnresolvedFunction.FunctionName);
            }
            else
            {
                Assert.Equal(name, function.FunctionName);
                Assert.Equal(min, function.Arguments.Count);
            }
        }
    }

    [Fact]
    public void Read_carries_format_ddl_schema_string_options_and_the_path()
    {
        var read = new SparkPlanTranslator().Translate(Input().Plan).Read.DataSource;
        Assert.Equal("csv", read.Format);
        Assert.Equal("`a` int, `b` double, `s` string", read.Schema);
        Assert.Equal("true", read.Options["header"]);
        Assert.Equal(["/data/in.csv"], read.Paths);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("parquet")]
    [InlineData("avro")]
    public void Every_format_reads_and_writes_through_spark_data_sources(string format)
    {
        var schema = new StructType([new StructField("a", DataType.IntegerType)]);
        var frame = _session.Read.Format(format).Schema(schema).Load("/data/in");
        Assert.Equal(format, new SparkPlanTranslator().Translate(frame.Plan).Read.DataSource.Format);
        var write = new SparkPlanTranslator()
            .Write(frame.Write.Format(format).Operation, "/data/out", SaveMode.Overwrite);
        Assert.Equal(format, write.Command.WriteOperation.Source);
        Assert.Equal(Protocol.WriteOperation.Types.SaveMode.Overwrite, write.Command.WriteOperation.Mode);
    }

    [Fact]
    public void DropNa_all_sets_min_non_nulls_1_and_any_leaves_it_unset()
    {
        Assert.False(new SparkPlanTranslator().Translate(Input().DropNa().Plan).DropNa.HasMinNonNulls);
        Assert.Equal(1, new SparkPlanTranslator().Translate(Input().DropNa("all", "a").Plan).DropNa.MinNonNulls);
    }

    [Fact]
    public void Names_with_dots_are_quoted_and_computed_columns_get_the_embedded_name()
    {
        Assert.Equal("`a.b`", SparkPlanTranslator.Identifier("a.b"));
        Assert.Equal("a_1", SparkPlanTranslator.Identifier("a_1"));
        var project = new SparkPlanTranslator().Translate(Input().Select(Col("a") + 1).Plan).Project;
        Assert.Equal(["(a + 1)"], project.Expressions[0].Alias.Name);
    }

    private DataFrame Input() => _session.Read.Format("csv")
        .Schema(new StructType([new StructField("a", DataType.IntegerType), new StructField("b", DataType.DoubleType),
            new StructField("s", DataType.StringType)]))
        .Option("header", "true")
        .Load("/data/in.csv");
}
