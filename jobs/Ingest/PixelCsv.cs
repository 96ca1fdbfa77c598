using System.Text;

namespace SparkJobs.Ingest;

/// <summary>Writes images as the Kaggle CSV layout <c>label,pixel1,...,pixelN</c>, a byte table per value.</summary>
internal static class PixelCsv
{
    private static readonly byte[][] Digits = [.. Enumerable.Range(0,
        256).Select(v => Encoding.ASCII.GetBytes($",{v}"))];

    public static string Header(int pixels) =>
        "label," + string.Join(",", Enumerable.Range(1, pixels).Select(i => $"pixel{i}"));

    public static async Task WriteAsync(
        Stream output, IdxImages images, byte[] labels, int limit, CancellationToken cancellationToken)
    {
        var rows = limit > 0 ? Math.Min(limit, images.Count) : images.Count;
        var header = Encoding.ASCII.GetBytes(Header(images.ImageSize) + "\n");
        await output.WriteAsync(header, cancellationToken);

        // One buffer holds many rows, so the stream sees large writes.
        var buffer = new byte[1 << 20];
        var used = 0;
        var longestRow = 4 + (images.ImageSize * 4);
        for (var row = 0; row < rows; row++)
        {
            if (used + longestRow > buffer.Length)
            {
                await output.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                used = 0;
            }

            used = WriteRow(buffer, used, labels[row], images.Image(row));
        }

        await output.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
    }

    private static int WriteRow(byte[] buffer, int at, byte label, ReadOnlySpan<byte> pixels)
    {
        // Labels are 0-9, so one digit.
        buffer[at++] = (byte)('0' + label);
        foreach (var pixel in pixels)
        {
            var text = Digits[pixel];
            text.CopyTo(buffer, at);
            at += text.Length;
        }

        buffer[at++] = (byte)'\n';
        return at;
    }
}
