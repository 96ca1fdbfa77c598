namespace SparkJobs.Training;

/// <summary>Facts about the Fashion-MNIST data set that the jobs report with.</summary>
public static class FashionMnist
{
    /// <summary>Gets the class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];
}
