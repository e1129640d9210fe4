using FaceNetML.Models.TfLite;
using Google.Protobuf;
using Onnx;
using static FaceNetML.Models.Onnx.OnnxGraphBuilder;

namespace FaceNetML.Models.Onnx;

/// <summary>How to turn a TFLite graph into ONNX.</summary>
public sealed record OnnxConversionOptions
{
    /// <summary>Make the batch dimension of inputs and outputs dynamic (TFLite files store a fixed batch).</summary>
    public bool DynamicBatch { get; init; } = true;

    /// <summary>Make height and width of 4-D inputs dynamic (for fully convolutional nets such as MTCNN's P-Net).</summary>
    public bool DynamicSpatial { get; init; }

    /// <summary>Write TOCO's element-wise PReLU as convolutions ONNX Runtime keeps in its fast NCHWc layout.</summary>
    public bool RewritePRelu { get; init; } = true;

    public string GraphName { get; init; } = "graph";
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>
/// Converts a float TFLite model to an ONNX model computing the same function. Every tensor stays in
/// TFLite's NHWC layout; only convolutions and pools are wrapped in NHWC->NCHW->NHWC transposes (which
/// ONNX Runtime's optimiser cancels pairwise), so element-wise ops, reductions and fully-connected
/// flattening keep TFLite's exact semantics.
/// </summary>
public static class TfLiteToOnnxConverter
{
    /// <summary>Bumped whenever the ONNX the converter writes changes; stores re-import older conversions.
    /// 1: first release; 2: PReLU written as depthwise 1x1 convolutions.</summary>
    /// <remarks>Measured here (ONNX Runtime 1.31, MobileFaceNet, batch 1): the element-wise PReLU costs 7.2 ms
    /// (1 thread) / 5.2 ms (2 threads) because each one forces NCHWc layout reorders; as convolutions 5.5 / 3.4 ms.
    /// A single ONNX PRelu node was slower still (11.7 ms, 1 thread).</remarks>
    public const int Version = 2;

    private static readonly long[] ToNchw = [0, 3, 1, 2];
    private static readonly long[] ToNhwc = [0, 2, 3, 1];

    public static byte[] ConvertToBytes(TfLiteModel model, OnnxConversionOptions options) => Convert(model, options).ToByteArray();

