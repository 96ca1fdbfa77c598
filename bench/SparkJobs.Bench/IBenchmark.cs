namespace SparkJobs.Bench;

/// <summary>
/// One benchmark. Each measures our code side by side with a baseline in the same process and run,
/// so the figures it reports are ratios that mean the same on any machine.
/// </summary>
internal interface IBenchmark
{
    /// <summary>Gets the name used on the command line to pick this benchmark.</summary>
    string Name { get; }

    /// <summary>Runs the benchmark and returns its figures.</summary>
    /// <param name="context">Where the inputs are and where scratch files may go.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The named figures, in the order to print them.</returns>
    Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken);
}

/// <summary>One measured figure.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The value.</param>
/// <param name="Unit">The unit, for example <c>s</c>, <c>GFLOP/s</c> or <c>x</c> for a ratio.</param>
internal sealed record Figure(string Name, double Value, string Unit);

/// <summary>Where a benchmark finds its inputs and may write scratch files.</summary>
/// <param name="DatasetDirectory">The directory of the four Fashion-MNIST IDX gzip files.</param>
/// <param name="ScratchDirectory">An empty directory the benchmark may use and leave behind.</param>
internal sealed record BenchContext(string DatasetDirectory, string ScratchDirectory);
