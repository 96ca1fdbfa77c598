using System.Globalization;

namespace SparkJobs.DataFrame.Embedded;

/// <summary>Spelling of names, literals and types in DuckDB's SQL dialect.</summary>
internal static class DuckDbSql
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string String(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string TypeName(DataType type) => type.Name switch
    {
        "int" => "INTEGER",
        "bigint" => "BIGINT",
        "float" => "FLOAT",
        "double" => "DOUBLE",
        "string" => "VARCHAR",
        "boolean" => "BOOLEAN",
        _ => throw new DataFrameException(
            $"Type '{type}' has no embedded equivalent; the types are "
            + string.Join(", ", DataType.Supported.Select(t => t.Name)) + "."),
    };

    /// <summary>Maps a DuckDB column type back to Spark's name; types Spark names alike keep DuckDB's name.</summary>
    public static DataType FromDuckDb(string duckType) => duckType.ToUpperInvariant() switch
    {
        "INTEGER" => DataType.IntegerType,
        "BIGINT" => DataType.LongType,
        "FLOAT" => DataType.FloatType,
        "DOUBLE" => DataType.DoubleType,
        "VARCHAR" => DataType.StringType,
        "BOOLEAN" => DataType.BooleanType,
        "\"NULL\"" or "NULL" => DataType.NullType,
        var other => new DataType(other.ToLowerInvariant()),
    };

    public static string Literal(Literal literal) => literal switch
    {
        { Value: null, Type.Name: "void" } => "NULL",
        { Value: null } => $"CAST(NULL AS {TypeName(literal.Type)})",
        { Value: int i } => $"CAST({i.ToString(CultureInfo.InvariantCulture)} AS INTEGER)",
        { Value: long l } => $"CAST({l.ToString(CultureInfo.InvariantCulture)} AS BIGINT)",
        { Value: float f } => $"CAST({String(f.ToString("R", CultureInfo.InvariantCulture))} AS FLOAT)",
        { Value: double d } => $"CAST({String(d.ToString("R", CultureInfo.InvariantCulture))} AS DOUBLE)",
        { Value: string s } => String(s),
        { Value: bool b } => b ? "TRUE" : "FALSE",
        _ => throw new DataFrameException($"A literal of type {literal.Value.GetType().Name} is not supported."),
    };
}
