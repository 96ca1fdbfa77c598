using SparkJobs.Hosting;
using SparkJobs.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace SparkJobs.Training.Tests;

public sealed class TrainerTests
{
    [Fact]
    public void One_seeded_epoch_on_real_images_lowers_the_loss()
    {
        var data = TestData.Images(512);

        var (before, after, _) = TrainOneEpoch(data, seed: 42);

        // Untrained logits give about ln(10) = 2.3; one small epoch should cut that clearly.
        Assert.InRange(before.Loss, 2.0, 2.6);
        Assert.True(after.Loss < 0.9 * before.Loss, $"loss went from {before.Loss} to {after.Loss}");
        Assert.True(after.Accuracy > before.Accuracy, $"accuracy went from {before.Accuracy} to {after.Accuracy}");
    }

    [Fact]
    public void Same_seed_gives_the_same_training_run()
    {
        var data = TestData.Images(128);

        var first = TrainOneEpoch(data, seed: 3);
        var second = TrainOneEpoch(data, seed: 3);

        Assert.Equal(first.Epoch.Loss, second.Epoch.Loss, 1e-5 * first.Epoch.Loss);
        Assert.Equal(first.After.Loss, second.After.Loss, 1e-5 * first.After.Loss);
    }

    [Fact]
    public void Predict_returns_one_class_per_image()
    {
        var data = TestData.Images(20);
        TorchRuntime.ManualSeed(1);
        using var model = new FashionCnn();
        using var images = data.ImagesTensor();

        var predictions = Trainer.Predict(model, images);

        Assert.Equal(20, predictions.Length);
        Assert.All(predictions, p => Assert.InRange(p, 0, 9));
    }

    [Fact]
    public void Cuda_is_selected_only_when_available_and_refused_with_advice_otherwise()
    {
        if (cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchRuntime.SelectDevice("cuda").type);
            Assert.Equal(DeviceType.CUDA, TorchRuntime.SelectDevice("auto").type);
        }
        else
        {
            var error = Assert.Throws<JobException>(() => TorchRuntime.SelectDevice("cuda"));
            Assert.Contains("--device cpu", error.Message, StringComparison.Ordinal);
            Assert.Equal(DeviceType.CPU, TorchRuntime.SelectDevice("auto").type);
        }

        Assert.Throws<JobException>(() => TorchRuntime.SelectDevice("tpu"));
    }

    private static (PassResult Before, PassResult After, PassResult Epoch) TrainOneEpoch(ImageDataset data, int seed)
    {
        var shuffle = TorchRuntime.ManualSeed(seed);
        using var model = new FashionCnn();
        using var trainer = new Trainer(model, CPU, learningRate: 0.001);
        using var images = data.ImagesTensor();
        using var labels = data.LabelsTensor();
        var before = trainer.Evaluate(images, labels);
        var epoch = trainer.TrainEpoch(images, labels, batchSize: 32, shuffle);
        var after = trainer.Evaluate(images, labels);
        return (before, after, epoch);
    }
}
