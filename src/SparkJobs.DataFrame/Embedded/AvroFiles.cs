using Avro;
using Avro.File;
using Avro.Generic;
using DuckDB.NET.Data;

namespace SparkJobs.DataFrame.Embedded;

/// <summary>
/// Avro for the embedded engine through Apache.Avro, because DuckDB's avro extension must be downloaded: files
/// are loaded into a temporary table with DuckDB's appender, and results are written as Avro container files.
/// Simple types only (int, long, float, double, string, boolean, each nullable), as Spark writes them.
/// </summary>
internal static class AvroFiles
{
    public static void Load(DuckDBConnection connection, string table, IReadOnlyList<string> files)
    {
        RecordSchema? first = null;
        foreach (var file in files)
        {
            using var reader = DataFileReader<GenericRecord>.OpenReader(file);
            var schema = reader.GetSchema() as RecordSchema ?? throw new DataFrameException(
                $"Avro file '{file}' does not hold records; only record schemas can be read as rows.");
            if (first is null)
            {
                first = schema;
                var columns = schema.Fields.Select(f =>
                    $"{DuckDbSql.Identifier(f.Name)} {DuckDbSql.TypeName(TypeOf(f, file))}");
                using var create = connection.CreateCommand();
#pragma warning disable CA2100 // Names are quoted by DuckDbSql; types come from a closed list.
                create.CommandText = $"CREATE TEMP TABLE {table} ({string.Join(", ", columns)})";
#pragma warning restore CA2100
                create.ExecuteNonQuery();
            }
            else if (!first.Fields.Select(f => f.Name).SequenceEqual(schema.Fields.Select(f => f.Name)))
            {
                throw new DataFrameException(
                    $"Avro file '{file}' has columns ({string.Join(", ", schema.Fields.Select(f => f.Name))}) unlike "
                    + $"'{files[0]}'; read files of one schema together.");
            }

            using var appender = connection.CreateAppender(table);
            foreach (var record in reader.NextEntries)
            {
                var row = appender.CreateRow();
                foreach (var field in first.Fields)
                {
                    record.TryGetValue(field.Name, out var value);
                    _ = value switch
                    {
                        null => row.AppendNullValue(),
                        int i => row.AppendValue(i),
                        long l => row.AppendValue(l),
                        float f => row.AppendValue(f),
                        double d => row.AppendValue(d),
                        string s => row.AppendValue(s),
                        bool b => row.AppendValue(b),
                        var other => throw new DataFrameException(
                            $"Avro file '{file}' column '{field.Name}' holds a {other.GetType().Name}; only int, "
                            + "long, float, double, string and boolean are read."),
                    };
                }

                row.EndRow();
            }
        }
    }

    public static void Write(string path, IReadOnlyList<Row> rows, StructType schema, string compression)
    {
        var codec = compression.ToLowerInvariant() switch
        {
            "deflate" => Codec.CreateCodec(Codec.Type.Deflate),
            "uncompressed" or "none" => Codec.CreateCodec(Codec.Type.Null),
            _ => throw new DataFrameException(
                $"Avro compression '{compression}' is not supported by the embedded engine; use deflate or "
                + "uncompressed."),
        };
        var fields = schema.Fields.Select(f =>
            $"{{\"name\": {Json(f.Name)}, \"type\": [\"null\", \"{AvroType(f.Type)}\"], \"default\": null}}");
        var record = (RecordSchema)Schema.Parse(
            $"{{\"type\": \"record\", \"name\": \"topLevelRecord\", \"fields\": [{string.Join(", ", fields)}]}}");
        using var stream = File.Create(path);
        using var writer = DataFileWriter<GenericRecord>.OpenWriter(
            new GenericDatumWriter<GenericRecord>(record), stream, codec);
        foreach (var row in rows)
        {
            var datum = new GenericRecord(record);
            for (var i = 0; i < schema.Fields.Count; i++)
            {
                datum.Add(schema.Fields[i].Name, row[i]);
            }

            writer.Append(datum);
        }
    }

    private static DataType TypeOf(Field field, string file)
    {
        var schema = field.Schema;
        if (schema is UnionSchema union)
        {
            var types = union.Schemas.Where(s => s.Tag != Schema.Type.Null).ToList();
            schema = types.Count == 1 ? types[0] : throw Unsupported(field, file);
        }

        return schema.Tag switch
        {
            Schema.Type.Int => DataType.IntegerType,
            Schema.Type.Long => DataType.LongType,
            Schema.Type.Float => DataType.FloatType,
            Schema.Type.Double => DataType.DoubleType,
            Schema.Type.String => DataType.StringType,
            Schema.Type.Boolean => DataType.BooleanType,
            _ => throw Unsupported(field, file),
        };
    }

    private static DataFrameException Unsupported(Field field, string file) =>
        new($"Avro file '{file}' column '{field.Name}' has type {field.Schema}; the embedded engine reads int, long, "
            + "float, double, string and boolean (each optionally nullable). Use the Spark engine for others.");

    private static string AvroType(DataType type) => type.Name switch
    {
        "int" => "int",
        "bigint" => "long",
        "float" => "float",
        "double" => "double",
        "string" => "string",
        "boolean" => "boolean",
        _ => throw new DataFrameException(
            $"Column type '{type}' cannot be written as Avro by the embedded engine; cast it to a simple type."),
    };

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
