namespace FaceNetML.Models.TfLite;

/// <summary>
/// Reads a .tflite file (FlatBuffers, schema version 3) into a <see cref="TfLiteModel"/>. Only what the
/// FaceNetML converter needs is parsed; every unsupported feature is reported with a one-line error.
/// </summary>
public static class TfLiteReader
{
    // Field indices from TFLite's schema.fbs.
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4;
    private const int CodeDeprecatedBuiltin = 0, CodeCustom = 1, CodeBuiltin = 3;
    private const int GraphTensors = 0, GraphInputs = 1, GraphOutputs = 2, GraphOperators = 3;
    private const int TensorShape = 0, TensorType = 1, TensorBuffer = 2, TensorName = 3, TensorQuantization = 4;
    private const int OpCodeIndex = 0, OpInputs = 1, OpOutputs = 2, OpOptions = 4;
    private const int BufferData = 0;

    public static TfLiteModel Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read model file ({e.Message})", e);
        }
        return Read(bytes, Path.GetFileName(path));
    }

    public static TfLiteModel Read(byte[] bytes, string sourceName = "model.tflite")
    {
        var reader = new FlatBufferReader(bytes, sourceName);
        try
        {
            return Parse(reader);
        }
        catch (OverflowException e)
        {
            throw reader.Bad("offset arithmetic overflowed: " + e.Message);
        }
    }

    private static TfLiteModel Parse(FlatBufferReader reader)
    {
        if (reader.FileIdentifier != "TFL3") throw reader.Bad($"file identifier is '{Printable(reader.FileIdentifier)}', expected 'TFL3'");
        var model = reader.Root();
        uint version = model.UInt(ModelVersion);
        if (version != 3) throw reader.Bad($"schema version {version}, expected 3");

        var codes = model.Tables(ModelOperatorCodes).Select(c =>
        {
            int code = Math.Max(c.Byte(CodeDeprecatedBuiltin), c.Int(CodeBuiltin));
            if (code == 32) throw reader.Bad($"custom operator '{c.String(CodeCustom)}' is not supported");
            return code;
        }).ToArray();

        var subgraphs = model.Tables(ModelSubgraphs);
        if (subgraphs.Length != 1) throw reader.Bad($"{subgraphs.Length} subgraphs, expected exactly 1");
        var graph = subgraphs[0];
        var buffers = model.Tables(ModelBuffers);

        var tensors = graph.Tables(GraphTensors).Select((t, i) =>
        {
            var type = (TfLiteTensorType)t.Byte(TensorType);
            if (type is not (TfLiteTensorType.Float32 or TfLiteTensorType.Int32))
                throw reader.Bad($"tensor {i} has element type {type}; only float32 and int32 models are supported");
            if (t.Table(TensorQuantization) is { } q && (q.Has(2) || q.Has(3)))
                throw reader.Bad($"tensor {i} is quantised; only float models are supported");
            uint bufferIndex = t.UInt(TensorBuffer);
            if (bufferIndex >= buffers.Length) throw reader.Bad($"tensor {i} refers to buffer {bufferIndex} of {buffers.Length}");
            var data = buffers[bufferIndex].ByteVector(BufferData);
            var shape = t.Ints(TensorShape);
            if (shape.Any(d => d < 0)) throw reader.Bad($"tensor {i} has a negative dimension");
            if (data.Length > 0)
            {
                long expected = 4;
                foreach (var d in shape) expected = checked(expected * d);
                if (expected != data.Length)
                    throw reader.Bad($"tensor {i} has {data.Length} bytes of data for shape [{string.Join(",", shape)}]");
            }
            return new TfLiteTensor(i, t.String(TensorName) ?? $"tensor_{i}", shape, type, data.Length > 0 ? data.ToArray() : null);
        }).ToArray();

        int[] CheckedTensorList(int[] list, string what)
        {
            foreach (var index in list)
                if (index < -1 || index >= tensors.Length) throw reader.Bad($"{what} refers to tensor {index} of {tensors.Length}");
            return list;
        }

        var ops = graph.Tables(GraphOperators).Select((op, i) =>
        {
            uint codeIndex = op.UInt(OpCodeIndex);
            if (codeIndex >= codes.Length) throw reader.Bad($"operator {i} uses operator code {codeIndex} of {codes.Length}");
            int code = codes[codeIndex];
            if (!Enum.IsDefined(typeof(TfLiteOperatorCode), code)) throw reader.Bad($"operator {i} has unsupported builtin code {code}");
            var inputs = CheckedTensorList(op.Ints(OpInputs), $"operator {i}");
            var outputs = CheckedTensorList(op.Ints(OpOutputs), $"operator {i}");
            return ParseOptions((TfLiteOperatorCode)code, inputs, outputs, op.Table(OpOptions), reader, i);
        }).ToArray();

        return new TfLiteModel(version, model.String(ModelDescription), tensors, ops,
            CheckedTensorList(graph.Ints(GraphInputs), "graph inputs"), CheckedTensorList(graph.Ints(GraphOutputs), "graph outputs"));
    }

    private static TfLiteOperator ParseOptions(TfLiteOperatorCode code, int[] inputs, int[] outputs, FlatTable? options, FlatBufferReader reader, int index)
    {
        var op = new TfLiteOperator(code, inputs, outputs);
        int expectedInputs = code switch
        {
            TfLiteOperatorCode.Conv2D or TfLiteOperatorCode.DepthwiseConv2D or TfLiteOperatorCode.FullyConnected => 3,
            TfLiteOperatorCode.Add or TfLiteOperatorCode.Sub or TfLiteOperatorCode.Mul or TfLiteOperatorCode.Div
                or TfLiteOperatorCode.Sum or TfLiteOperatorCode.ReduceMax => 2,
            TfLiteOperatorCode.Reshape => 1,
            _ => 1,
        };
        if (inputs.Length < expectedInputs || outputs.Length != 1)
            throw reader.Bad($"operator {index} ({code}) has {inputs.Length} inputs and {outputs.Length} outputs");
        if (options is not { } o) return op;
        TfLitePadding Pad(int field) => o.Byte(field) switch
        {
            0 => TfLitePadding.Same,
            1 => TfLitePadding.Valid,
            var p => throw reader.Bad($"operator {index} has unknown padding {p}"),
        };
        TfLiteActivation Act(int field) => o.Byte(field) switch
        {
            var a and <= 3 => (TfLiteActivation)a,
            var a => throw reader.Bad($"operator {index} has unsupported fused activation {a}"),
        };
        return code switch
        {
            // Conv2DOptions: padding, stride_w, stride_h, fused_activation_function, dilation_w, dilation_h
            TfLiteOperatorCode.Conv2D => op with
            {
                Padding = Pad(0), StrideW = o.Int(1), StrideH = o.Int(2), Activation = Act(3),
                DilationW = o.Int(4, 1), DilationH = o.Int(5, 1),
            },
            // DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier, fused_activation_function, dilation_w, dilation_h
            TfLiteOperatorCode.DepthwiseConv2D => op with
            {
                Padding = Pad(0), StrideW = o.Int(1), StrideH = o.Int(2), DepthMultiplier = o.Int(3, 1), Activation = Act(4),
                DilationW = o.Int(5, 1), DilationH = o.Int(6, 1),
            },
            // Pool2DOptions: padding, stride_w, stride_h, filter_width, filter_height, fused_activation_function
            TfLiteOperatorCode.MaxPool2D => op with
            {
                Padding = Pad(0), StrideW = o.Int(1), StrideH = o.Int(2), FilterW = o.Int(3), FilterH = o.Int(4), Activation = Act(5),
            },
            // FullyConnectedOptions: fused_activation_function, weights_format, keep_num_dims
            TfLiteOperatorCode.FullyConnected => o.Byte(1) != 0
                ? throw reader.Bad($"operator {index} uses a shuffled fully-connected weight format")
                : op with { Activation = Act(0), KeepDims = o.Byte(2) != 0 },
            // Add/Sub/Mul/Div options: fused_activation_function first
            TfLiteOperatorCode.Add or TfLiteOperatorCode.Sub or TfLiteOperatorCode.Mul or TfLiteOperatorCode.Div => op with { Activation = Act(0) },
            // ReducerOptions: keep_dims
            TfLiteOperatorCode.Sum or TfLiteOperatorCode.ReduceMax => op with { KeepDims = o.Byte(0) != 0 },
            // ReshapeOptions: new_shape
            TfLiteOperatorCode.Reshape => op with { NewShape = o.Has(0) ? o.Ints(0) : null },
            _ => op,
        };
    }

    private static string Printable(string s) => new(s.Select(c => char.IsControl(c) || c > 126 ? '?' : c).ToArray());
}
