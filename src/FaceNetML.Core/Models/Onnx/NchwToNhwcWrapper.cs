using Google.Protobuf;
using Onnx;
using static FaceNetML.Models.Onnx.OnnxGraphBuilder;

namespace FaceNetML.Models.Onnx;

/// <summary>
/// Rewrites an ONNX embedding model that takes one NCHW image <c>[1,3,S,S]</c> (as PyTorch exports them) into
/// FaceNetML's convention: the graph input becomes NHWC <c>[batch,S,S,3]</c>, followed by a Transpose to NCHW that
/// feeds the original first layer; the batch dimension of the input and output is dynamic, and a final
/// <c>Reshape</c> to <c>[1,-1]</c> (which would merge a batch into one row) becomes <c>Flatten(axis=1)</c>. The
/// weights and every other node are kept byte for byte; the normalisation stays outside the graph (the manifest's
/// mean/scale). Also counts learned parameters and the convolutions' multiply-adds for one image.
/// </summary>
internal static class NchwToNhwcWrapper
{
    /// <summary>Bumped whenever the written graph changes, so stored models are rebuilt.</summary>
    public const int Version = 1;

    public static (byte[] Onnx, long Parameters, long MultiplyAdds) Wrap(byte[] original, string source, IReadOnlyDictionary<string, string> metadata)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(original);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BadInputException($"{source}: not an ONNX model ({e.Message})", e);
        }
        var g = model.Graph ?? throw new BadInputException($"{source}: ONNX model without a graph");
        var initializers = g.Initializer.ToDictionary(t => t.Name);
        var inputs = g.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1 || g.Output.Count != 1)
            throw new BadInputException($"{source}: expected one image input and one output, found {inputs.Count} and {g.Output.Count}");
        var input = inputs[0];
        var dims = input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue).ToArray() ?? [];
        if (input.Type!.TensorType.ElemType != (int)TensorProto.Types.DataType.Float || dims.Length != 4 || dims[1] != 3 || dims[2] != dims[3] || dims[2] <= 0)
            throw new BadInputException($"{source}: input '{input.Name}' is not a float NCHW [n,3,S,S] image");
        int side = (int)dims[2];

        // The original input becomes an internal value fed by the transpose of the new NHWC input of the same name.
        string nchw = input.Name + "_nchw";
        if (g.Node.Any(n => n.Output.Contains(nchw)) || initializers.ContainsKey(nchw))
            throw new BadInputException($"{source}: the graph already has a value named '{nchw}'");
        foreach (var node in g.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input.Name) node.Input[i] = nchw;
        var transpose = new NodeProto { OpType = "Transpose", Name = "nhwc_to_nchw" };
        transpose.Input.Add(input.Name);
        transpose.Output.Add(nchw);
        transpose.Attribute.Add(Ints("perm", 0, 3, 1, 2));
        g.Node.Insert(0, transpose);
        var shape = input.Type.TensorType.Shape;
        shape.Dim.Clear();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in new long[] { side, side, 3 }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });

        // A final Reshape to [1,-1] flattens the whole batch into one row: make it per image.
        var output = g.Output[0];
        var last = g.Node.LastOrDefault(n => n.Output.Contains(output.Name));
        if (last is { OpType: "Reshape" } && initializers.TryGetValue(last.Input[1], out var target) && Int64s(target) is [1, -1] or [1, > 0]
            && g.Node.Count(n => n.Input.Contains(target.Name)) == 1)
        {
            last.OpType = "Flatten";
            last.Input.RemoveAt(1);
            last.Attribute.Clear();
            last.Attribute.Add(Int("axis", 1));
            g.Initializer.Remove(target);
            initializers.Remove(target.Name);
        }
        var outDims = output.Type?.TensorType?.Shape?.Dim;
        if (outDims is null || outDims.Count != 2 || outDims[1].DimValue <= 0)
            throw new BadInputException($"{source}: output '{output.Name}' is not a [n,d] embedding");
        outDims[0] = new TensorShapeProto.Types.Dimension { DimParam = "batch" };
        g.ValueInfo.Clear(); // shapes recorded for batch 1 would contradict a larger batch

        model.MetadataProps.Clear();
        foreach (var (k, v) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        long parameters = initializers.Values.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));
        return (model.ToByteArray(), parameters, ConvMultiplyAdds(g, input.Name, side, initializers));
    }

    /// <summary>Multiply-adds of the Conv nodes for one image, following spatial sizes through Conv and element-wise nodes.</summary>
    private static long ConvMultiplyAdds(GraphProto g, string input, int side, IReadOnlyDictionary<string, TensorProto> initializers)
    {
        var size = new Dictionary<string, (long H, long W)> { [input] = (side, side) };
        long macs = 0;
        foreach (var node in g.Node)
        {
            if (node.Input.Count == 0 || !size.TryGetValue(node.Input[0], out var hw)) continue;
            if (node.OpType == "Conv" && initializers.TryGetValue(node.Input[1], out var w) && w.Dims.Count == 4)
            {
                long[] Attr(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() is { Length: > 0 } v ? v : [fallback, fallback, fallback, fallback];
                var strides = Attr("strides", 1);
                var pads = Attr("pads", 0);
                var dilations = Attr("dilations", 1);
                long oh = (hw.H + pads[0] + pads[2] - dilations[0] * (w.Dims[2] - 1) - 1) / strides[0] + 1;
                long ow = (hw.W + pads[1] + pads[3] - dilations[1] * (w.Dims[3] - 1) - 1) / strides[1] + 1;
                macs += oh * ow * w.Dims.Aggregate(1L, (a, b) => a * b);
                size[node.Output[0]] = (oh, ow);
            }
            else if (node.OpType is "Transpose" && node.Input[0] == input)
                size[node.Output[0]] = hw;
            else if (node.OpType is "PRelu" or "Relu" or "Add" or "BatchNormalization" or "Sigmoid" or "Mul")
                size[node.Output[0]] = hw;
        }
        return macs;
    }

    private static long[] Int64s(TensorProto t) =>
        t.DataType != (int)TensorProto.Types.DataType.Int64 ? []
        : t.Int64Data.Count > 0 ? [.. t.Int64Data]
        : [.. Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span.Slice(i * 8, 8)))];
}
