using FaceNetML.Models.TfJs;
using Google.Protobuf;
using Onnx;
using static FaceNetML.Models.Onnx.OnnxGraphBuilder;

namespace FaceNetML.Models.Onnx;

/// <summary>
/// Writes face-api's face descriptor (<c>FaceRecognitionNet</c> of <c>@vladmandic/face-api</c>, a port of dlib's
/// ResNet-34-like <c>dlib_face_recognition_resnet_model_v1</c>) as an ONNX graph, from its TF.js weights. The graph
/// follows face-api's <c>src/faceRecognitionNet</c> exactly: input NHWC RGB pixels 0..255, 150x150; per-channel mean
/// (122.782, 117.001, 104.298) subtracted and divided by 255 inside the graph; a 7x7/2 "valid" conv layer, 3x3/2 max
/// pool; residual blocks of two 3x3 conv layers (each conv + bias, then a per-channel scale layer <c>x*w + b</c>,
/// folded here into the convolution); the down-sampling blocks add a 2x2/2 average pool of their input, padded with
/// zero channels (and with a zero last row and column where the shapes differ, as face-api does); global average
/// pool; a 256x128 fully connected layer. Output: the raw 128-d descriptor (FaceNetML L2-normalises it).
/// </summary>
internal static class FaceApiResNetToOnnx
{
    /// <summary>Bumped whenever the written graph changes, so stored models are rebuilt.</summary>
    public const int Version = 1;

