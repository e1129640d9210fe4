namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>One convolution of the network: 3x3 (full or depthwise when Groups = InChannels) or 1x1 pointwise.</summary>
public sealed record ConvSpec(int InChannels, int OutChannels, int Kernel, int Stride, int Groups)
{
    public int Padding => Kernel / 2;
    public bool Depthwise => Groups > 1;

    /// <summary>Output side for an input side <paramref name="size"/> (PyTorch/ONNX padding = Kernel/2).</summary>
    public int OutputSize(int size) => (size + 2 * Padding - Kernel) / Stride + 1;

    public long Weights => (long)Kernel * Kernel * (InChannels / Groups) * OutChannels;
}

/// <summary>
/// MobileNet-v1 as in the Fast-FaceNet paper's Table 4: a full 3x3/2 convolution with 32 channels, 13
/// depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, each followed by BatchNorm + ReLU) up to 1024
/// channels, and global average pooling. Every layer's channel count is multiplied by the width θ
/// (rounded down, at least 8, as TF-slim's <c>depth_multiplier</c>).
/// </summary>
public static class FastFaceNetArchitecture
{
    /// <summary>(pointwise output channels, depthwise stride) of the 13 blocks at θ = 1.</summary>
    public static IReadOnlyList<(int Channels, int Stride)> Blocks { get; } =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ];

    public const int StemChannels = 32;

    /// <summary>Channels of a θ = 1 layer with <paramref name="channels"/> at width <paramref name="width"/>.</summary>
    public static int Channels(int channels, double width)
    {
        if (!(width > 0) || width > 4) throw new ArgumentOutOfRangeException(nameof(width), $"width multiplier must be in (0, 4], got {width}");
        return Math.Max(8, (int)(channels * width + 1e-9));
    }

    /// <summary>The 27 convolutions in order (stem, then depthwise and pointwise of each block).</summary>
    public static IReadOnlyList<ConvSpec> Layers(double width)
    {
        var layers = new List<ConvSpec>();
        int c = Channels(StemChannels, width);
        layers.Add(new ConvSpec(3, c, 3, 2, 1));
        foreach (var (channels, stride) in Blocks)
        {
            layers.Add(new ConvSpec(c, c, 3, stride, c));
            int o = Channels(channels, width);
            layers.Add(new ConvSpec(c, o, 1, 1, 1));
            c = o;
        }
        return layers;
    }

    /// <summary>Channels after global pooling (1024 θ).</summary>
    public static int FeatureChannels(double width) => Channels(1024, width);
}

/// <summary>Learned parameters and multiply-adds of one forward pass of one image.</summary>
public readonly record struct ModelComplexity(long Parameters, long MultiplyAdds)
{
    public double MegaParameters => Parameters / 1e6;
    public double MegaMultiplyAdds => MultiplyAdds / 1e6;
}

/// <summary>
/// Exact parameter and multiply-add counter. Counts, as the MobileNet paper does, convolution weights and
/// the fully connected head (weights + bias) and their multiply-adds; BatchNorm is not counted by default
/// (it folds into the convolutions at export, which then gain a bias: pass <c>foldedBias: true</c> for the
/// exported model's exact parameter count). Pooling and ReLU are free.
/// </summary>
public static class FastFaceNetComplexity
{
    /// <param name="width">Width multiplier θ.</param>
    /// <param name="inputSize">Square input side in pixels.</param>
    /// <param name="headOutputs">Outputs of the final linear layer: 1000 classes for ImageNet MobileNet-v1, 128 for the embedding.</param>
    /// <param name="foldedBias">Count one bias per convolution output channel (the BN-folded export).</param>
    public static ModelComplexity Count(double width, int inputSize, int headOutputs, bool foldedBias = false)
    {
        long parameters = 0, macs = 0;
        int size = inputSize;
        foreach (var layer in FastFaceNetArchitecture.Layers(width))
        {
            size = layer.OutputSize(size);
            parameters += layer.Weights + (foldedBias ? layer.OutChannels : 0);
            macs += layer.Weights * size * size;
        }
        int features = FastFaceNetArchitecture.FeatureChannels(width);
        parameters += (long)features * headOutputs + headOutputs;
        macs += (long)features * headOutputs;
        return new ModelComplexity(parameters, macs);
    }
}
