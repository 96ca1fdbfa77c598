namespace SparkJobs.DataFrame;

/// <summary>An immutable, lazily evaluated table: each transformation returns a new frame with a larger plan.</summary>
public sealed class DataFrame
{
    internal DataFrame(DataSession session, LogicalPlan plan)
    {
        Session = session;
        Plan = plan;
    }

    /// <summary>Gets the session that runs this frame.</summary>
    public DataSession Session { get; }

    /// <summary>Gets the logical plan.</summary>
    public LogicalPlan Plan { get; }

    /// <summary>Gets a writer for this frame's rows.</summary>
    public DataFrameWriter Write => new(this);

    /// <summary>Keeps the rows for which the condition is true.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The filtered frame.</returns>
    public DataFrame Filter(Column condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return With(new Filter(Plan, condition.Expr));
    }

    /// <summary>Selects columns or expressions.</summary>
    /// <param name="columns">The output columns.</param>
    /// <returns>The projected frame.</returns>
    public DataFrame Select(params Column[] columns) => Select((IEnumerable<Column>)columns);

    /// <summary>Selects columns or expressions, for example hundreds built in a loop.</summary>
    /// <param name="columns">The output columns.</param>
    /// <returns>The projected frame.</returns>
    public DataFrame Select(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.Select(c => c.Expr).ToList();
        if (list.Count == 0)
        {
            throw new DataFrameException("Select needs at least one column.");
        }

        return With(new Project(Plan, list));
    }

    /// <summary>Selects columns by name.</summary>
    /// <param name="names">The column names.</param>
    /// <returns>The projected frame.</returns>
    public DataFrame Select(params string[] names) => Select(names.Select(Functions.Col));

    /// <summary>Adds a column, or replaces the one with that name in place.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The extended frame.</returns>
    public DataFrame WithColumn(string name, Column value) => WithColumns([value.As(name)]);

    /// <summary>Adds or replaces several columns at once, each computed from this frame's columns.</summary>
    /// <param name="columns">Named columns (made with <see cref="Column.As"/>).</param>
    /// <returns>The extended frame.</returns>
    public DataFrame WithColumns(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var aliases = new List<AliasExpr>();
        foreach (var column in columns)
        {
            aliases.Add(column.Expr as AliasExpr
                ?? throw new DataFrameException($"WithColumns needs named columns; call .As(name) on '{column}'."));
        }

        return With(new WithColumns(Plan, aliases));
    }

    /// <summary>Removes columns; names that do not exist are ignored.</summary>
    /// <param name="names">The column names.</param>
    /// <returns>The narrower frame.</returns>
    public DataFrame Drop(params string[] names) => With(new Drop(Plan, [.. names]));

    /// <summary>Removes rows with missing values (null, or NaN in float columns).</summary>
    /// <param name="how"><c>any</c> drops a row when any column is missing, <c>all</c> when all are.</param>
    /// <param name="subset">The columns to look at; none means all.</param>
    /// <returns>The filtered frame.</returns>
    public DataFrame DropNa(string how = "any", params string[] subset)
    {
        var all = how switch
        {
            "any" => false,
            "all" => true,
            _ => throw new DataFrameException($"DropNa how='{how}' is not valid; pass 'any' or 'all'."),
        };
        return With(new DropNa(Plan, all, [.. subset]));
    }

    /// <summary>Replaces missing values in columns whose type matches the value.</summary>
    /// <param name="value">An int, long, double, string or bool.</param>
    /// <param name="subset">The columns to fill; none means all of a matching type.</param>
    /// <returns>The filled frame.</returns>
    public DataFrame FillNa(object value, params string[] subset) =>
        With(new FillNa(Plan, (Literal)Functions.Lit(value).Expr, [.. subset]));

    /// <summary>Sorts the rows.</summary>
    /// <param name="order">The sort keys (see <see cref="Column.Asc"/> and <see cref="Column.Desc"/>).</param>
    /// <returns>The sorted frame.</returns>
    public DataFrame OrderBy(params SortOrder[] order) => With(new Sort(Plan, [.. order]));

    /// <summary>Sorts ascending by columns.</summary>
    /// <param name="columns">The sort keys.</param>
    /// <returns>The sorted frame.</returns>
    public DataFrame OrderBy(params Column[] columns) => OrderBy([.. columns.Select(c => c.Asc())]);

    /// <summary>Keeps the first rows.</summary>
    /// <param name="count">The number of rows.</param>
    /// <returns>The shorter frame.</returns>
    public DataFrame Limit(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return With(new Limit(Plan, count));
    }

    /// <summary>Groups rows for an aggregation.</summary>
    /// <param name="columns">The grouping columns.</param>
    /// <returns>The grouped frame; call <see cref="GroupedData.Agg"/>.</returns>
    public GroupedData GroupBy(params Column[] columns) => new(this, [.. columns.Select(c => c.Expr)]);

    /// <summary>Groups rows by column names for an aggregation.</summary>
    /// <param name="names">The grouping column names.</param>
    /// <returns>The grouped frame.</returns>
    public GroupedData GroupBy(params string[] names) => GroupBy([.. names.Select(Functions.Col)]);

