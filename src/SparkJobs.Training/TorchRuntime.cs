using SparkJobs.Hosting;
using TorchSharp;
using static TorchSharp.torch;

namespace SparkJobs.Training;

/// <summary>Device selection, seeding and thread settings, named as in PyTorch where PyTorch has a name.</summary>
public static class TorchRuntime
{
    /// <summary>Gets the device choices a job accepts on its command line.</summary>
    public static IReadOnlyList<string> DeviceChoices { get; } = ["auto", "cpu", "cuda"];

    /// <summary>Gets the TorchSharp and libtorch versions, for provenance in reports.</summary>
    public static string Version => $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {__version__}";

    /// <summary>Resolves a device choice: <c>auto</c> means CUDA when <c>torch.cuda.is_available()</c>.</summary>
    /// <param name="choice">One of <see cref="DeviceChoices"/>.</param>
    /// <returns>The device to run on.</returns>
    /// <exception cref="JobException">The choice is unknown, or CUDA was asked for but is not available.</exception>
    public static Device SelectDevice(string choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        switch (choice.ToLowerInvariant())
        {
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                {
                    throw new JobException(
                        "--device cuda was requested but torch.cuda.is_available() is false: this build uses "
                        + "the CPU libtorch or no CUDA device is visible. Use --device cpu or --device auto, or "
                        + "build with -p:TorchBackend=cuda and run on a GPU node.");
                }

                return CUDA;
            default:
                throw new JobException(
                    $"--device '{choice}' is not known; use one of {string.Join(", ", DeviceChoices)}.");
        }
    }

    /// <summary>Seeds libtorch (<c>torch.manual_seed</c>, CUDA too) and returns a seeded shuffle source.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>A random source for shuffling, seeded with <paramref name="seed"/>.</returns>
    public static Random ManualSeed(int seed)
    {
        manual_seed(seed);
        if (cuda.is_available())
        {
            cuda.manual_seed_all(seed);
        }

        // A seeded Random is required for reproducible shuffles; it is not used for security.
#pragma warning disable CA5394
        return new Random(seed);
#pragma warning restore CA5394
    }

    /// <summary>Sets the number of intra-op threads libtorch uses, when asked.</summary>
    /// <param name="threads">The thread count, or <see langword="null"/> to keep libtorch's default.</param>
    /// <exception cref="JobException">The count is not positive.</exception>
    public static void SetThreads(int? threads)
    {
        if (threads is null)
        {
            return;
        }

        if (threads < 1)
        {
            throw new JobException($"--threads {threads} is not allowed; pass a positive number of threads.");
        }

        set_num_threads(threads.Value);
    }
}
