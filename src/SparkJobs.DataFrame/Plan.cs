namespace SparkJobs.DataFrame;

/// <summary>A node of the logical plan: a closed set of relations, each with a translation in every engine.</summary>
public abstract record LogicalPlan;

/// <summary>Reads files of a data source with an explicit schema.</summary>
/// <param name="Format">The source: <c>csv</c>, <c>parquet</c>, <c>json</c> or <c>avro</c>.</param>
/// <param name="Path">A file, or a directory whose non-hidden files are all read.</param>
/// <param name="Schema">The columns to read; required for csv and json.</param>
/// <param name="Options">Spark's data-source options (<c>header</c>, <c>sep</c>, <c>nullValue</c>).</param>
public sealed record Read(
    string Format, string Path, StructType? Schema, IReadOnlyDictionary<string, string> Options) : LogicalPlan;

/// <summary>Keeps the rows for which a condition is true (not false, not null).</summary>
/// <param name="Input">The input.</param>
/// <param name="Condition">The condition.</param>
public sealed record Filter(LogicalPlan Input, Expr Condition) : LogicalPlan;

/// <summary>Computes a new list of columns.</summary>
/// <param name="Input">The input.</param>
/// <param name="Columns">The output columns.</param>
public sealed record Project(LogicalPlan Input, IReadOnlyList<Expr> Columns) : LogicalPlan;

/// <summary>Adds columns, or replaces those with the same name in place (Spark's <c>withColumns</c>).</summary>
/// <param name="Input">The input.</param>
/// <param name="Columns">The named expressions, all evaluated against the input.</param>
public sealed record WithColumns(LogicalPlan Input, IReadOnlyList<AliasExpr> Columns) : LogicalPlan;

/// <summary>Removes columns; names that do not exist are ignored, as in Spark.</summary>
/// <param name="Input">The input.</param>
/// <param name="Columns">The column names.</param>
public sealed record Drop(LogicalPlan Input, IReadOnlyList<string> Columns) : LogicalPlan;

/// <summary>Removes rows with nulls (or NaN in floating-point columns), as Spark's <c>na.drop</c>.</summary>
/// <param name="Input">The input.</param>
/// <param name="All">Whether a row is dropped only when all the columns are missing (else when any is).</param>
/// <param name="Subset">The columns to look at; empty means all.</param>
public sealed record DropNa(LogicalPlan Input, bool All, IReadOnlyList<string> Subset) : LogicalPlan;

/// <summary>Replaces nulls (and NaN) in the columns whose type matches the value, as Spark's <c>na.fill</c>.</summary>
/// <param name="Input">The input.</param>
/// <param name="Value">The replacement.</param>
/// <param name="Subset">The columns to fill; empty means all of a matching type.</param>
public sealed record FillNa(LogicalPlan Input, Literal Value, IReadOnlyList<string> Subset) : LogicalPlan;

/// <summary>Orders the rows.</summary>
/// <param name="Input">The input.</param>
/// <param name="Order">The sort keys.</param>
public sealed record Sort(LogicalPlan Input, IReadOnlyList<SortOrder> Order) : LogicalPlan;

/// <summary>Keeps the first rows.</summary>
/// <param name="Input">The input.</param>
/// <param name="Count">The number of rows.</param>
public sealed record Limit(LogicalPlan Input, int Count) : LogicalPlan;

/// <summary>Groups rows and computes aggregates; the output is the grouping columns, then the aggregates.</summary>
/// <param name="Input">The input.</param>
/// <param name="Grouping">The grouping expressions; empty for one global group.</param>
/// <param name="Aggregates">The aggregate expressions.</param>
public sealed record Aggregate(LogicalPlan Input, IReadOnlyList<Expr> Grouping, IReadOnlyList<Expr> Aggregates)
    : LogicalPlan;

/// <summary>Concatenates two inputs by column position, keeping duplicates (Spark's <c>union</c>).</summary>
/// <param name="Left">The first input.</param>
/// <param name="Right">The second input, with the same number of columns.</param>
public sealed record Union(LogicalPlan Left, LogicalPlan Right) : LogicalPlan;

