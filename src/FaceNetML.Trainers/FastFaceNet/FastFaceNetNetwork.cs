using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>
/// The Fast-FaceNet embedding network (TorchSharp): MobileNet-v1 at width θ (see
/// <see cref="FastFaceNetArchitecture"/>), global average pooling, a linear embedding layer
/// (<see cref="EmbeddingSize"/>, 128 by default) and L2 normalisation. Input: NCHW floats normalised as
/// <c>(pixel - 127.5) / 128</c>, RGB; any square size (224 in the paper, 112 or 160 for speed).
/// </summary>
public sealed class FastFaceNetNetwork : nn.Module<Tensor, Tensor>
{
    public const double BatchNormEpsilon = 1e-5;

    private readonly ModuleList<Conv2d> _convs = new();
    private readonly ModuleList<BatchNorm2d> _norms = new();
    private readonly Linear _embedding;

    /// <param name="width">Width multiplier θ.</param>
    /// <param name="embeddingSize">Embedding dimension.</param>
    /// <param name="seed">Seed for the initial weights (torch's global generator is re-seeded).</param>
    public FastFaceNetNetwork(double width = 0.75, int embeddingSize = 128, long seed = 1) : base("FastFaceNet")
    {
        Width = width;
        EmbeddingSize = embeddingSize;
        Layers = FastFaceNetArchitecture.Layers(width);
        torch.manual_seed(seed);
        foreach (var l in Layers)
        {
            _convs.Add(nn.Conv2d(l.InChannels, l.OutChannels, l.Kernel, stride: l.Stride, padding: l.Padding, groups: l.Groups, bias: false));
            _norms.Add(nn.BatchNorm2d(l.OutChannels, eps: BatchNormEpsilon));
        }
        _embedding = nn.Linear(FastFaceNetArchitecture.FeatureChannels(width), embeddingSize);
        RegisterComponents();
    }

    public double Width { get; }
    public int EmbeddingSize { get; }
    public IReadOnlyList<ConvSpec> Layers { get; }

    internal IList<Conv2d> Convolutions => _convs;
    internal IList<BatchNorm2d> Norms => _norms;
    internal Linear Embedding => _embedding;

    /// <summary>L2-normalised embeddings [N, EmbeddingSize] of NCHW input.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (int i = 0; i < _convs.Count; i++)
            x = nn.functional.relu(_norms[i].call(_convs[i].call(x)));
        x = nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
        x = _embedding.call(x);
        return nn.functional.normalize(x, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Learned parameters of the TorchSharp module, BatchNorm's scale and shift excluded.</summary>
    public long CountParameters(bool includeBatchNorm = false) =>
        parameters().Sum(p => p.numel()) - (includeBatchNorm ? 0 : _norms.Sum(n => n.weight!.numel() + n.bias!.numel()));
}
