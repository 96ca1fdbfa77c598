using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using SparkJobs.DataFrame.SparkConnect.Protocol;

namespace SparkJobs.DataFrame.SparkConnect;

/// <summary>Decodes the Arrow IPC streams of <c>arrow_batch</c> responses into our rows.</summary>
internal static class ArrowRows
{
    public static List<Row> Decode(IEnumerable<ExecutePlanResponse> responses)
    {
        StructType? schema = null;
        var rows = new List<Row>();
        foreach (var response in responses)
        {
            if (response.Schema is not null && schema is null)
            {
                schema = SparkTypes.FromProtoStruct(response.Schema);
            }

            if (response.ResponseTypeCase != ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch)
            {
                continue;
            }

            using var stream = new MemoryStream(response.ArrowBatch.Data.Memory.ToArray(), writable: false);
            using var reader = new ArrowStreamReader(stream);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    var batchSchema = FromArrow(batch.Schema);
                    schema ??= batchSchema;
                    for (var i = 0; i < batch.Length; i++)
                    {
                        var values = new object?[batch.ColumnCount];
                        for (var c = 0; c < values.Length; c++)
                        {
                            values[c] = Value(batch.Column(c), i);
                        }

                        rows.Add(new Row(batchSchema, values));
                    }
                }
            }
        }

        return rows;
    }

    public static StructType FromArrow(Schema schema) => new(schema.FieldsList.Select(f =>
        new StructField(f.Name, TypeOf(f.DataType), f.IsNullable)));

    private static DataType TypeOf(IArrowType type) => type.TypeId switch
    {
        ArrowTypeId.Int32 => DataType.IntegerType,
        ArrowTypeId.Int64 => DataType.LongType,
        ArrowTypeId.Float => DataType.FloatType,
        ArrowTypeId.Double => DataType.DoubleType,
        ArrowTypeId.String => DataType.StringType,
        ArrowTypeId.Boolean => DataType.BooleanType,
        ArrowTypeId.Null => DataType.NullType,
        ArrowTypeId.Int8 => new DataType("tinyint"),
        ArrowTypeId.Int16 => new DataType("smallint"),
        ArrowTypeId.Date32 => new DataType("date"),
        ArrowTypeId.Timestamp => new DataType("timestamp"),
        ArrowTypeId.Decimal128 => new DataType("decimal"),
        ArrowTypeId.Binary => new DataType("binary"),
        var other => throw new DataFrameException(
            $"The server sent an Arrow column of type {other}, which this client does not read; cast it to a "
            + "simple type (int, bigint, double, string, boolean) before collecting."),
    };

    private static object? Value(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return null;
        }

        return array switch
        {
            Int32Array a => a.GetValue(index),
            Int64Array a => a.GetValue(index),
            FloatArray a => a.GetValue(index),
            DoubleArray a => a.GetValue(index),
            StringArray a => a.GetString(index),
            BooleanArray a => a.GetValue(index),
            Int8Array a => a.GetValue(index),
            Int16Array a => a.GetValue(index),
            Date32Array a => a.GetDateOnly(index),
            TimestampArray a => a.GetTimestamp(index),
            Decimal128Array a => a.GetValue(index),
            BinaryArray a => a.GetBytes(index).ToArray(),
            _ => throw new DataFrameException($"Arrow array {array.GetType().Name} is not supported."),
        };
    }
}
