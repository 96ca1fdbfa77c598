using SparkJobs.Storage.Tests;

namespace SparkJobs.DataFrame.Tests;

using SparkJobs.DataFrame;

/// <summary>Small frames for tests: CSV text written to a temp file and read back with a schema.</summary>
internal sealed class Frames : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private int _files;

    public DataSession Session { get; } = DataSession.Embedded();

    public string Root => _dir.Path;

    public DataFrame Csv(string schema, params string[] lines)
    {
        var fields = schema.Split(',').Select(f => f.Trim().Split(' ')).Select(p => new StructField(p[0],
            DataType.Parse(p[1])));
        var path = Path.Combine(_dir.Path, $"input{_files++}.csv");
        File.WriteAllLines(path, lines);
        return Session.Read.Format("csv").Schema(new StructType(fields)).Load(path);
    }

    public async Task<object?> ScalarAsync(Column expr)
    {
        var rows = await Csv("x int", "1").Select(expr.As("v")).CollectAsync();
        return rows[0]["v"];
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        _dir.Dispose();
    }
}