    public const int InputSize = 150;
    public static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];
    public const float Divisor = 255f;

    private static readonly (string Name, bool Down)[] Blocks =
    [
        ("conv32_1", false), ("conv32_2", false), ("conv32_3", false),
        ("conv64_down", true), ("conv64_1", false), ("conv64_2", false), ("conv64_3", false),
        ("conv128_down", true), ("conv128_1", false), ("conv128_2", false),
        ("conv256_down", true), ("conv256_1", false), ("conv256_2", false), ("conv256_down_out", true),
    ];

    /// <summary>The ONNX bytes, with the learned-parameter and multiply-add counts of one 150x150 image.</summary>
    public static (byte[] Onnx, long Parameters, long MultiplyAdds) Convert(IReadOnlyDictionary<string, TfjsTensor> weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var g = new OnnxGraphBuilder("dlib-resnet");
        long parameters = 0, macs = 0;
        const string input = "input";
        g.Reserve(input);
        g.Input(input, TensorProto.Types.DataType.Float, ["batch", InputSize, InputSize, 3]);

        TfjsTensor Get(string name) => weights.TryGetValue(name, out var t) ? t
            : throw new BadInputException($"face-api face recognition weights lack '{name}'");

        var x = g.Node("Sub", [input, g.Initializer("mean_rgb", [1, 1, 1, 3], MeanRgb)], g.Fresh("centred")).Output[0];
        x = g.Node("Div", [x, g.Initializer("divisor", [], [Divisor])], g.Fresh("normalised")).Output[0];
        x = g.Node("Transpose", [x], g.Fresh("nchw"), Ints("perm", 0, 3, 1, 2)).Output[0];
        int side = InputSize, channels = 3;

        // conv + bias, then scale layer (x*w + b): folded to conv with W*w and bias*w + b.
        string ConvLayer(string value, string prefix, int stride, bool same, bool relu, ref int size, out int outChannels)
        {
            var filters = Get(prefix + "/conv/filters");
            var bias = Get(prefix + "/conv/bias").Values;
            var scaleW = Get(prefix + "/scale/weights").Values;
            var scaleB = Get(prefix + "/scale/biases").Values;
            if (filters.Shape.Length != 4) throw new BadInputException($"face-api weights: {prefix}/conv/filters has shape [{string.Join(",", filters.Shape)}], expected 4-d");
            int kh = filters.Shape[0], kw = filters.Shape[1], cin = filters.Shape[2], cout = filters.Shape[3];
            if (bias.Length != cout || scaleW.Length != cout || scaleB.Length != cout)
                throw new BadInputException($"face-api weights: {prefix} has {cout} filters but bias/scale of {bias.Length}/{scaleW.Length}/{scaleB.Length}");
            var oihw = new float[cout * cin * kh * kw];
            for (int y = 0; y < kh; y++)
            for (int xx = 0; xx < kw; xx++)
            for (int i = 0; i < cin; i++)
            for (int o = 0; o < cout; o++)
                oihw[((o * cin + i) * kh + y) * kw + xx] = filters.Values[((y * kw + xx) * cin + i) * cout + o] * scaleW[o];
            var b = new float[cout];
            for (int o = 0; o < cout; o++) b[o] = bias[o] * scaleW[o] + scaleB[o];
            int pad = same ? (kh - 1) / 2 : 0;
            int outSize = (size + 2 * pad - kh) / stride + 1;
            parameters += filters.Values.Length + 3L * cout;
            macs += (long)outSize * outSize * cout * cin * kh * kw;
            var w = g.Initializer(prefix + "/W", [cout, cin, kh, kw], oihw);
            var bn = g.Initializer(prefix + "/B", [cout], b);
            var y0 = g.Node("Conv", [value, w, bn], g.Fresh(prefix),
                Ints("kernel_shape", kh, kw), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad)).Output[0];
            size = outSize;
            outChannels = cout;
            return relu ? g.Node("Relu", [y0], g.Fresh(prefix + "/relu")).Output[0] : y0;
        }

        x = ConvLayer(x, "conv32_down", 2, same: false, relu: true, ref side, out channels);
        x = g.Node("MaxPool", [x], g.Fresh("maxpool"), Ints("kernel_shape", 3, 3), Ints("strides", 2, 2)).Output[0];
        side = (side - 3) / 2 + 1;

        foreach (var (name, down) in Blocks)
        {
            int s = side;
            var a = ConvLayer(x, name + "/conv1", down ? 2 : 1, same: !down, relu: true, ref s, out var c1);
            var bOut = ConvLayer(a, name + "/conv2", 1, same: true, relu: false, ref s, out var c2);
            string shortcut = x;
            if (down)
            {
                shortcut = g.Node("AveragePool", [x], g.Fresh(name + "/avgpool"), Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)).Output[0];
                int pooled = (side - 2) / 2 + 1;
                if (c2 != channels)
                    shortcut = g.Node("Pad", [shortcut, g.Initializer(g.Fresh(name + "/chanpad"), [8], new long[] { 0, 0, 0, 0, 0, c2 - channels, 0, 0 })],
                        g.Fresh(name + "/padded")).Output[0];
                if (pooled != s)
                {
                    // face-api appends one zero row and one zero column to the block's output when it is smaller.
                    if (pooled != s + 1) throw new BadInputException($"face-api weights: {name} gives {s}x{s}, the shortcut {pooled}x{pooled}");
                    bOut = g.Node("Pad", [bOut, g.Initializer(g.Fresh(name + "/edgepad"), [8], new long[] { 0, 0, 0, 0, 0, 0, 1, 1 })],
                        g.Fresh(name + "/grown")).Output[0];
                    s = pooled;
                }
            }
            else if (c2 != channels || s != side)
                throw new BadInputException($"face-api weights: block {name} changes shape without down-sampling");
            x = g.Node("Relu", [g.Node("Add", [bOut, shortcut], g.Fresh(name + "/sum")).Output[0]], g.Fresh(name + "/out")).Output[0];
            side = s;
            channels = c2;
            _ = c1;
        }

        x = g.Node("GlobalAveragePool", [x], g.Fresh("gap")).Output[0];
        x = g.Node("Flatten", [x], g.Fresh("flat"), Int("axis", 1)).Output[0];
        var fc = Get("fc");
        if (fc.Shape.Length != 2 || fc.Shape[0] != channels)
            throw new BadInputException($"face-api weights: fc has shape [{string.Join(",", fc.Shape)}], expected [{channels},d]");
        parameters += fc.Values.Length;
        macs += fc.Values.Length;
        const string output = "embedding";
        g.Node("MatMul", [x, g.Initializer("fc", fc.Shape, fc.Values)], output);
        g.Output(output, TensorProto.Types.DataType.Float, ["batch", fc.Shape[1]]);
        var model = g.Build("face-api FaceRecognitionNet (dlib ResNet face descriptor) written by FaceNetML from TF.js weights", metadata);
        return (model.ToByteArray(), parameters, macs);
    }
}
