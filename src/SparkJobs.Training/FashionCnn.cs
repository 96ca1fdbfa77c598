using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparkJobs.Training;

/// <summary>
/// The seed's reference CNN for 28x28 grey images: Conv2d(1,32,3x3)+ReLU, MaxPool2d(2),
/// Conv2d(32,64,3x3)+ReLU, MaxPool2d(2), Flatten, Linear(1600,10). It returns logits; the softmax
/// lives in the cross-entropy loss.
/// </summary>
public sealed class FashionCnn : nn.Module<Tensor, Tensor>
{
    /// <summary>The side of the square input image, in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The number of output classes.</summary>
    public const int ClassCount = 10;

    private const int Kernel = 3;
    private const int Channels1 = 32;
    private const int Channels2 = 64;

    // Field names become the state_dict keys (conv1.weight, fc.bias, ...), so they follow PyTorch.
#pragma warning disable IDE1006
    private readonly Conv2d conv1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly MaxPool2d pool2;
    private readonly Flatten flatten;
    private readonly Linear fc;
#pragma warning restore IDE1006

    /// <summary>Initializes a new instance of the <see cref="FashionCnn"/> class with fresh random weights.</summary>
    public FashionCnn()
        : base(nameof(FashionCnn))
    {
        conv1 = nn.Conv2d(1, Channels1, Kernel);
        pool1 = nn.MaxPool2d(2);
        conv2 = nn.Conv2d(Channels1, Channels2, Kernel);
        pool2 = nn.MaxPool2d(2);
        flatten = nn.Flatten();
        fc = nn.Linear(FlattenedSize, ClassCount);
        RegisterComponents();
    }

    /// <summary>Gets the side of the feature map after the first convolution (26).</summary>
    public static int Conv1Side => ImageSize - Kernel + 1;

    /// <summary>Gets the side of the feature map after the second convolution (11).</summary>
    public static int Conv2Side => (Conv1Side / 2) - Kernel + 1;

    /// <summary>Gets the number of features that reach the dense layer (5 x 5 x 64 = 1600).</summary>
    public static int FlattenedSize => Channels2 * (Conv2Side / 2) * (Conv2Side / 2);

    /// <summary>
    /// Gets the forward-pass FLOPs for one sample, counting a multiply-add as two FLOPs in the two
    /// convolutions and the dense layer (ReLU, pooling and bias adds are under 1% and left out).
    /// </summary>
    public static long ForwardFlopsPerSample
    {
        get
        {
            long conv1Macs = (long)Conv1Side * Conv1Side * Channels1 * Kernel * Kernel * 1;
            long conv2Macs = (long)Conv2Side * Conv2Side * Channels2 * Kernel * Kernel * Channels1;
            long fcMacs = (long)FlattenedSize * ClassCount;
            return 2 * (conv1Macs + conv2Macs + fcMacs);
        }
    }

    /// <summary>
    /// Gets the FLOPs of one training sample: the backward pass computes gradients for both the
    /// inputs and the weights of every layer, about twice the forward work, so the total is 3x forward.
    /// </summary>
    public static long TrainingFlopsPerSample => 3 * ForwardFlopsPerSample;

    /// <summary>Gets the number of trainable parameters (34,826 for this architecture).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Computes class logits for a batch.</summary>
    /// <param name="input">Images shaped [N, 1, 28, 28], scaled to [0, 1].</param>
    /// <returns>Logits shaped [N, 10].</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = pool1.forward(nn.functional.relu(conv1.forward(input)));
        x = pool2.forward(nn.functional.relu(conv2.forward(x)));
        return fc.forward(flatten.forward(x)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            pool1.Dispose();
            conv2.Dispose();
            pool2.Dispose();
            flatten.Dispose();
            fc.Dispose();
        }

        base.Dispose(disposing);
    }
}
