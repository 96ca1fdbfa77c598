using SparkJobs.DataFrame.SparkConnect.Protocol;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>Converts between our Spark SQL type names and the protocol's <c>DataType</c> messages.</summary>
internal static class SparkTypes
{
    public static Protocol.DataType ToProto(DataType type) => type.Name switch
    {
        "int" => new() { Integer = new() },
        "bigint" => new() { Long = new() },
        "float" => new() { Float = new() },
        "double" => new() { Double = new() },
        "string" => new() { String = new() },
        "boolean" => new() { Boolean = new() },
        "void" => new() { Null = new() },
        _ => throw new DataFrameException(
            $"Type '{type}' has no Spark Connect equivalent here; the types are "
            + string.Join(", ", DataType.Supported.Select(t => t.Name)) + "."),
    };

    public static DataType FromProto(Protocol.DataType type) => type.KindCase switch
    {
        Protocol.DataType.KindOneofCase.Integer => DataType.IntegerType,
        Protocol.DataType.KindOneofCase.Long => DataType.LongType,
        Protocol.DataType.KindOneofCase.Float => DataType.FloatType,
        Protocol.DataType.KindOneofCase.Double => DataType.DoubleType,
        Protocol.DataType.KindOneofCase.String => DataType.StringType,
        Protocol.DataType.KindOneofCase.Boolean => DataType.BooleanType,
        Protocol.DataType.KindOneofCase.Null => DataType.NullType,
        Protocol.DataType.KindOneofCase.Byte => new DataType("tinyint"),
        Protocol.DataType.KindOneofCase.Short => new DataType("smallint"),
        Protocol.DataType.KindOneofCase.Decimal =>
            new DataType($"decimal({type.Decimal.Precision},{type.Decimal.Scale})"),
        Protocol.DataType.KindOneofCase.Unparsed => new DataType(type.Unparsed.DataTypeString),
        var other => new DataType(other.ToString().ToLowerInvariant()),
    };

    public static StructType FromProtoStruct(Protocol.DataType type)
    {
        if (type.KindCase != Protocol.DataType.KindOneofCase.Struct)
        {
            throw new DataFrameException($"The server answered a schema of kind {type.KindCase}, not a struct.");
        }

        return new StructType(type.Struct.Fields.Select(f => new StructField(f.Name, FromProto(f.DataType),
            f.Nullable)));
    }

    public static Protocol.DataType ToProtoStruct(StructType schema)
    {
        var result = new Protocol.DataType.Types.Struct();
        result.Fields.AddRange(schema.Fields.Select(f => new Protocol.DataType.Types.StructField
        {
            Name = f.Name, DataType = ToProto(f.Type), Nullable = f.Nullable,
        }));
        return new Protocol.DataType { Struct = result };
    }

    /// <summary>Writes a schema as Spark's DDL, for example <c>`label` int, `pixel1` int</c>.</summary>
    public static string Ddl(StructType schema) =>
        string.Join(", ", schema.Fields.Select(f =>
            "`" + f.Name.Replace("`", "``", StringComparison.Ordinal) + "` " + f.Type.Name));
}
