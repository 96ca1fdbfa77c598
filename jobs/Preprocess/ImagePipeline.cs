using static SparkJobs.DataFrame.Functions;

namespace SparkJobs.Preprocess;

// Inside the namespace, so that DataFrame names the type rather than the SparkJobs.DataFrame namespace.
using SparkJobs.DataFrame;

/// <summary>
/// The image preparation as data frame transformations, engine-neutral: read with an explicit schema, drop
/// missing values, keep in-range rows, derive features, scale pixels, and assign the split.
/// </summary>
internal static class ImagePipeline
{
    public const int Pixels = 784;
    public const string RowId = "row_id";
    public const string MeanIntensity = "mean_intensity";
    public const string Ink = "ink";

    public static IReadOnlyList<string> PixelNames { get; } = [.. Enumerable.Range(1, Pixels).Select(i => $"pixel{i}")];

    public static StructType RawSchema { get; } = new(
        [new StructField("label", DataType.IntegerType), .. PixelNames.Select(p => new StructField(p,
            DataType.IntegerType))]);

    /// <summary>The label is a class 0-9.</summary>
    public static Column LabelInRange => Col("label").Between(0, 9);

    /// <summary>Every pixel is a byte value 0-255.</summary>
    public static Column PixelsInRange => Balanced(PixelNames.Select(p => Col(p).Between(0, 255)), (a, b) => a & b);

    public static DataFrame ReadRaw(DataSession session, string path) =>
        session.Read.Format("csv").Schema(RawSchema).Option("header", "true").Load(path).WithRowId(RowId);

    /// <summary>
    /// The output columns: <c>label</c>, <c>pixel1..784</c> scaled to [0, 1] as float, <c>mean_intensity</c>
    /// (the mean scaled pixel, a float in [0, 1]: how bright the item is), <c>ink</c> (the number of non-zero
    /// pixels, an int: how much of the frame the item covers), and <c>row_id</c> (the 0-based data row of the
    /// source CSV, a bigint that traces each example back to its input line).
    /// </summary>
    public static DataFrame Prepare(DataFrame raw)
    {
        var total = Balanced(PixelNames.Select(Col), (a, b) => a + b);
        var ink = Balanced(PixelNames.Select(p => When(Col(p) > 0, 1).Otherwise(0)), (a, b) => a + b);
        return raw.DropNa()
            .Filter(LabelInRange & PixelsInRange)
            .Select(
            [
                Col("label"),
                .. PixelNames.Select(p => (Col(p) / 255.0).Cast(DataType.FloatType).As(p)),
                (total / (Pixels * 255.0)).Cast(DataType.FloatType).As(MeanIntensity),
                ink.Cast(DataType.IntegerType).As(Ink),
                Col(RowId),
            ]);
    }

    /// <summary>
    /// True for the rows of the validation split: a pseudo-random bucket 0-99 from the row id and the seed (the
    /// high bits of a linear congruential step), below the percentage. Only bigint arithmetic, <c>div</c> and
    /// <c>pmod</c> are used, so Spark computes the same buckets; a hash would differ (Spark's is Murmur3).
    /// </summary>
    public static Column IsValidation(int percent, int seed) =>
        ((Col(RowId) * 1103515245L) + (12345L + seed)).Div(65536).Pmod(100) < percent;

    /// <summary>Combines many columns as a balanced tree, keeping expressions shallow for the engines'
    /// parsers.</summary>
    public static Column Balanced(IEnumerable<Column> columns, Func<Column, Column, Column> combine)
    {
        var level = columns.ToList();
        while (level.Count > 1)
        {
            var next = new List<Column>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                next.Add(combine(level[i], level[i + 1]));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[^1]);
            }

            level = next;
        }

        return level[0];
    }
}