/// <summary>
/// Appends a bigint column numbering the rows from 0 in input order. On Spark this is
/// <c>row_number() OVER (ORDER BY monotonically_increasing_id()) - 1</c>, which follows file order too.
/// </summary>
/// <param name="Input">The input.</param>
/// <param name="Name">The new column's name.</param>
public sealed record WithRowId(LogicalPlan Input, string Name) : LogicalPlan;

/// <summary>Redistributes rows into partitions; it changes no values, so the embedded engine ignores it.</summary>
/// <param name="Input">The input.</param>
/// <param name="Partitions">The number of partitions.</param>
public sealed record Repartition(LogicalPlan Input, int Partitions) : LogicalPlan;

/// <summary>Removes duplicate rows, as Spark's <c>dropDuplicates</c>; nulls are equal to each other here.</summary>
/// <param name="Input">The input.</param>
/// <param name="Subset">The key columns; empty means whole rows. Which row of a group survives is unspecified.</param>
public sealed record Deduplicate(LogicalPlan Input, IReadOnlyList<string> Subset) : LogicalPlan;

/// <summary>The kinds of join, named as Spark's <c>join(..., how)</c> names them.</summary>
public enum JoinType
{
    /// <summary>Rows with a match on both sides.</summary>
    Inner,

    /// <summary>All left rows, with nulls where the right has no match.</summary>
    Left,

    /// <summary>All right rows, with nulls where the left has no match.</summary>
    Right,

    /// <summary>All rows of both sides.</summary>
    Full,

    /// <summary>Left rows that have a match; only the left columns.</summary>
    LeftSemi,

    /// <summary>Left rows that have no match; only the left columns.</summary>
    LeftAnti,
}

/// <summary>
/// Joins two inputs on equal key columns (Spark's <c>join(other, on=[names], how)</c>): the keys come first and
/// once, then the other left columns, then the other right columns. Null keys never match.
/// </summary>
/// <param name="Left">The left input.</param>
/// <param name="Right">The right input.</param>
/// <param name="Using">The key column names, present on both sides.</param>
/// <param name="Type">The kind of join.</param>
public sealed record Join(LogicalPlan Left, LogicalPlan Right, IReadOnlyList<string> Using, JoinType Type)
    : LogicalPlan;

/// <summary>
/// Keeps each row with a probability (Spark's <c>sample(fraction, seed)</c>, without replacement). The engines
/// draw different random numbers, so the same seed picks different rows on each; only the rate is shared.
/// </summary>
/// <param name="Input">The input.</param>
/// <param name="Fraction">The probability of keeping a row, in [0, 1].</param>
/// <param name="Seed">The seed, for the same rows on every run of one engine.</param>
public sealed record Sample(LogicalPlan Input, double Fraction, long Seed) : LogicalPlan;

/// <summary>
/// A query in SQL text, for what the plan cannot say. The text reaches the engine as it is, so it must be in
/// the common subset of Spark SQL and DuckDB SQL; prefer the other nodes, which mean the same everywhere.
/// </summary>
/// <param name="Query">The SELECT statement.</param>
public sealed record SqlQuery(string Query) : LogicalPlan;

/// <summary>What happens when a write's output directory already holds data.</summary>
public enum SaveMode
{
    /// <summary>Fail (Spark's default).</summary>
    ErrorIfExists,

    /// <summary>Replace the old data.</summary>
    Overwrite,

    /// <summary>Add files beside the old data.</summary>
    Append,

    /// <summary>Leave the old data and write nothing.</summary>
    Ignore,
}

/// <summary>Writes a plan's rows as files of a format into a directory (a command, not a relation).</summary>
/// <param name="Input">The rows to write.</param>
/// <param name="Format">The format: <c>parquet</c>, <c>csv</c>, <c>json</c> or <c>avro</c>.</param>
/// <param name="Mode">What to do when the output exists.</param>
/// <param name="Options">Spark's writer options (<c>compression</c>, <c>header</c>, <c>sep</c>, ...).</param>
/// <param name="PartitionBy">Columns to partition the output by (<c>col=value/</c> directories).</param>
public sealed record WriteOperation(
    LogicalPlan Input,
    string Format,
    SaveMode Mode,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyList<string> PartitionBy);
