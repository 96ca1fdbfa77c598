using SparkJobs.Hosting;
using SparkJobs.Storage;
using SparkJobs.Storage.Tests;
using SparkJobs.Tests;

namespace SparkJobs.Ingest.Tests;

public sealed class IngestTests : IDisposable
{
    private const string Dataset = "/usr/share/datasets/fashion-mnist";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Real_files_have_the_documented_headers()
    {
        var labels = await ReadAsync(Path.Combine(Dataset, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(10_000, IdxReader.ReadLabels(labels, "t10k-labels", 10).Length);
        var images = IdxReader.ReadImages(await ReadAsync(Path.Combine(Dataset, "t10k-images-idx3-ubyte.gz")), "t10k");
        Assert.Equal((10_000, 28, 28), (images.Count, images.Rows, images.Columns));
    }

    [Fact]
    public async Task Generated_idx_becomes_kaggle_csv_with_limit_and_success_marker()
    {
        var input = Input(Idx.Images(3), Idx.Labels(1, 2, 9), Idx.Images(2), Idx.Labels(0, 5));
        var output = Path.Combine(_dir.Path, "raw");
        var result = await IngestJob.RunAsync(new IngestOptions(input, output, Limit: 2), FileSystems.Default, default);

        Assert.Equal(2, result.Splits["train"]);
        var lines = File.ReadAllLines(Path.Combine(output, "train", "part-00000.csv"));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("label,pixel1,pixel2,", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",pixel784", lines[0], StringComparison.Ordinal);
        var expected = Idx.Images(3)[16..(16 + 784)];
        Assert.Equal("1," + string.Join(",", expected), lines[1]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "test", "part-00000.csv")).Length);
        Assert.True(File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));
    }

    [Theory]
    [InlineData("magic", "magic number 0x00000804, expected 0x00000803")]
    [InlineData("truncated", "is truncated: its header declares 3 images of 28x28 pixels (2352 bytes) but only 2252")]
    [InlineData("count", "holds 2 labels but")]
    [InlineData("label", "has label 12 at index 1; labels must be 0 to 9")]
    [InlineData("size", "holds 27x28 images; this job expects 28x28")]
    public async Task Corrupt_idx_is_a_user_error_naming_the_file(string defect, string message)
    {
        var images = defect switch
        {
            "magic" => Idx.Images(3, magic: 0x804),
            "truncated" => Idx.Images(3, cut: 100),
            "size" => Idx.Images(3, rows: 27),
            _ => Idx.Images(3),
        };
        var labels = defect switch
        {
            "count" => Idx.Labels(1, 2),
            "label" => Idx.Labels(1, 12, 3),
            _ => Idx.Labels(1, 2, 3),
        };
        var input = Input(images, labels, Idx.Images(1), Idx.Labels(1));
        var output = Path.Combine(_dir.Path, "raw");

        var e = await Assert.ThrowsAsync<JobException>(
            () => IngestJob.RunAsync(new IngestOptions(input, output, 0), FileSystems.Default, default));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("train-", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("magic", "train-images-idx3-ubyte.gz' ")]
    [InlineData("truncated", "train-images-idx3-ubyte.gz' is truncated")]
    [InlineData("missing", "has no t10k-labels-idx1-ubyte.gz")]
    [InlineData("not-gzip", "train-labels-idx1-ubyte.gz'")]
    public async Task Cli_failed_run_is_one_line_and_leaves_no_output_directory(string defect, string message)
    {
        var images = defect switch
        {
            "magic" => Idx.Images(3, magic: 0x804),
            "truncated" => Idx.Images(3, cut: 100),
            _ => Idx.Images(3),
        };
        var input = Input(images, Idx.Labels(1, 2, 3), Idx.Images(1), Idx.Labels(1));
        if (defect == "missing")
        {
            File.Delete(Path.Combine(input, "t10k-labels-idx1-ubyte.gz"));
        }
        else if (defect == "not-gzip")
        {
            File.WriteAllText(Path.Combine(input, "train-labels-idx1-ubyte.gz"), "plain text, not gzip");
        }

        var output = Path.Combine(_dir.Path, "landing", "raw");

        var result = await Processes.RunAsync("ingest", "--input", input, "--output", output);

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ingest: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "landing")));
    }

    [Fact]
    public async Task Failed_run_into_an_existing_directory_keeps_that_directory()
    {
        var input = Input(Idx.Images(3, magic: 0x804), Idx.Labels(1, 2, 3), Idx.Images(1), Idx.Labels(1));
        var output = Directory.CreateDirectory(Path.Combine(_dir.Path, "raw")).FullName;

        await Assert.ThrowsAsync<JobException>(
            () => IngestJob.RunAsync(new IngestOptions(input, output, 0), FileSystems.Default, default));

        Assert.True(Directory.Exists(output));
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Fact]
    public async Task Binary_csv_input_is_named_without_printing_its_bytes()
    {
        var csv = Path.Combine(_dir.Path, "in.csv");
        await File.WriteAllBytesAsync(csv, [.. "PAR1"u8, 0x00, 0x15, 0xC3, 0x28, .. "PAR1"u8, (byte)'\n']);

        var e = await Assert.ThrowsAsync<JobException>(() => IngestJob.RunAsync(
            new IngestOptions(csv, Path.Combine(_dir.Path, "raw"), 0), FileSystems.Default, default));

        Assert.Contains(@"in.csv' is not a text CSV file (it starts with 'PAR1\x00\x15?(PAR1')", e.Message,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "raw")));
    }

    [Fact]
    public async Task Csv_input_is_checked_and_copied_into_train()
    {
        var csv = Path.Combine(_dir.Path, "in.csv");
        var header = PixelCsv.Header(784);
        File.WriteAllLines(csv, [header, "3," + string.Join(",", Enumerable.Repeat("0", 784))]);
        var output = Path.Combine(_dir.Path, "raw");
        var result = await IngestJob.RunAsync(new IngestOptions(csv, output, 0), FileSystems.Default, default);
        Assert.Equal(1, result.Splits["train"]);
        Assert.Equal(header, File.ReadLines(Path.Combine(output, "train", "part-00000.csv")).First());

        File.WriteAllLines(csv, ["label,pixel1,pixelX"]);
        var e = await Assert.ThrowsAsync<JobException>(
            () => IngestJob.RunAsync(new IngestOptions(csv, output + "2", 0), FileSystems.Default, default));
        Assert.Contains("line 1, column 3: the header has 'pixelX' where 'pixel2' is expected", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_uri_to_a_landing_directory_of_idx_or_csv_files_is_read()
    {
        var idx = Input(Idx.Images(3), Idx.Labels(1, 2, 9), Idx.Images(2), Idx.Labels(0, 5));
        File.WriteAllText(Path.Combine(idx, OutputCommit.SuccessMarker), string.Empty);
        var fromIdx = await IngestJob.RunAsync(new IngestOptions(new Uri(idx).AbsoluteUri,
            new Uri(Path.Combine(_dir.Path, "raw-idx")).AbsoluteUri, 0), FileSystems.Default, default);
        Assert.Equal((3, 2), (fromIdx.Splits["train"], fromIdx.Splits["test"]));

        var landing = Directory.CreateDirectory(Path.Combine(_dir.Path, "landing", "2026", "01", "02")).FullName;
        var row = "3," + string.Join(",", Enumerable.Repeat("0", 784));
        File.WriteAllLines(Path.Combine(landing, "fashion-mnist_train.csv"), [PixelCsv.Header(784), row, row]);
        File.WriteAllLines(Path.Combine(landing, "fashion-mnist_test.csv"), [PixelCsv.Header(784), row]);
        File.WriteAllText(Path.Combine(landing, OutputCommit.SuccessMarker), string.Empty);
        var output = Path.Combine(_dir.Path, "raw-csv");
        var fromCsv = await IngestJob.RunAsync(new IngestOptions("file://" + landing, output, 0),
            FileSystems.Default, default);

        Assert.Equal((2, 1), (fromCsv.Splits["train"], fromCsv.Splits["test"]));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "train", "part-00000.csv")).Length);
        Assert.True(File.Exists(Path.Combine(output, OutputCommit.SuccessMarker)));

        File.WriteAllLines(Path.Combine(landing, "more.csv"), [PixelCsv.Header(784)]);
        var e = await Assert.ThrowsAsync<JobException>(() => IngestJob.RunAsync(
            new IngestOptions("file://" + landing, output + "2", 0), FileSystems.Default, default));
        Assert.Contains("holds 3 CSV files; land one train CSV and at most one *test*.csv", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_exits_0_on_help_and_2_with_a_message_on_bad_input()
    {
        var help = await Processes.RunAsync("ingest", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--limit", help.StdOut, StringComparison.Ordinal);

        var missing = await Processes.RunAsync("ingest", "--input", Path.Combine(_dir.Path, "none"), "--output",
            _dir.Path + "/o");
        Assert.Equal(ExitCodes.UserError, missing.ExitCode);
        Assert.Contains("ingest: error: --input", missing.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.StdErr, StringComparison.Ordinal);

        var noArgs = await Processes.RunAsync("ingest");
        Assert.Equal(ExitCodes.UserError, noArgs.ExitCode);
        Assert.Contains("--input", noArgs.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_option_value_that_is_not_a_number_is_one_line_without_type_names()
    {
        var output = Path.Combine(_dir.Path, "raw");

        var result = await Processes.RunAsync("ingest", "--input", Dataset, "--output", output, "--limit", "abc");

        Assert.Equal(ExitCodes.UserError, result.ExitCode);
        Assert.Equal(
            "ingest: error: --limit: 'abc' is not a whole number. Run 'ingest --help' for the options.",
            result.StdErr.Trim());
        Assert.False(Directory.Exists(output));
    }

    private string Input(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels)
    {
        var dir = Path.Combine(_dir.Path, "idx");
        Directory.CreateDirectory(dir);
        Idx.WriteSet(dir, trainImages, trainLabels, testImages, testLabels);
        return dir;
    }

    private static async Task<byte[]> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await IdxReader.ReadAllAsync(stream, path, default);
    }
}
