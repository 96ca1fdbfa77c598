using Parquet;
using Parquet.Schema;
using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Testing;

namespace SparkJobs.Training.Tests;

public sealed class ParquetImageLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Shards_are_read_in_path_order_into_images_and_labels()
    {
        var data = TestData.Images(30);
        await TestData.WriteShardAsync(_dir["split/part-00000.parquet"], data.Take(20));
        await TestData.WriteShardAsync(_dir["split/part-00001.parquet"], TestData.Images(20, 10));
        await File.WriteAllTextAsync(_dir["split/_SUCCESS"], "");

        var loaded = await LoadAsync();

        Assert.Equal(data.Labels, loaded.Labels);
        Assert.Equal(data.Pixels, loaded.Pixels);
    }

    [Fact]
    public async Task Nullable_columns_extra_columns_and_any_column_order_are_accepted()
    {
        var data = TestData.Images(12);

        // DuckDB writes nullable columns; Preprocess may add derived features; order is not guaranteed.
        await WriteCustomAsync(_dir["split/part-0.parquet"], data, nullable: true, reverse: true, extra: true);

        var loaded = await LoadAsync();

        Assert.Equal(data.Labels, loaded.Labels);
        Assert.Equal(data.Pixels, loaded.Pixels);
    }

    [Fact]
    public async Task Limit_stops_reading_across_shards()
    {
        await TestData.WriteShardAsync(_dir["split/part-00000.parquet"], TestData.Images(10));
        await TestData.WriteShardAsync(_dir["split/part-00001.parquet"], TestData.Images(10, 10));

        var loaded = await LoadAsync(limit: 15);

        Assert.Equal(15, loaded.Count);
        Assert.Equal(TestData.Images(15).Labels, loaded.Labels);
    }

    [Fact]
    public async Task Missing_pixel_column_names_the_file_and_the_column()
    {
        await WriteCustomAsync(_dir["split/part-0.parquet"], TestData.Images(3), dropLastPixel: true);

        var error = await Assert.ThrowsAsync<JobException>(() => LoadAsync());

        Assert.Contains("part-0.parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains("pixel784", error.Message, StringComparison.Ordinal);
        Assert.Contains("pixel1'..'pixel784'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_outside_zero_to_nine_is_rejected_with_the_allowed_range()
    {
        var data = TestData.Images(3);
        data.Labels[1] = 10;
        await TestData.WriteShardAsync(_dir["split/part-0.parquet"], data);

        var error = await Assert.ThrowsAsync<JobException>(() => LoadAsync());

        Assert.Contains("label 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("0-9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unscaled_pixels_are_rejected_with_how_to_scale_them()
    {
        var data = TestData.Images(2);
        data.Pixels[5] = 255f;
        await TestData.WriteShardAsync(_dir["split/part-0.parquet"], data);

        var error = await Assert.ThrowsAsync<JobException>(() => LoadAsync());

        Assert.Contains("pixel6", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("tiny")]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("bad-footer")]
    public async Task Shard_that_is_not_parquet_names_the_file_and_says_to_rerun_preprocess(string defect)
    {
        var path = _dir["split/part-00000.parquet"];
        await TestData.WriteShardAsync(path, TestData.Images(4));
        var good = await File.ReadAllBytesAsync(path);
        byte[] bytes = defect switch
        {
            "empty" => [],
            "tiny" => "PAR1"u8.ToArray(),
            "text" => "label,pixel1,pixel2\n1,2,3\n"u8.ToArray(),
            "truncated" => good[..(good.Length / 2)],
            _ => [.. good[..4], .. Enumerable.Repeat((byte)0xEE, 64), .. BitConverter.GetBytes(64), .. "PAR1"u8],
        };
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<JobException>(() => LoadAsync());

        Assert.Contains($"'{StoragePath.FromLocal(path)}' is not a Parquet file", error.Message, StringComparison.Ordinal);
        Assert.Contains("rerun the Preprocess job", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_without_parquet_files_says_to_run_preprocess()
    {
        Directory.CreateDirectory(_dir["split"]);
        await File.WriteAllTextAsync(_dir["split/notes.txt"], "not data");

        var error = await Assert.ThrowsAsync<JobException>(() => LoadAsync());

        Assert.Contains("no *.parquet files", error.Message, StringComparison.Ordinal);
        Assert.Contains("Preprocess", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepared_directory_without_success_marker_is_incomplete()
    {
        await TestData.WriteShardAsync(_dir["prepared/test/part-0.parquet"], TestData.Images(2));
        var prepared = StoragePath.FromLocal(_dir["prepared"]);

        var error = await Assert.ThrowsAsync<JobException>(() => PreparedData.ResolveSplitAsync(
            LocalFileSystem.Instance, prepared, PreparedData.Test, "--input"));

        Assert.Contains("_SUCCESS", error.Message, StringComparison.Ordinal);
        Assert.Contains("--input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_resolves_from_the_prepared_directory_or_the_split_itself()
    {
        await TestData.WritePreparedAsync(_dir["prepared"], train: 2, validation: 2, test: 2);
        var prepared = StoragePath.FromLocal(_dir["prepared"]);
        var fs = LocalFileSystem.Instance;

        var fromParent = await PreparedData.ResolveSplitAsync(fs, prepared, PreparedData.Test, "--input");
        var fromSplit = await PreparedData.ResolveSplitAsync(
            fs, prepared.Combine("test"), PreparedData.Test, "--input");

        Assert.Equal(prepared.Combine("test"), fromParent);
        Assert.Equal(prepared.Combine("test"), fromSplit);
    }

    private Task<ImageDataset> LoadAsync(int? limit = null) =>
        ParquetImageLoader.LoadAsync(LocalFileSystem.Instance, StoragePath.FromLocal(_dir["split"]), limit);

    private static async Task WriteCustomAsync(
        string path,
        ImageDataset data,
        bool nullable = false,
        bool reverse = false,
        bool extra = false,
        bool dropLastPixel = false)
    {
        var pixelCount = dropLastPixel ? ImageDataset.PixelCount - 1 : ImageDataset.PixelCount;
        var fields = new List<DataField> { new DataField<int?>("label") };
        fields.AddRange(Enumerable.Range(0, pixelCount).Select(i =>
            nullable
                ? new DataField<float?>(ParquetImageLoader.PixelColumn(i))
                : (DataField)new DataField<float>(ParquetImageLoader.PixelColumn(i))));
        if (extra)
        {
            fields.Add(new DataField<double?>("feature1"));
        }

        if (reverse)
        {
            fields.Reverse();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        foreach (var field in fields)
        {
            if (field.Name == "label")
            {
                await group.WriteAsync<int>(field, data.Labels.Select(l => (int?)l).ToArray().AsMemory());
            }
            else if (field.Name == "feature1")
            {
                await group.WriteAsync<double>(field, Enumerable.Repeat((double?)0.5, data.Count).ToArray().AsMemory());
            }
            else
            {
                var c = int.Parse(field.Name["pixel".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1;
                var column = Enumerable.Range(0, data.Count)
                    .Select(r => data.Pixels[(r * ImageDataset.PixelCount) + c]).ToArray();
                if (nullable)
                {
                    await group.WriteAsync<float>(field, column.Select(v => (float?)v).ToArray().AsMemory());
                }
                else
                {
                    await group.WriteAsync<float>(field, column.AsMemory());
                }
            }
        }
    }
}
