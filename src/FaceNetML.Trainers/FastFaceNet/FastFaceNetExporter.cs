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
/// With activation ranges (<see cref="ActivationRanges"/>) the convolutions are written int8 in QDQ form:
/// weights per output channel, symmetric int8; biases int32 at input scale x weight scale; activations uint8
/// (zero point 0 after ReLU, 128 for the input). ONNX Runtime fuses each DequantizeLinear - Conv - Relu -
/// QuantizeLinear group into one integer convolution (VNNI on CPUs that have it); pooling and the embedding
/// layer stay float.
/// </summary>
public static class FastFaceNetExporter
{
    public const float Mean = 127.5f;
    public const float Scale = 1f / 128f;

    /// <summary>The ONNX model bytes of the network at input size <paramref name="inputSize"/> (BN from running statistics).</summary>
    /// <param name="int8Ranges">Per-layer activation ranges for an int8 (QDQ) model; null writes float32.</param>
    public static byte[] ToOnnx(FastFaceNetNetwork network, int inputSize, float[]? int8Ranges = null)
    {
        if (int8Ranges is not null && int8Ranges.Length != network.Layers.Count)
            throw new ArgumentException($"need {network.Layers.Count} activation ranges, got {int8Ranges.Length}", nameof(int8Ranges));
        var g = new OnnxGraphBuilder("fastfacenet");
        g.Reserve("input");
        g.Input("input", TensorProto.Types.DataType.Float, ["N", inputSize, inputSize, 3]);
        var x = g.Fresh("nchw");
        g.Node("Transpose", ["input"], x, OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2));
        if (int8Ranges is not null) x = Quantize(g, x, InputScale, InputZeroPoint);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var spec = network.Layers[i];
            var (w, b) = Fold(network, i);
            int[] dims = [spec.OutChannels, spec.InChannels / spec.Groups, spec.Kernel, spec.Kernel];
            string input = x, wName, bName;
            if (int8Ranges is null)
            {
                wName = g.Initializer($"conv{i}.weight", dims, w);
                bName = g.Initializer($"conv{i}.bias", [spec.OutChannels], b);
            }
            else
            {
                float previousScale = i == 0 ? InputScale : int8Ranges[i - 1] / 255f;
                input = Dequantize(g, x, previousScale, i == 0 ? InputZeroPoint : (byte)0);
                (wName, bName) = QuantizedWeights(g, i, dims, w, b, previousScale);
            }
            var conv = g.Fresh($"conv{i}");
            g.Node("Conv", [input, wName, bName], conv,
                OnnxGraphBuilder.Ints("kernel_shape", spec.Kernel, spec.Kernel),
                OnnxGraphBuilder.Ints("strides", spec.Stride, spec.Stride),
                OnnxGraphBuilder.Ints("pads", spec.Padding, spec.Padding, spec.Padding, spec.Padding),
                OnnxGraphBuilder.Int("group", spec.Groups));
            x = g.Fresh($"relu{i}");
            g.Node("Relu", [conv], x);
            if (int8Ranges is not null) x = Quantize(g, x, int8Ranges[i] / 255f, 0);
        }
        if (int8Ranges is not null) x = Dequantize(g, x, int8Ranges[^1] / 255f, 0);
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
        var model = g.Build($"Fast-FaceNet (MobileNet-v1, width {network.Width.ToString(CultureInfo.InvariantCulture)}) embedding, BN folded"
            + (int8Ranges is null ? "" : ", int8 convolutions (QDQ)"),
            new Dictionary<string, string>
            {
                ["width"] = network.Width.ToString(CultureInfo.InvariantCulture),
                ["input_size"] = inputSize.ToString(CultureInfo.InvariantCulture),
                ["embedding_size"] = network.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
                ["precision"] = int8Ranges is null ? "float32" : "int8",
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
    /// <param name="int8Ranges">Activation ranges from <see cref="ActivationRanges.Measure"/> for an int8 model (null: float32).</param>
    public static InstalledModel Save(FastFaceNetNetwork network, int inputSize, string path, float threshold, string? name = null, string? notes = null,
        float[]? int8Ranges = null)
    {
        bool isFile = path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        var dir = ModelFolder(path);
        Directory.CreateDirectory(dir);
        var onnxPath = isFile ? Path.GetFullPath(path) : Path.Combine(dir, "model.onnx");
        var onnx = ToOnnx(network, inputSize, int8Ranges);
        if (int8Ranges is not null) name ??= DefaultName(network.Width, inputSize) + "-int8";
        File.WriteAllBytes(onnxPath, onnx);
        Manifest(network, inputSize, onnx, threshold, name, notes).Save(Path.Combine(dir, "manifest.json"));
        return ModelStore.Verify(isFile ? onnxPath : dir);
    }

    /// <summary>The folder a model written to <paramref name="path"/> (an <c>.onnx</c> file or a folder) lives in, with its manifest.</summary>
    public static string ModelFolder(string path) =>
        Path.GetFullPath(path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path);

    /// <summary>Where the int8 twin of a model written to <paramref name="path"/> goes: the sibling folder <c>NAME-int8</c> (one model per folder).</summary>
    public static string Int8Path(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (!full.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return full + "-int8";
        var dir = Path.GetDirectoryName(full)!;
        return Path.Combine(dir.TrimEnd('/') + "-int8", Path.GetFileName(full));
    }

    /// <summary>The input's quantisation: (pixel - 127.5) / 128 maps pixels onto uint8 codes 0..255 (rounded).</summary>
    private const float InputScale = 1f / 128f;
    private const byte InputZeroPoint = 128;

    private static string Quantize(OnnxGraphBuilder g, string x, float scale, byte zeroPoint)
    {
        var q = g.Fresh(x + "_q");
        g.Node("QuantizeLinear", [x, g.Initializer(g.Fresh("scale"), [], [scale]), g.Initializer(g.Fresh("zero_point"), [], [zeroPoint])], q);
        return q;
    }

    private static string Dequantize(OnnxGraphBuilder g, string q, float scale, byte zeroPoint)
    {
        var x = g.Fresh(q + "_dq");
        g.Node("DequantizeLinear", [q, g.Initializer(g.Fresh("scale"), [], [scale]), g.Initializer(g.Fresh("zero_point"), [], [zeroPoint])], x);
        return x;
    }

    /// <summary>Symmetric per-output-channel int8 weights and int32 biases (scale = input scale x weight scale), each behind a DequantizeLinear.</summary>
    private static (string Weight, string Bias) QuantizedWeights(OnnxGraphBuilder g, int i, int[] dims, float[] w, float[] b, float inputScale)
    {
        int outChannels = dims[0], per = w.Length / outChannels;
        var wq = new sbyte[w.Length];
        var wScale = new float[outChannels];
        var bq = new int[outChannels];
        var bScale = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            float max = 0;
            for (int k = 0; k < per; k++) max = Math.Max(max, Math.Abs(w[o * per + k]));
            wScale[o] = max > 0 ? max / 127f : 1f;
            for (int k = 0; k < per; k++) wq[o * per + k] = (sbyte)Math.Clamp(MathF.Round(w[o * per + k] / wScale[o]), -127, 127);
            bScale[o] = inputScale * wScale[o];
            bq[o] = (int)Math.Clamp(Math.Round(b[o] / (double)bScale[o]), int.MinValue, int.MaxValue);
        }
        var weight = g.Fresh($"conv{i}.weight");
        g.Node("DequantizeLinear", [g.Initializer($"conv{i}.weight_q", dims, wq), g.Initializer($"conv{i}.weight_scale", [outChannels], wScale),
            g.Initializer($"conv{i}.weight_zero_point", [outChannels], new sbyte[outChannels])], weight, OnnxGraphBuilder.Int("axis", 0));
        var bias = g.Fresh($"conv{i}.bias");
        g.Node("DequantizeLinear", [g.Initializer($"conv{i}.bias_q", [outChannels], bq), g.Initializer($"conv{i}.bias_scale", [outChannels], bScale),
            g.Initializer($"conv{i}.bias_zero_point", [outChannels], new int[outChannels])], bias, OnnxGraphBuilder.Int("axis", 0));
        return (weight, bias);
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
