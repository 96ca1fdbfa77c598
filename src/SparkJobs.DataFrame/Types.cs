namespace SparkJobs.DataFrame;

/// <summary>A column's data type, named as Spark SQL names it (<c>int</c>, <c>bigint</c>, <c>double</c>,
/// ...).</summary>
/// <param name="Name">The Spark SQL type name.</param>
public sealed record DataType(string Name)
{
    /// <summary>Gets Spark's 32-bit integer type.</summary>
    public static DataType IntegerType { get; } = new("int");

    /// <summary>Gets Spark's 64-bit integer type.</summary>
    public static DataType LongType { get; } = new("bigint");

    /// <summary>Gets Spark's 32-bit floating-point type.</summary>
    public static DataType FloatType { get; } = new("float");

    /// <summary>Gets Spark's 64-bit floating-point type.</summary>
    public static DataType DoubleType { get; } = new("double");

    /// <summary>Gets Spark's string type.</summary>
    public static DataType StringType { get; } = new("string");

    /// <summary>Gets Spark's boolean type.</summary>
    public static DataType BooleanType { get; } = new("boolean");

    /// <summary>Gets the type of an untyped null literal.</summary>
    public static DataType NullType { get; } = new("void");

    /// <summary>Gets the types a plan may name in casts and schemas.</summary>
    public static IReadOnlyList<DataType> Supported { get; } = [IntegerType, LongType, FloatType, DoubleType,
        StringType, BooleanType];

    /// <summary>Gets a value indicating whether the type is numeric.</summary>
    public bool IsNumeric => this == IntegerType || this == LongType || this == FloatType || this == DoubleType;

    /// <summary>Gets a value indicating whether the type is a floating-point type (which can hold NaN).</summary>
    public bool IsFloating => this == FloatType || this == DoubleType;

    /// <summary>Parses a Spark SQL type name, accepting Spark's aliases (<c>integer</c>, <c>long</c>, ...).</summary>
    /// <param name="name">The type name.</param>
    /// <returns>The type.</returns>
    public static DataType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "int" or "integer" => IntegerType,
            "bigint" or "long" => LongType,
            "float" or "real" => FloatType,
            "double" => DoubleType,
            "string" => StringType,
            "boolean" or "bool" => BooleanType,
            _ => throw new DataFrameException(
                $"Unknown type '{name}'; the types are {string.Join(", ", Supported.Select(t => t.Name))}."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One column of a schema.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The column type.</param>
/// <param name="Nullable">Whether the column may hold nulls.</param>
public sealed record StructField(string Name, DataType Type, bool Nullable = true);

/// <summary>A schema: the ordered columns of a data frame.</summary>
public sealed class StructType
{
    /// <summary>Initializes a new instance of the <see cref="StructType"/> class.</summary>
    /// <param name="fields">The columns, in order.</param>
    public StructType(IEnumerable<StructField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = [.. fields];
    }

    /// <summary>Gets the columns, in order.</summary>
    public IReadOnlyList<StructField> Fields { get; }

    /// <summary>Gets the column names, in order.</summary>
    public IReadOnlyList<string> Names => [.. Fields.Select(f => f.Name)];

    /// <summary>Finds a column by name (case-insensitively, as Spark does by default).</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column, or <see langword="null"/>.</returns>
    public StructField? Find(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Fields.Select(f => $"{f.Name} {f.Type}"));
}

/// <summary>One row of a collected result.</summary>
public sealed class Row
{
    private readonly object?[] _values;

    internal Row(StructType schema, object?[] values)
    {
        Schema = schema;
        _values = values;
    }

    /// <summary>Gets the row's schema.</summary>
    public StructType Schema { get; }

    /// <summary>Gets the values, in column order; nulls are <see langword="null"/>.</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <summary>Gets the value of a column by position.</summary>
    /// <param name="index">The column position.</param>
    public object? this[int index] => _values[index];

    /// <summary>Gets the value of a column by name.</summary>
    /// <param name="name">The column name.</param>
    public object? this[string name]
    {
        get
        {
            for (var i = 0; i < Schema.Fields.Count; i++)
            {
                if (string.Equals(Schema.Fields[i].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return _values[i];
                }
            }

            throw new DataFrameException($"The row has no column '{name}'; its columns are {Schema}.");
        }
    }
}
