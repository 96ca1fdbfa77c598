namespace SparkJobs.Training.Tests;

public sealed class ClassificationReportTests
{
    private static readonly string[] Names = ["a", "b", "c"];

    [Fact]
    public void Hand_made_confusion_matrix_gives_the_textbook_metrics()
    {
        // Rows are true classes, columns predictions.
        long[][] matrix =
        [
            [5, 1, 0],
            [2, 3, 1],
            [0, 0, 4],
        ];

        var report = ClassificationReport.FromConfusionMatrix(matrix, Names);

        Assert.Equal(16, report.Samples);
        Assert.Equal(12.0 / 16, report.Accuracy, 12);
        var a = report.Classes[0];
        Assert.Equal(5.0 / 7, a.Precision, 12);
        Assert.Equal(5.0 / 6, a.Recall, 12);
        Assert.Equal(2 * (5.0 / 7) * (5.0 / 6) / ((5.0 / 7) + (5.0 / 6)), a.F1, 12);
        Assert.Equal(6, a.Support);
        var b = report.Classes[1];
        Assert.Equal(3.0 / 4, b.Precision, 12);
        Assert.Equal(3.0 / 6, b.Recall, 12);
        var c = report.Classes[2];
        Assert.Equal(4.0 / 5, c.Precision, 12);
        Assert.Equal(1.0, c.Recall, 12);
        Assert.Equal(((5.0 / 7) + (3.0 / 4) + (4.0 / 5)) / 3, report.MacroPrecision, 12);
        Assert.Equal(((5.0 / 6) + (3.0 / 6) + 1.0) / 3, report.MacroRecall, 12);
        Assert.Equal(report.Classes.Average(k => k.F1), report.MacroF1, 12);
    }

    [Fact]
    public void Class_never_predicted_or_absent_scores_zero_instead_of_dividing_by_zero()
    {
        long[][] matrix =
        [
            [3, 0, 0],
            [1, 0, 0],
            [0, 0, 0],
        ];

        var report = ClassificationReport.FromConfusionMatrix(matrix, Names);

        Assert.Equal(0, report.Classes[1].Precision);
        Assert.Equal(0, report.Classes[1].F1);
        Assert.Equal(0, report.Classes[2].Recall);
        Assert.Equal(0, report.Classes[2].Support);
        Assert.Equal(0.75, report.Accuracy, 12);
    }

    [Fact]
    public void Predictions_are_counted_into_true_row_and_predicted_column()
    {
        var report = ClassificationReport.FromPredictions([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], Names);

        Assert.Equal([1L, 1L, 0L], report.ConfusionMatrix[0]);
        Assert.Equal([0L, 1L, 0L], report.ConfusionMatrix[1]);
        Assert.Equal([1L, 0L, 1L], report.ConfusionMatrix[2]);
        Assert.Equal(0.6, report.Accuracy, 12);
    }
}
