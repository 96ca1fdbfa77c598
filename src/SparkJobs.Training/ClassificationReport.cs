namespace SparkJobs.Training;

/// <summary>Precision, recall and F1 of one class.</summary>
/// <param name="Label">The class index.</param>
/// <param name="Name">The class name.</param>
/// <param name="Precision">Correct predictions of the class over all its predictions (0 when never predicted).</param>
/// <param name="Recall">Correct predictions of the class over its true samples (0 when it has none).</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">The number of true samples of the class.</param>
public sealed record ClassMetrics(int Label, string Name, double Precision, double Recall, double F1, long Support);

/// <summary>A multi-class classification report computed from a confusion matrix.</summary>
/// <param name="Accuracy">The fraction of samples classified correctly.</param>
/// <param name="Samples">The number of samples.</param>
/// <param name="MacroPrecision">The unweighted mean of per-class precision.</param>
/// <param name="MacroRecall">The unweighted mean of per-class recall.</param>
/// <param name="MacroF1">The unweighted mean of per-class F1.</param>
/// <param name="Classes">The per-class metrics.</param>
/// <param name="ConfusionMatrix">Counts indexed [true label][predicted label].</param>
public sealed record ClassificationReport(
    double Accuracy,
    long Samples,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    IReadOnlyList<ClassMetrics> Classes,
    IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix)
{
    /// <summary>Builds the confusion matrix of predictions against true labels and reports on it.</summary>
    /// <param name="labels">The true labels.</param>
    /// <param name="predictions">The predicted labels, in the same order.</param>
    /// <param name="classNames">The class names, indexed by label.</param>
    /// <returns>The report.</returns>
    public static ClassificationReport FromPredictions(
        IReadOnlyList<long> labels, IReadOnlyList<long> predictions, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classNames);
        if (labels.Count != predictions.Count)
        {
            throw new ArgumentException(
                $"{labels.Count} labels but {predictions.Count} predictions; they must pair up.", nameof(predictions));
        }

        var matrix = new long[classNames.Count][];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = new long[classNames.Count];
        }

        for (var i = 0; i < labels.Count; i++)
        {
            matrix[labels[i]][predictions[i]]++;
        }

        return FromConfusionMatrix(matrix, classNames);
    }

    /// <summary>Computes the report from a square confusion matrix.</summary>
    /// <param name="matrix">Counts indexed [true label][predicted label].</param>
    /// <param name="classNames">The class names, indexed by label.</param>
    /// <returns>The report.</returns>
    public static ClassificationReport FromConfusionMatrix(
        IReadOnlyList<IReadOnlyList<long>> matrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        var n = classNames.Count;
        if (matrix.Count != n || matrix.Any(row => row.Count != n))
        {
            throw new ArgumentException(
                $"The confusion matrix must be {n} x {n}, one row and column per class.", nameof(matrix));
        }

        long total = 0;
        long diagonal = 0;
        var classes = new List<ClassMetrics>(n);
        for (var c = 0; c < n; c++)
        {
            var truePositives = matrix[c][c];
            var support = matrix[c].Sum();
            var predicted = Enumerable.Range(0, n).Sum(r => matrix[r][c]);
            var precision = predicted == 0 ? 0 : (double)truePositives / predicted;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes.Add(new ClassMetrics(c, classNames[c], precision, recall, f1, support));
            total += support;
            diagonal += truePositives;
        }

        return new ClassificationReport(
            total == 0 ? 0 : (double)diagonal / total,
            total,
            classes.Average(m => m.Precision),
            classes.Average(m => m.Recall),
            classes.Average(m => m.F1),
            classes,
            matrix.Select(row => (IReadOnlyList<long>)[.. row]).ToList());
    }
}
