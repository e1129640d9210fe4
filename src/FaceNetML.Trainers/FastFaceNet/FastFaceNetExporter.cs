using System.Globalization;
using System.Security.Cryptography;
using FaceNetML.Models;
using FaceNetML.Models.Onnx;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>
/// Writes a <see cref="FastFaceNetNetwork"/> as ONNX (opset 13) for <see cref="FaceNetML.Embedding.FaceEmbedder"/>:
/// input <c>input</c> [N, S, S, 3] float NHWC normalised as <c>(pixel - 127.5) / 128</c> (a Transpose to NCHW
/// is the first node), every BatchNorm folded into its convolution (w' = w γ/σ, b' = β - μ γ/σ with
/// σ = sqrt(var + ε)), ReLU, GlobalAveragePool, Gemm and LpNormalization; output <c>embedding</c> [N, D].
/// </summary>
public static class FastFaceNetExporter
{
    public const float Mean = 127.5f;
    public const float Scale = 1f / 128f;

    /// <summary>The ONNX model bytes of the network at input size <paramref name="inputSize"/> (BN from running statistics).</summary>
    public static byte[] ToOnnx(FastFaceNetNetwork network, int inputSize)
    {
        var g = new OnnxGraphBuilder("fastfacenet");
        g.Reserve("input");
        g.Input("input", TensorProto.Types.DataType.Float, ["N", inputSize, inputSize, 3]);
        var x = g.Fresh("nchw");
        g.Node("Transpose", ["input"], x, OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2));
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var spec = network.Layers[i];
            var (w, b) = Fold(network, i);
            var wName = g.Initializer($"conv{i}.weight", [spec.OutChannels, spec.InChannels / spec.Groups, spec.Kernel, spec.Kernel], w);
            var bName = g.Initializer($"conv{i}.bias", [spec.OutChannels], b);
            var conv = g.Fresh($"conv{i}");
            g.Node("Conv", [x, wName, bName], conv,
                OnnxGraphBuilder.Ints("kernel_shape", spec.Kernel, spec.Kernel),
                OnnxGraphBuilder.Ints("strides", spec.Stride, spec.Stride),
                OnnxGraphBuilder.Ints("pads", spec.Padding, spec.Padding, spec.Padding, spec.Padding),
                OnnxGraphBuilder.Int("group", spec.Groups));
            x = g.Fresh($"relu{i}");
            g.Node("Relu", [conv], x);
        }
        var pooled = g.Fresh("pool");
        g.Node("GlobalAveragePool", [x], pooled);
        var flat = g.Fresh("flat");
        g.Node("Flatten", [pooled], flat, OnnxGraphBuilder.Int("axis", 1));
        int features = FastFaceNetArchitecture.FeatureChannels(network.Width);
        var ew = g.Initializer("embedding.weight", [network.EmbeddingSize, features], Values(network.Embedding.weight!));
        var eb = g.Initializer("embedding.bias", [network.EmbeddingSize], Values(network.Embedding.bias!));
        var raw = g.Fresh("raw_embedding");
        g.Node("Gemm", [flat, ew, eb], raw, OnnxGraphBuilder.Int("transB", 1));
        g.Reserve("embedding");
        g.Node("LpNormalization", [raw], "embedding", OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("p", 2));
        g.Output("embedding", TensorProto.Types.DataType.Float, ["N", network.EmbeddingSize]);
        var model = g.Build($"Fast-FaceNet (MobileNet-v1, width {network.Width.ToString(CultureInfo.InvariantCulture)}) embedding, BN folded",
            new Dictionary<string, string>
            {
                ["width"] = network.Width.ToString(CultureInfo.InvariantCulture),
                ["input_size"] = inputSize.ToString(CultureInfo.InvariantCulture),
                ["embedding_size"] = network.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
            });
        return model.ToByteArray();
    }

    /// <summary>The manifest describing an export (hash of <paramref name="onnx"/> included).</summary>
    public static ModelManifest Manifest(FastFaceNetNetwork network, int inputSize, byte[] onnx, float threshold, string? name = null, string? notes = null) => new()
    {
        Name = name ?? DefaultName(network.Width, inputSize),
        Kind = "embedding",
        OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)),
        InputSize = inputSize,
        Mean = Mean,
        Scale = Scale,
        EmbeddingSize = network.EmbeddingSize,
        DefaultThreshold = threshold,
        Template = "standard",
        Notes = notes,
        Parameters = FastFaceNetComplexity.Count(network.Width, inputSize, network.EmbeddingSize, foldedBias: true).Parameters,
        MultiplyAdds = FastFaceNetComplexity.Count(network.Width, inputSize, network.EmbeddingSize).MultiplyAdds,
    };

    public static string DefaultName(double width, int inputSize) =>
        string.Create(CultureInfo.InvariantCulture, $"fastfacenet-w{width:0.##}-{inputSize}");

    /// <summary>
    /// Writes the model: <paramref name="path"/> is either an <c>.onnx</c> file (manifest.json is written beside
    /// it, so keep one model per folder) or a folder (model.onnx + manifest.json). Returns the verified model.
    /// </summary>
    public static InstalledModel Save(FastFaceNetNetwork network, int inputSize, string path, float threshold, string? name = null, string? notes = null)
    {
        bool isFile = path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        var dir = Path.GetFullPath(isFile ? Path.GetDirectoryName(Path.GetFullPath(path))! : path);
        Directory.CreateDirectory(dir);
        var onnxPath = isFile ? Path.GetFullPath(path) : Path.Combine(dir, "model.onnx");
        var onnx = ToOnnx(network, inputSize);
        File.WriteAllBytes(onnxPath, onnx);
        Manifest(network, inputSize, onnx, threshold, name, notes).Save(Path.Combine(dir, "manifest.json"));
        return ModelStore.Verify(isFile ? onnxPath : dir);
    }

    private static (float[] Weight, float[] Bias) Fold(FastFaceNetNetwork network, int i)
    {
        var w = Values(network.Convolutions[i].weight!);
        var bn = network.Norms[i];
        var gamma = Values(bn.weight!);
        var beta = Values(bn.bias!);
        var mean = Values(bn.running_mean!);
        var variance = Values(bn.running_var!);
        int outChannels = gamma.Length, per = w.Length / outChannels;
        var bias = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double factor = gamma[o] / Math.Sqrt(variance[o] + FastFaceNetNetwork.BatchNormEpsilon);
            for (int k = 0; k < per; k++) w[o * per + k] = (float)(w[o * per + k] * factor);
            bias[o] = (float)(beta[o] - mean[o] * factor);
        }
        return (w, bias);
    }

    private static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }
}
