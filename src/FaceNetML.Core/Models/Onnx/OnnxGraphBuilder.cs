using Google.Protobuf;
using Onnx;

namespace FaceNetML.Models.Onnx;

/// <summary>
/// Small helper over ONNX's protobuf classes (from OnnxSharp) for writing graphs from C#: nodes,
/// initializers, inputs and outputs, and a finished <see cref="ModelProto"/>.
/// </summary>
internal sealed class OnnxGraphBuilder(string graphName)
{
    public const int Opset = 13;
    private readonly GraphProto _graph = new() { Name = graphName };
    private readonly HashSet<string> _names = [];
    private int _counter;

    /// <summary>A fresh value name derived from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        string name;
        do name = $"{hint}__{_counter++}"; while (!_names.Add(name));
        return name;
    }

    public void Reserve(string name) => _names.Add(name);

    public string Initializer(string name, int[] dims, ReadOnlySpan<float> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Float, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public string Initializer(string name, int[] dims, ReadOnlySpan<long> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int64, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public string Initializer(string name, int[] dims, ReadOnlySpan<int> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public string Initializer(string name, int[] dims, ReadOnlySpan<sbyte> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Int8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public string Initializer(string name, int[] dims, ReadOnlySpan<byte> values) =>
        AddInitializer(name, dims, TensorProto.Types.DataType.Uint8, values);

    private string AddInitializer(string name, int[] dims, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        _names.Add(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        _graph.Initializer.Add(tensor);
        return name;
    }

    public NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        _names.Add(output);
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node;
    }

    public void Input(string name, TensorProto.Types.DataType type, IEnumerable<object> dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, IEnumerable<object> dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, IEnumerable<object> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string param ? new TensorShapeProto.Types.Dimension { DimParam = param }
                                            : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public ModelProto Build(string docString, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "FaceNetML",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (metadata != null)
            foreach (var (k, v) in metadata)
                model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }
}
