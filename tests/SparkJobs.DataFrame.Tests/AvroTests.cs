using Avro;
using Avro.File;
using Avro.Generic;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

/// <summary>Avro on the embedded engine, read and written through Apache.Avro.</summary>
public sealed class AvroTests : IAsyncLifetime
{
    private readonly Frames _frames = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    [Fact]
    public async Task Written_avro_reads_back_with_types_and_nulls()
    {
        // Arrange
        var df = _frames.Csv("i int, l bigint, f float, d double, s string, b boolean",
            "1,10000000000,0.5,2.25,x,true", ",,,,,");
        var output = Path.Combine(_frames.Root, "avro");

        // Act
        await df.Write.Format("avro").SaveAsync(output);
        var back = _frames.Session.Read.Avro(output);

        // Assert
        Assert.True(File.Exists(Path.Combine(output, "part-00000.avro")));
        var schema = await back.SchemaAsync();
        Assert.Equal(["int", "bigint", "float", "double", "string", "boolean"], schema.Fields.Select(f => f.Type.Name));
        var rows = await back.OrderBy(Col("i")).CollectAsync();
        Assert.Equal([null, null, null, null, null, null], rows[0].Values);
        Assert.Equal([1, 10000000000L, 0.5f, 2.25, "x", true], rows[1].Values);
        Assert.Equal(11L, (await back.Agg(Sum(Col("i") + 10).As("t")).CollectAsync())[0]["t"]);
    }

    [Fact]
    public async Task Avro_file_as_spark_writes_it_is_read_with_an_optional_schema_cast()
    {
        var path = Path.Combine(_frames.Root, "spark.avro");
        var schema = (RecordSchema)Schema.Parse("""
            {"type": "record", "name": "topLevelRecord", "fields": [
              {"name": "label", "type": ["int", "null"]},
              {"name": "name", "type": "string"}]}
            """);
        using (var stream = File.Create(path))
        using (var writer = DataFileWriter<GenericRecord>.OpenWriter(
            new GenericDatumWriter<GenericRecord>(schema), stream, Codec.CreateCodec(Codec.Type.Deflate)))
        {
            foreach (var (label, name) in new[] { ((int?)3, "a"), (null, "b") })
            {
                var record = new GenericRecord(schema);
                record.Add("label", label);
                record.Add("name", name);
                writer.Append(record);
            }
        }

        var rows = await _frames.Session.Read.Avro(path).CollectAsync();
        Assert.Equal([[3, "a"], [null, "b"]], rows.Select(r => r.Values.ToArray()));
        var typed = _frames.Session.Read.Format("avro")
            .Schema(new StructType([new StructField("label", DataType.DoubleType)])).Load(path);
        Assert.Equal([3.0, null], (await typed.CollectAsync()).Select(r => r[0]));
    }

    [Fact]
    public async Task Avro_options_the_embedded_engine_lacks_are_named()
    {
        var df = _frames.Csv("a int", "1");
        var e = await Assert.ThrowsAsync<DataFrameException>(() =>
            df.Write.Format("avro").Option("compression", "snappy").SaveAsync(Path.Combine(_frames.Root, "x")));
        Assert.Contains("use deflate or uncompressed", e.Message, StringComparison.Ordinal);
        var parts = await Assert.ThrowsAsync<DataFrameException>(() =>
            df.Write.Format("avro").PartitionBy("a").SaveAsync(Path.Combine(_frames.Root, "y")));
        Assert.Contains("without partitionBy", parts.Message, StringComparison.Ordinal);
    }
}
