using static TorchSharp.torch;

namespace SparkJobs.Training.Tests;

public sealed class FashionCnnTests
{
    [Fact]
    public void Forward_batch_of_images_returns_ten_logits_per_image()
    {
        using var model = new FashionCnn();
        using var input = rand(5, 1, 28, 28);

        using var output = model.forward(input);

        Assert.Equal([5L, 10L], output.shape);
    }

    [Fact]
    public void Parameters_match_the_seed_architecture()
    {
        using var model = new FashionCnn();

        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        // 1*32*3*3 + 32, 32*64*3*3 + 64, 1600*10 + 10.
        Assert.Equal(320 + 18_496 + 16_010, model.ParameterCount);
        Assert.Equal(34_826, model.ParameterCount);
        Assert.Equal(["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc.bias", "fc.weight"],
            shapes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([32L, 1L, 3L, 3L], shapes["conv1.weight"]);
        Assert.Equal([64L, 32L, 3L, 3L], shapes["conv2.weight"]);
        Assert.Equal([10L, 1600L], shapes["fc.weight"]);
    }

    [Fact]
    public void Flops_are_counted_from_the_layer_shapes()
    {
        // conv1: 26*26*32 outputs x 9 MACs; conv2: 11*11*64 outputs x 288 MACs; fc: 1600*10 MACs; 2 FLOPs per MAC.
        const long Forward = 2 * ((26 * 26 * 32 * 9) + (11 * 11 * 64 * 288) + (1600 * 10));

        Assert.Equal(1600, FashionCnn.FlattenedSize);
        Assert.Equal(Forward, FashionCnn.ForwardFlopsPerSample);
        Assert.Equal(3 * Forward, FashionCnn.TrainingFlopsPerSample);
    }

    [Fact]
    public void Saved_state_dict_loads_into_a_fresh_model_with_the_same_outputs()
    {
        TorchRuntime.ManualSeed(7);
        using var trained = new FashionCnn();
        using var other = new FashionCnn();
        using var input = rand(3, 1, 28, 28);
        using var buffer = new MemoryStream();

        // TorchSharp closes the stream it saves to, so the bytes are reread from a copy.
        trained.save(buffer);
        using var saved = new MemoryStream(buffer.ToArray());
        other.load(saved);

        trained.eval();
        other.eval();
        using var expected = trained.forward(input);
        using var actual = other.forward(input);
        Assert.True(expected.allclose(actual));
    }
}