    public static ModelProto Convert(TfLiteModel model, OnnxConversionOptions options)
    {
        var g = new OnnxGraphBuilder(options.GraphName);
        var names = new string[model.Tensors.Count];
        var used = new HashSet<string>();
        foreach (var t in model.Tensors)
        {
            var name = used.Add(t.Name) ? t.Name : $"{t.Name}__t{t.Index}";
            used.Add(name);
            names[t.Index] = name;
            g.Reserve(name);
        }

        int storedBatch = model.Inputs.Length > 0 && model.Tensors[model.Inputs[0]].Shape.Length > 0 ? model.Tensors[model.Inputs[0]].Shape[0] : 1;
        var declared = new HashSet<int>();
        string Value(int index)
        {
            var t = model.Tensors[index];
            if (t.IsConstant && declared.Add(index))
            {
                if (t.Type == TfLiteTensorType.Float32) g.Initializer(names[index], t.Shape, t.FloatData());
                else g.Initializer(names[index], t.Shape, t.IntData());
            }
            return names[index];
        }

        foreach (var index in model.Inputs)
        {
            var t = model.Tensors[index];
            g.Input(names[index], TensorProto.Types.DataType.Float, DynamicDims(t.Shape, options, "in"));
        }

        var prelus = options.RewritePRelu ? PReluPattern.Find(model).Where(m => model.Tensors[m.Input].Shape.Length == 4).ToList() : [];
        var rewritten = prelus.SelectMany(m => m.Operators).ToHashSet();
        var preluAt = prelus.ToDictionary(m => m.AddOperator);
        foreach (var (op, opIndex) in model.Operators.Select((o, i) => (o, i)))
        {
            var output = names[op.Outputs[0]];
            if (preluAt.TryGetValue(opIndex, out var prelu))
            {
                PReluAsConvolutions(g, Value(prelu.Input), prelu.Slope, output);
                continue;
            }
            if (rewritten.Contains(opIndex)) continue;
            var activationTarget = op.Activation == TfLiteActivation.None ? output : g.Fresh(output + "_preact");
            switch (op.Code)
            {
                case TfLiteOperatorCode.Conv2D:
                case TfLiteOperatorCode.DepthwiseConv2D:
                    ConvNode(g, model, op, Value(op.Inputs[0]), names, activationTarget, output);
                    continue; // activation handled inside (before the transpose back)
                case TfLiteOperatorCode.MaxPool2D:
                {
                    var nchw = g.Fresh(output + "_nchw");
                    g.Node("Transpose", [Value(op.Inputs[0])], nchw, Ints("perm", ToNchw));
                    var pooled = g.Fresh(output + "_pool");
                    g.Node("MaxPool", [nchw], pooled, Ints("kernel_shape", op.FilterH, op.FilterW),
                        Ints("strides", op.StrideH, op.StrideW), AutoPad(op.Padding));
                    g.Node("Transpose", [pooled], activationTarget, Ints("perm", ToNhwc));
                    break;
                }
                case TfLiteOperatorCode.FullyConnected:
                {
                    var weights = model.Tensors[op.Inputs[1]];
                    if (!weights.IsConstant || weights.Shape.Length != 2) throw Unsupported(op, opIndex, "non-constant or non-2-D weights");
                    var flatShape = g.Initializer(g.Fresh(output + "_flat_shape"), [2], (long[])[-1, weights.Shape[1]]);
                    var flat = g.Fresh(output + "_flat");
                    g.Node("Reshape", [Value(op.Inputs[0])], flat).Input.Add(flatShape);
                    var inputs = new List<string> { flat, Value(op.Inputs[1]) };
                    if (op.Inputs.Length > 2 && op.Inputs[2] >= 0) inputs.Add(Value(op.Inputs[2]));
                    g.Node("Gemm", [.. inputs], activationTarget, Int("transB", 1));
                    break;
                }
                case TfLiteOperatorCode.Add:
                case TfLiteOperatorCode.Sub:
                case TfLiteOperatorCode.Mul:
                case TfLiteOperatorCode.Div:
                    g.Node(op.Code.ToString(), [Value(op.Inputs[0]), Value(op.Inputs[1])], activationTarget);
                    break;
                case TfLiteOperatorCode.Relu:
                case TfLiteOperatorCode.Neg:
                case TfLiteOperatorCode.Abs:
                case TfLiteOperatorCode.Exp:
                    g.Node(op.Code.ToString(), [Value(op.Inputs[0])], activationTarget);
                    break;
                case TfLiteOperatorCode.Sum:
                case TfLiteOperatorCode.ReduceMax:
                {
                    var axesTensor = model.Tensors[op.Inputs[1]];
                    if (!axesTensor.IsConstant || axesTensor.Type != TfLiteTensorType.Int32) throw Unsupported(op, opIndex, "non-constant axes");
                    var axes = axesTensor.IntData().Select(a => (long)a).ToArray();
                    var keep = Int("keepdims", op.KeepDims ? 1 : 0);
                    if (op.Code == TfLiteOperatorCode.Sum)
                        g.Node("ReduceSum", [Value(op.Inputs[0]), g.Initializer(g.Fresh(output + "_axes"), [axes.Length], axes)], activationTarget, keep);
                    else
                        g.Node("ReduceMax", [Value(op.Inputs[0])], activationTarget, Ints("axes", axes), keep);
                    break;
                }
                case TfLiteOperatorCode.Reshape:
                {
                    var shape = op.NewShape;
                    if ((shape is null || shape.Length == 0) && op.Inputs.Length > 1 && op.Inputs[1] >= 0 && model.Tensors[op.Inputs[1]].IsConstant)
                        shape = model.Tensors[op.Inputs[1]].IntData();
                    if (shape is null || shape.Length == 0) shape = model.Tensors[op.Outputs[0]].Shape;
                    var target = shape.Select(d => (long)d).ToArray();
                    if (options.DynamicBatch && target.Length > 1 && target[0] == storedBatch && !target.Contains(-1)) target[0] = -1;
                    g.Node("Reshape", [Value(op.Inputs[0]), g.Initializer(g.Fresh(output + "_shape"), [target.Length], target)], activationTarget);
                    break;
                }
                default:
                    throw Unsupported(op, opIndex, "operator not supported");
            }
            Activation(g, op.Activation, activationTarget, output);
        }

        foreach (var index in model.Outputs)
            g.Output(names[index], TensorProto.Types.DataType.Float, DynamicDims(model.Tensors[index].Shape, options, "out"));

        return g.Build($"Converted from TFLite by FaceNetML ({model.Description})", options.Metadata);
    }

