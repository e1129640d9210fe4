using FaceNetML.Models.TfJs;
using System.Text;
using FaceNetML.Models;
using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet.Initialisation;

/// <summary>
/// Pretrained starting weights for Fast-FaceNet at θ = 1: the MobileNet-v1 backbone of face-api's SSD face
/// detector (npm <c>@vladmandic/face-api@1.7.15</c>, MIT; trained on WIDER FACE, whose images are not LFW's).
/// Its 27 convolutions have exactly the shapes of Table 4 at θ = 1, so they seed ours one to one; the
/// embedding layer stays random. The package is fetched once (its sha512 and the two files' sha256 checked), and
/// the files are kept under the model store (<c>_backbones/face-api-mobilenetv1</c>), checked again at every load.
/// </summary>
public static class FaceDetectorBackbone
{
    public const string PackageName = FaceApiPackage.Name;
    public const string PackageVersion = FaceApiPackage.Version;
    private const string ManifestFile = "ssd_mobilenetv1_model-weights_manifest.json";
    private const string ShardFile = "ssd_mobilenetv1_model.bin";
    private static readonly PinnedFile[] Files =
    [
        new(ManifestFile, FaceApiPackage.PathInPackage(ManifestFile), "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955"),
        new(ShardFile, FaceApiPackage.PathInPackage(ShardFile), "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8"),
    ];

    /// <summary>The width these weights fit.</summary>
    public const double Width = 1.0;

    /// <summary>The backbone's tensors, fetched on first use into <paramref name="store"/>'s folder.</summary>
    public static IReadOnlyDictionary<string, TfjsTensor> Load(ModelStore? store = null)
    {
        store ??= ModelStore.Default;
        var dir = Path.Combine(store.Root, "_backbones", "face-api-mobilenetv1");
        Directory.CreateDirectory(store.Root);
        var files = FaceApiPackage.Package.FetchKept(Files, dir, force: false, store.Root, store.Progress);
        return TfjsWeights.Read(Encoding.UTF8.GetString(files[ManifestFile]),
            path => files.TryGetValue(path, out var bytes) ? bytes : throw new ModelFetchException($"{dir}: the TF.js manifest names an unknown shard '{path}'"));
    }

    /// <summary>
    /// Copies the backbone into <paramref name="network"/> (θ must be 1). The detector's BatchNorms are partly
    /// folded into its convolutions, and ours run on batch statistics while training, so each layer's BatchNorm
    /// is set from <paramref name="calibration"/> (NCHW, normalised like training input): γ and β are chosen so
    /// that on this batch every layer reproduces the detector's per-channel affine response (data-dependent
    /// initialisation), and the running statistics are those of the batch.
    /// </summary>
    public static void Apply(FastFaceNetNetwork network, IReadOnlyDictionary<string, TfjsTensor> weights, Tensor calibration)
    {
        if (Math.Abs(network.Width - Width) > 1e-9)
            throw new ArgumentException($"the face-detector backbone exists only at width {Width}; this network has width {network.Width}");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = calibration;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var spec = network.Layers[i];
            var (kernel, scale, shift) = Layer(weights, i, spec);
            var conv = network.Convolutions[i];
            conv.weight!.copy_(kernel);
            var y = conv.call(x);
            var mean = y.mean([0, 2, 3]);
            var variance = y.var([0, 2, 3], unbiased: false);
            var bn = network.Norms[i];
            bn.weight!.copy_(scale * (variance + FastFaceNetNetwork.BatchNormEpsilon).sqrt());
            bn.bias!.copy_(scale * mean + shift);
            bn.running_mean!.copy_(mean);
            bn.running_var!.copy_(variance);
            x = nn.functional.relu(y * scale.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1));
        }
    }

    /// <summary>Layer i as (OIHW kernel, per-channel scale a, shift b): the detector computes a * conv(x) + b.</summary>
    private static (Tensor Kernel, Tensor Scale, Tensor Shift) Layer(IReadOnlyDictionary<string, TfjsTensor> weights, int i, ConvSpec spec)
    {
        TfjsTensor Get(string name) => weights.TryGetValue("MobilenetV1/" + name, out var t) ? t
            : throw new BadInputException($"face-detector backbone lacks MobilenetV1/{name}");
        Tensor Vector(string name) => tensor(Get(name).Values);
        bool depthwise = spec.Groups > 1;
        int block = (i + 1) / 2;
        string prefix = i == 0 ? "Conv2d_0_pointwise" : depthwise ? $"Conv2d_{block}_depthwise" : $"Conv2d_{block}_pointwise";
        var w = Get(prefix + (depthwise ? "/depthwise_weights" : "/weights"));
        // TF layouts: conv [kh, kw, in, out]; depthwise [kh, kw, channels, 1]. Ours: [out, in/groups, kh, kw].
        var hwio = tensor(w.Values).view(w.Shape.Select(d => (long)d).ToArray());
        var kernel = depthwise ? hwio.permute(2, 3, 0, 1) : hwio.permute(3, 2, 0, 1);
        long[] expected = [spec.OutChannels, spec.InChannels / spec.Groups, spec.Kernel, spec.Kernel];
        if (!kernel.shape.SequenceEqual(expected))
            throw new BadInputException($"face-detector backbone {prefix}: shape [{string.Join(",", kernel.shape)}], expected [{string.Join(",", expected)}]");
        if (!depthwise) return (kernel.contiguous(), ones(spec.OutChannels), Vector(prefix + "/convolution_bn_offset"));
        var gamma = Vector(prefix + "/BatchNorm/gamma");
        var beta = Vector(prefix + "/BatchNorm/beta");
        var mean = Vector(prefix + "/BatchNorm/moving_mean");
        var variance = Vector(prefix + "/BatchNorm/moving_variance");
        var a = gamma / (variance + 1e-3).sqrt();
        return (kernel.contiguous(), a, beta - mean * a);
    }
}
