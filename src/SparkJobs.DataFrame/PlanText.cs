using System.Globalization;
using System.Text;

namespace SparkJobs.DataFrame;

/// <summary>Renders a logical plan as an indented tree, one node a line, for <c>--explain</c> and tests.</summary>
public static class PlanText
{
    private const int MaxExpression = 160;

    /// <summary>Renders a query plan.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The tree, root first.</returns>
    public static string Render(LogicalPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        Append(text, plan, 0);
        return text.ToString().TrimEnd();
    }

    /// <summary>Renders a write command and its input.</summary>
    /// <param name="write">The write.</param>
    /// <param name="path">The output directory.</param>
    /// <returns>The tree, the command first.</returns>
    public static string Render(WriteOperation write, string path)
    {
        ArgumentNullException.ThrowIfNull(write);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Write {write.Format} {write.Mode} {path}")
            .Append(Options(write.Options));
        if (write.PartitionBy.Count > 0)
        {
            text.Append(" partitionBy=[").AppendJoin(", ", write.PartitionBy).Append(']');
        }

        text.AppendLine();
        Append(text, write.Input, 1);
        return text.ToString().TrimEnd();
    }

    private static void Append(StringBuilder text, LogicalPlan plan, int depth)
    {
        text.Append(depth == 0 ? string.Empty : new string(' ', (depth - 1) * 3) + "+- ");
        text.AppendLine(plan switch
        {
            Read r => $"Read {r.Format} {r.Path}{Options(r.Options)}"
                + (r.Schema is null ? string.Empty : $" schema=({r.Schema.Fields.Count} columns)"),
            Filter f => $"Filter {Clip(Expression(f.Condition))}",
            Project p => $"Project {List(p.Columns)}",
            WithColumns w => $"WithColumns {List(w.Columns)}",
            Drop d => $"Drop [{string.Join(", ", d.Columns)}]",
            DropNa n => $"DropNa {(n.All ? "all" : "any")} [{string.Join(", ", n.Subset)}]",
            FillNa n => $"FillNa {Expression(n.Value)} [{string.Join(", ", n.Subset)}]",
            Sort s => "Sort [" + string.Join(", ", s.Order.Select(o =>
                $"{Expression(o.Child)} {(o.Ascending ? "ASC" : "DESC")} NULLS {(o.NullsFirst ? "FIRST" : "LAST")}"))
                + "]",
            Limit l => $"Limit {l.Count.ToString(CultureInfo.InvariantCulture)}",
            Aggregate a => $"Aggregate group=[{List(a.Grouping)}] aggregates=[{List(a.Aggregates)}]",
            Union => "Union all",
            WithRowId r => $"WithRowId {r.Name}",
            Repartition r => $"Repartition {r.Partitions.ToString(CultureInfo.InvariantCulture)}",
            Deduplicate d => $"Deduplicate [{string.Join(", ", d.Subset)}]",
            Join j => $"Join {j.Type} using [{string.Join(", ", j.Using)}]",
            Sample s => string.Create(CultureInfo.InvariantCulture, $"Sample fraction={s.Fraction} seed={s.Seed}"),
            SqlQuery q => $"Sql {Clip(q.Query)}",
            _ => plan.GetType().Name,
        });
        IEnumerable<LogicalPlan> children = plan switch
        {
            Union u => [u.Left, u.Right],
            Join j => [j.Left, j.Right],
            Read or SqlQuery => [],
            _ => [(LogicalPlan)plan.GetType().GetProperty("Input")!.GetValue(plan)!],
        };
        foreach (var child in children)
        {
            Append(text, child, depth + 1);
        }
    }

    private static string List(IEnumerable<Expr> expressions) =>
        Clip(string.Join(", ", expressions.Select(Expression)));

    private static string Expression(Expr expr) => expr switch
    {
        AliasExpr a => $"{ExprNames.Of(a.Child)} AS {a.Name}",
        _ => ExprNames.Of(expr),
    };

    private static string Options(IReadOnlyDictionary<string, string> options) => options.Count == 0
        ? string.Empty
        : " {" + string.Join(", ", options.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => $"{o.Key}={o.Value}")) + "}";

    private static string Clip(string text) => text.Length <= MaxExpression
        ? text
        : string.Create(CultureInfo.InvariantCulture, $"{text[..MaxExpression]}... ({text.Length} chars)");
}