    /// <summary>Aggregates over all rows as one group.</summary>
    /// <param name="aggregates">The aggregate columns.</param>
    /// <returns>A one-row frame.</returns>
    public DataFrame Agg(params Column[] aggregates) => GroupBy(Array.Empty<Column>()).Agg(aggregates);

    /// <summary>Appends another frame's rows by column position, keeping duplicates.</summary>
    /// <param name="other">A frame with the same number of columns.</param>
    /// <returns>The union.</returns>
    public DataFrame Union(DataFrame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return With(new Union(Plan, other.Plan));
    }

    /// <summary>Removes duplicate rows, comparing whole rows or only some columns.</summary>
    /// <param name="subset">The key columns; none means whole rows.</param>
    /// <returns>The frame without duplicates.</returns>
    public DataFrame DropDuplicates(params string[] subset) => With(new Deduplicate(Plan, [.. subset]));

    /// <summary>Joins another frame on equal key columns.</summary>
    /// <param name="other">The right side.</param>
    /// <param name="on">The key column names, present on both sides.</param>
    /// <param name="how"><c>inner</c>, <c>left</c>, <c>right</c>, <c>full</c>, <c>left_semi</c> or
    /// <c>left_anti</c>.</param>
    /// <returns>The joined frame.</returns>
    public DataFrame Join(DataFrame other, IReadOnlyList<string> on, string how = "inner")
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(on);
        if (on.Count == 0)
        {
            throw new DataFrameException("Join needs at least one key column in 'on'.");
        }

        var type = how.ToLowerInvariant() switch
        {
            "inner" => JoinType.Inner,
            "left" or "leftouter" or "left_outer" => JoinType.Left,
            "right" or "rightouter" or "right_outer" => JoinType.Right,
            "full" or "outer" or "fullouter" or "full_outer" => JoinType.Full,
            "semi" or "leftsemi" or "left_semi" => JoinType.LeftSemi,
            "anti" or "leftanti" or "left_anti" => JoinType.LeftAnti,
            _ => throw new DataFrameException(
                $"Unknown join type '{how}'; the types are inner, left, right, full, left_semi, left_anti."),
        };
        return With(new Join(Plan, other.Plan, [.. on], type));
    }

    /// <summary>Keeps each row with a probability; the same seed gives the same rows on one engine.</summary>
    /// <param name="fraction">The probability of keeping a row, in [0, 1].</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The sampled frame.</returns>
    public DataFrame Sample(double fraction, long seed)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new DataFrameException($"Sample fraction {fraction} is out of range; pass a value in [0, 1].");
        }

        return With(new Sample(Plan, fraction, seed));
    }

    /// <summary>Appends a bigint column numbering rows from 0 in input order.</summary>
    /// <param name="name">The new column's name.</param>
    /// <returns>The extended frame.</returns>
    public DataFrame WithRowId(string name) => With(new WithRowId(Plan, name));

    /// <summary>Asks the engine to redistribute rows into partitions.</summary>
    /// <param name="partitions">The number of partitions.</param>
    /// <returns>The same rows.</returns>
    public DataFrame Repartition(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);
        return With(new Repartition(Plan, partitions));
    }

    /// <summary>Computes this frame once and keeps it, so that later actions on frames built from it reuse
    /// it.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>This frame.</returns>
    public async Task<DataFrame> CacheAsync(CancellationToken cancellationToken = default)
    {
        await Session.Engine.PersistAsync(Plan, cancellationToken);
        return this;
    }

    /// <summary>Counts the rows.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The number of rows.</returns>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        Session.Engine.CountAsync(Plan, cancellationToken);

    /// <summary>Returns all rows; meant for small results.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The rows.</returns>
    public Task<IReadOnlyList<Row>> CollectAsync(CancellationToken cancellationToken = default) =>
        Session.Engine.CollectAsync(Plan, cancellationToken);

    /// <summary>Resolves the schema without running the plan.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The schema.</returns>
    public Task<StructType> SchemaAsync(CancellationToken cancellationToken = default) =>
        Session.Engine.SchemaAsync(Plan, cancellationToken);

    internal DataFrame With(LogicalPlan plan) => new(Session, plan);
}

/// <summary>A frame grouped by some columns, waiting for its aggregates.</summary>
public sealed class GroupedData
{
    private readonly DataFrame _frame;
    private readonly IReadOnlyList<Expr> _grouping;

    internal GroupedData(DataFrame frame, IReadOnlyList<Expr> grouping)
    {
        _frame = frame;
        _grouping = grouping;
    }

    /// <summary>Computes aggregates per group.</summary>
    /// <param name="aggregates">Aggregate columns such as <c>Functions.Sum(Col("x")).As("total")</c>.</param>
    /// <returns>The grouping columns followed by the aggregates.</returns>
    public DataFrame Agg(params Column[] aggregates)
    {
        ArgumentNullException.ThrowIfNull(aggregates);
        if (aggregates.Length == 0)
        {
            throw new DataFrameException("Agg needs at least one aggregate, for example Functions.CountAll().");
        }

        return _frame.With(new Aggregate(_frame.Plan, _grouping, [.. aggregates.Select(a => a.Expr)]));
    }

    /// <summary>Counts rows per group into a column named <c>count</c>.</summary>
    /// <returns>The grouping columns and <c>count</c>.</returns>
    public DataFrame Count() => Agg(Functions.CountAll().As("count"));
}
