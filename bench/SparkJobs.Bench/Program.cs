using System.Globalization;
using System.Reflection;
using System.Text.Json;
using SparkJobs.Bench;

// Usage: sparkjobs-bench [--dataset DIR] [--scratch DIR] [--json FILE] [name ...]
// With no names every benchmark runs. Benchmarks are found by reflection: any IBenchmark in this assembly.
var dataset = "/usr/share/datasets/fashion-mnist";
var scratch = Path.Combine(Path.GetTempPath(), "sparkjobs-bench");
string? json = null;
var names = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dataset" when i + 1 < args.Length:
            dataset = args[++i];
            break;
        case "--scratch" when i + 1 < args.Length:
            scratch = args[++i];
            break;
        case "--json" when i + 1 < args.Length:
            json = args[++i];
            break;
        default:
            names.Add(args[i]);
            break;
    }
}

var all = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();
var unknown = names.Where(n => all.All(b => b.Name != n)).ToList();
if (unknown.Count > 0)
{
    await Console.Error.WriteLineAsync(
        $"sparkjobs-bench: unknown benchmark(s) {string.Join(", ", unknown)}; "
        + $"the benchmarks are {string.Join(", ", all.Select(b => b.Name))}.");
    return 2;
}

var results = new Dictionary<string, IReadOnlyList<Figure>>(StringComparer.Ordinal);
foreach (var bench in all.Where(b => names.Count == 0 || names.Contains(b.Name)))
{
    var dir = Path.Combine(scratch, bench.Name);
    if (Directory.Exists(dir))
    {
        Directory.Delete(dir, recursive: true);
    }

    Directory.CreateDirectory(dir);
    Console.WriteLine($"== {bench.Name}");
    var figures = await bench.RunAsync(new BenchContext(dataset, dir), CancellationToken.None);
    foreach (var figure in figures)
    {
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"  {figure.Name,-58} {figure.Value,14:0.####} {figure.Unit}"));
    }

    results[bench.Name] = figures;
}

if (json is not null)
{
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
}

return 0;
