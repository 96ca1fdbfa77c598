using System.Globalization;
using System.Text.Json;
using SparkJobs.Hosting;
using SparkJobs.Ingest;
using SparkJobs.Storage;
using SparkJobs.Storage.Tests;
using SparkJobs.Tests;
using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.Preprocess.Tests;

using SparkJobs.DataFrame;

public sealed class PreprocessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Slice_of_the_real_data_becomes_parquet_splits_with_stats_and_success()
    {
        var raw = Path.Combine(_dir.Path, "raw");
        await IngestJob.RunAsync(
            new IngestOptions("/usr/share/datasets/fashion-mnist", raw, 500), FileSystems.Default, default);
        var prepared = Path.Combine(_dir.Path, "prepared");
        var stats = await PreprocessJob.RunAsync(
            new PreprocessOptions(raw, prepared, 10, 42, "embedded"), FileSystems.Default, default);

        Assert.True(File.Exists(Path.Combine(prepared, OutputCommit.SuccessMarker)));
        Assert.Single(Directory.GetFiles(Path.Combine(prepared, "train"), "part-*.parquet"));
        await using var session = DataSession.Embedded();
        var train = session.Read.Parquet(Path.Combine(prepared, "train"));
        var validation = session.Read.Parquet(Path.Combine(prepared, "validation"));
        var test = session.Read.Parquet(Path.Combine(prepared, "test"));

        var schema = await train.SchemaAsync();
        Assert.Equal(788, schema.Fields.Count);
        Assert.Equal(DataType.IntegerType, schema.Find("label")!.Type);
        Assert.All(ImagePipeline.PixelNames, p => Assert.Equal(DataType.FloatType, schema.Find(p)!.Type));
        Assert.Equal(DataType.FloatType, schema.Find("mean_intensity")!.Type);
        Assert.Equal(DataType.IntegerType, schema.Find("ink")!.Type);
        Assert.Equal(DataType.LongType, schema.Find("row_id")!.Type);

        var trainRows = await train.CountAsync();
        var validationRows = await validation.CountAsync();
        Assert.Equal(500, trainRows + validationRows);
        Assert.InRange(validationRows, 25, 80);
        Assert.Equal(500, await test.CountAsync());

        var all = train.Union(validation);
        var ranges = (await all.Agg(
            Min(ImagePipeline.Balanced(ImagePipeline.PixelNames.Select(Col), (a, b) => Least(a, b))).As("lo"),
            Max(ImagePipeline.Balanced(ImagePipeline.PixelNames.Select(Col), (a, b) => Greatest(a, b))).As("hi"),
            Min(Col("mean_intensity")).As("mlo"), Max(Col("mean_intensity")).As("mhi"),
            Min(Col("ink")).As("ilo"), Max(Col("ink")).As("ihi"),
            Min(Col("label")).As("llo"), Max(Col("label")).As("lhi")).CollectAsync())[0];
        Assert.Equal(0f, ranges["lo"]);
        Assert.Equal(1f, ranges["hi"]);
        Assert.InRange((float)ranges["mlo"]!, 0.01f, 1f);
        Assert.InRange((int)ranges["ihi"]!, 1, 784);
        Assert.Equal((0, 9), ((int)ranges["llo"]!, (int)ranges["lhi"]!));

        // row_id is the source row: its label must be the IDX label at that index.
        var labels = File.ReadLines(Path.Combine(raw, "train", "part-00000.csv")).Skip(1)
            .Select(l => int.Parse(l[..1], CultureInfo.InvariantCulture)).ToList();
        var sample = await all.Select("row_id", "label").CollectAsync();
        Assert.All(sample, r => Assert.Equal(labels[(int)(long)r["row_id"]!], (int)r["label"]!));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(prepared, "stats.json")));
        var root = json.RootElement;
        Assert.Equal(1000, root.GetProperty("rows_in").GetInt64());
        Assert.Equal(1000, root.GetProperty("rows_out").GetInt64());
        Assert.Equal(trainRows, root.GetProperty("splits").GetProperty("train").GetProperty("rows").GetInt64());
        var perClass = root.GetProperty("splits").GetProperty("test").GetProperty("per_class");
        Assert.Equal(500, perClass.EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(stats.Seconds, root.GetProperty("seconds").GetDouble());
    }

    [Fact]
    public async Task Missing_and_out_of_range_rows_are_dropped_and_counted_per_reason()
    {
        var raw = Path.Combine(_dir.Path, "raw");
        Directory.CreateDirectory(Path.Combine(raw, "train"));
        var good = string.Join(",", Enumerable.Repeat("10", 784));
        File.WriteAllLines(Path.Combine(raw, "train", "part-00000.csv"),
        [
            PixelCsv.Header(784),
            "1," + good,
            "2," + good,
            "12," + good,
            "3,300" + good[2..],
            "4,-1" + good[2..],
            "5," + good[..^2],
            ",," + good[3..],
        ]);
        var prepared = Path.Combine(_dir.Path, "prepared");
        var stats = await PreprocessJob.RunAsync(
            new PreprocessOptions(raw, prepared, 50, 1, "embedded"), FileSystems.Default, default);

        var train = stats.Inputs["train"];
        Assert.Equal(7, train.RowsIn);
        Assert.Equal(2, train.RowsOut);
        Assert.Equal(new Dropped(MissingValues: 2, LabelOutOfRange: 1, PixelOutOfRange: 2), train.Dropped);
        Assert.Equal(2, stats.Splits["train"].Rows + stats.Splits["validation"].Rows);
        Assert.False(stats.Splits.ContainsKey("test"));
        Assert.True(File.Exists(Path.Combine(prepared, "stats.json")));
    }

    [Fact]
    public async Task Cli_reports_a_missing_input_and_a_bad_header_without_a_stack_trace()
    {
        var help = await Processes.RunAsync("preprocess", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--validation-percent", help.StdOut, StringComparison.Ordinal);

        var output = Path.Combine(_dir.Path, "out");
        var missing = await Processes.RunAsync("preprocess", "--input", Path.Combine(_dir.Path, "none"), "--output",
            output);
        Assert.Equal(ExitCodes.UserError, missing.ExitCode);
        Assert.Contains("is not a directory", missing.StdErr, StringComparison.Ordinal);
        Assert.Empty(missing.StdOut);

        var raw = Path.Combine(_dir.Path, "raw");
        Directory.CreateDirectory(Path.Combine(raw, "train"));
        File.WriteAllLines(Path.Combine(raw, "train", "part-00000.csv"), ["label,pixel1,pixel3", "1,2,3"]);
        var bad = await Processes.RunAsync("preprocess", "--input", raw, "--output", output);
        Assert.Equal(ExitCodes.UserError, bad.ExitCode);
        Assert.Contains("part-00000.csv' line 1, column 3", bad.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));

        var engine = await Processes.RunAsync("preprocess", "--input", raw, "--output", output, "--engine", "spark");
        Assert.Equal(ExitCodes.UserError, engine.ExitCode);
        Assert.Contains("Unknown engine 'spark'", engine.StdErr, StringComparison.Ordinal);

        var badConnection = await Processes.RunAsync("preprocess", "--input", raw, "--output", output, "--engine",
            "sc://127.0.0.1:notaport");
        Assert.Equal(ExitCodes.UserError, badConnection.ExitCode);
        Assert.Contains("port 'notaport' must be a number", badConnection.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badConnection.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_option_value_that_is_not_a_number_is_one_line_without_type_names()
    {
        var output = Path.Combine(_dir.Path, "out");

        var result = await Processes.RunAsync(
            "preprocess", "--input", _dir.Path, "--output", output, "--validation-percent", "ten");

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        Assert.Equal(
            "preprocess: error: --validation-percent: 'ten' is not a whole number. "
            + "Run 'preprocess --help' for the options.",
            result.StdErr.Trim());
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("-5")]
    public async Task Cli_refuses_a_validation_percent_that_leaves_a_split_empty(string percent)
    {
        var raw = WriteRawCsv(GoodRow(1), GoodRow(2));
        var output = Path.Combine(_dir.Path, "out");

        var result = await Processes.RunAsync(
            "preprocess", "--input", raw, "--output", output, "--validation-percent", percent);

        AssertOneLineUserError(result);
        Assert.Contains($"--validation-percent {percent} is out of range; pass 1 to 99", result.StdErr,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Cli_refuses_a_csv_with_only_a_header_before_writing_anything()
    {
        var raw = WriteRawCsv();
        var output = Path.Combine(_dir.Path, "out");

        var result = await Processes.RunAsync("preprocess", "--input", raw, "--output", output);

        AssertOneLineUserError(result);
        Assert.Contains($"'file://{raw}/train' holds only CSV headers and no data rows", result.StdErr,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("value", "line 3: column 'pixel2' holds 'abc', which is not a whole number")]
    [InlineData("columns", "line 3 has 701 columns where 785 are expected")]
    [InlineData("quote", "line 3 has a value with an unterminated quote")]
    public async Task Cli_reports_a_bad_csv_row_as_one_line_with_the_file_line_and_what_is_expected(
        string defect, string message)
    {
        var row = defect switch
        {
            "value" => "2,0,abc" + GoodRow(0)[5..],
            "columns" => "2," + string.Join(",", Enumerable.Repeat("0", 700)),
            _ => "2,\"0" + GoodRow(0)[3..],
        };
        var raw = WriteRawCsv(GoodRow(1), row, GoodRow(3));
        var output = Path.Combine(_dir.Path, "out");

        var result = await Processes.RunAsync("preprocess", "--input", raw, "--output", output);

        AssertOneLineUserError(result);
        Assert.Contains($"{raw}/train/part-00000.csv' {message}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("785 columns: a label 0-9 and 784 pixels, each a whole number 0-255", result.StdErr,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Possible", result.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Cli_says_a_binary_file_is_not_csv_without_printing_its_bytes()
    {
        var raw = Path.Combine(_dir.Path, "raw");
        Directory.CreateDirectory(Path.Combine(raw, "train"));
        byte[] parquetLike = [.. "PAR1"u8, 0x15, 0x04, 0x15, 0xC0, 0xFF, 0x00, 0x1B, .. "PAR1"u8, (byte)'\n'];
        await File.WriteAllBytesAsync(Path.Combine(raw, "train", "part-00000.parquet"), parquetLike);
        var output = Path.Combine(_dir.Path, "out");

        var result = await Processes.RunAsync("preprocess", "--input", raw, "--output", output);

        AssertOneLineUserError(result);
        Assert.Contains(@"part-00000.parquet' is not a text CSV file (it starts with 'PAR1\x15\x04\x15?", result.StdErr,
            StringComparison.Ordinal);
        Assert.DoesNotContain(result.StdErr.TrimEnd(), c => char.IsControl(c) || c == '\uFFFD');
        Assert.False(Directory.Exists(output));
    }

    private static string GoodRow(int label) => $"{label}," + string.Join(",", Enumerable.Repeat("0", 784));

    private static void AssertOneLineUserError((int ExitCode, string StdOut, string StdErr) result)
    {
        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("preprocess: error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(result.StdOut);
    }

    private string WriteRawCsv(params string[] rows)
    {
        var raw = Path.Combine(_dir.Path, "raw");
        Directory.CreateDirectory(Path.Combine(raw, "train"));
        File.WriteAllLines(Path.Combine(raw, "train", "part-00000.csv"), [PixelCsv.Header(784), .. rows]);
        return raw;
    }
}
