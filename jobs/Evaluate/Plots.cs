using System.Globalization;
using ScottPlot;
using SparkJobs.Training;

namespace SparkJobs.Jobs.Evaluate;

/// <summary>Renders the evaluation's PNG plots.</summary>
internal static class Plots
{
    private const int Width = 800;
    private const int Height = 600;

    /// <summary>Draws the confusion matrix as a labelled heatmap, true classes down, predictions across.</summary>
    /// <param name="report">The report whose matrix to draw.</param>
    /// <returns>The PNG bytes.</returns>
    public static byte[] ConfusionMatrix(ClassificationReport report)
    {
        var matrix = report.ConfusionMatrix;
        var n = matrix.Count;
        var cells = new double[n, n];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                cells[r, c] = matrix[r][c];
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        var max = cells.Cast<double>().DefaultIfEmpty(0).Max();
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                // Row 0 is drawn at the top, so row r sits at y = n - 1 - r.
                var text = plot.Add.Text(matrix[r][c].ToString(CultureInfo.InvariantCulture), c, n - 1 - r);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 11;
                text.LabelFontColor = cells[r, c] > max / 2 ? Colors.Black : Colors.White;
            }
        }

        var names = report.Classes.Select(k => k.Name).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.SetTicks(positions, [.. names.Reverse()]);
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        plot.Title(string.Create(
            CultureInfo.InvariantCulture, $"Confusion matrix (accuracy {report.Accuracy:0.0000})"));
        return plot.GetImageBytes(Width + 100, Height + 100, ImageFormat.Png);
    }

    /// <summary>Draws training and validation loss per epoch.</summary>
    /// <param name="history">The training history.</param>
    /// <returns>The PNG bytes.</returns>
    public static byte[] Loss(TrainingHistory history) =>
        PerEpoch(history, "Loss", "Cross-entropy loss", e => e.Loss, e => e.ValidationLoss);

    /// <summary>Draws training and validation accuracy per epoch.</summary>
    /// <param name="history">The training history.</param>
    /// <returns>The PNG bytes.</returns>
    public static byte[] Accuracy(TrainingHistory history) =>
        PerEpoch(history, "Accuracy", "Accuracy", e => e.TrainAccuracy, e => e.ValidationAccuracy);

    private static byte[] PerEpoch(
        TrainingHistory history,
        string title,
        string yLabel,
        Func<EpochRecord, double> train,
        Func<EpochRecord, double> validation)
    {
        var epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var plot = new Plot();
        var trainLine = plot.Add.Scatter(epochs, history.Epochs.Select(train).ToArray());
        trainLine.LegendText = "train";
        var validationLine = plot.Add.Scatter(epochs, history.Epochs.Select(validation).ToArray());
        validationLine.LegendText = "validation";
        plot.ShowLegend();
        plot.Axes.Bottom.SetTicks(epochs, [.. epochs.Select(e => e.ToString(CultureInfo.InvariantCulture))]);
        plot.XLabel("Epoch");
        plot.YLabel(yLabel);
        plot.Title(title + " per epoch");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