    private static void ConvNode(OnnxGraphBuilder g, TfLiteModel model, TfLiteOperator op, string input, string[] names, string _, string output)
    {
        var w = model.Tensors[op.Inputs[1]];
        if (!w.IsConstant || w.Shape.Length != 4) throw new BadInputException($"convolution '{output}' has non-constant or non-4-D weights");
        int o = w.Shape[0], kh = w.Shape[1], kw = w.Shape[2], i = w.Shape[3];
        var src = w.FloatData();
        float[] dst;
        int[] dims;
        int group = 1;
        if (op.Code == TfLiteOperatorCode.Conv2D)
        {
            // OHWI -> OIHW
            dst = new float[src.Length];
            for (int a = 0; a < o; a++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        for (int c = 0; c < i; c++)
                            dst[((a * i + c) * kh + y) * kw + x] = src[((a * kh + y) * kw + x) * i + c];
            dims = [o, i, kh, kw];
        }
        else
        {
            // 1HW(C*M) -> (C*M)1HW, group = C
            if (o != 1) throw new BadInputException($"depthwise convolution '{output}' has weights of batch {o}");
            int outChannels = i;
            dst = new float[src.Length];
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++)
                    for (int c = 0; c < outChannels; c++)
                        dst[(c * kh + y) * kw + x] = src[(y * kw + x) * outChannels + c];
            dims = [outChannels, 1, kh, kw];
            group = outChannels / Math.Max(1, op.DepthMultiplier);
        }
        var weights = g.Initializer(g.Fresh(output + "_w"), dims, dst);
        var inputs = new List<string>();
        var nchw = g.Fresh(output + "_nchw");
        g.Node("Transpose", [input], nchw, Ints("perm", ToNchw));
        inputs.Add(nchw);
        inputs.Add(weights);
        if (op.Inputs.Length > 2 && op.Inputs[2] >= 0)
        {
            var b = model.Tensors[op.Inputs[2]];
            if (!b.IsConstant) throw new BadInputException($"convolution '{output}' has a non-constant bias");
            inputs.Add(g.Initializer(g.Fresh(output + "_b"), b.Shape, b.FloatData()));
        }
        var conv = g.Fresh(output + "_conv");
        g.Node("Conv", [.. inputs], conv, Ints("kernel_shape", kh, kw), Ints("strides", op.StrideH, op.StrideW),
            Ints("dilations", op.DilationH, op.DilationW), Int("group", group), AutoPad(op.Padding));
        var activated = conv;
        if (op.Activation != TfLiteActivation.None)
        {
            activated = g.Fresh(output + "_act");
            Activation(g, op.Activation, conv, activated);
        }
        g.Node("Transpose", [activated], output, Ints("perm", ToNhwc));
    }

    /// <summary>
    /// PReLU as <c>alpha * x + (1 - alpha) * relu(x)</c> with the two products as 1x1 depthwise convolutions:
    /// convolutions and a same-shape Add stay in ONNX Runtime's blocked NCHWc layout, where element-wise ops with a
    /// per-channel constant force a layout reorder before and after each activation.
    /// </summary>
    private static void PReluAsConvolutions(OnnxGraphBuilder g, string input, float[] slope, string output)
    {
        int channels = slope.Length;
        var nchw = g.Fresh(output + "_nchw");
        g.Node("Transpose", [input], nchw, Ints("perm", ToNchw));
        var relu = g.Fresh(output + "_relu");
        g.Node("Relu", [nchw], relu);
        var scaled = g.Fresh(output + "_alpha_x");
        g.Node("Conv", [nchw, g.Initializer(g.Fresh(output + "_alpha"), [channels, 1, 1, 1], slope)], scaled,
            Ints("kernel_shape", 1, 1), Int("group", channels));
        var rest = g.Fresh(output + "_rest");
        g.Node("Conv", [relu, g.Initializer(g.Fresh(output + "_one_minus_alpha"), [channels, 1, 1, 1], slope.Select(a => 1 - a).ToArray())], rest,
            Ints("kernel_shape", 1, 1), Int("group", channels));
        var sum = g.Fresh(output + "_sum");
        g.Node("Add", [scaled, rest], sum);
        g.Node("Transpose", [sum], output, Ints("perm", ToNhwc));
    }

    private static void Activation(OnnxGraphBuilder g, TfLiteActivation activation, string input, string output)
    {
        switch (activation)
        {
            case TfLiteActivation.None:
                return;
            case TfLiteActivation.Relu:
                g.Node("Relu", [input], output);
                return;
            case TfLiteActivation.Relu6:
            case TfLiteActivation.ReluN1To1:
            {
                float lo = activation == TfLiteActivation.Relu6 ? 0 : -1, hi = activation == TfLiteActivation.Relu6 ? 6 : 1;
                var min = g.Initializer(g.Fresh(output + "_min"), [], [lo]);
                var max = g.Initializer(g.Fresh(output + "_max"), [], [hi]);
                g.Node("Clip", [input, min, max], output);
                return;
            }
            default:
                throw new BadInputException($"fused activation {activation} is not supported");
        }
    }

    private static AttributeProto AutoPad(TfLitePadding padding) =>
        OnnxGraphBuilder.String("auto_pad", padding == TfLitePadding.Same ? "SAME_UPPER" : "VALID");

    private static IEnumerable<object> DynamicDims(int[] shape, OnnxConversionOptions options, string prefix)
    {
        for (int d = 0; d < shape.Length; d++)
        {
            if (d == 0 && options.DynamicBatch) yield return "N";
            else if (shape.Length == 4 && (d == 1 || d == 2) && options.DynamicSpatial) yield return $"{prefix}_{(d == 1 ? "h" : "w")}";
            else yield return shape[d];
        }
    }

    private static BadInputException Unsupported(TfLiteOperator op, int index, string why) =>
        new($"cannot convert operator {index} ({op.Code}): {why}");
}
