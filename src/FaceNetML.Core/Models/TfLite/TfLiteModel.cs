namespace FaceNetML.Models.TfLite;

/// <summary>A tensor of a TFLite graph: shape (NHWC), element type, and constant data when it is a weight.</summary>
public sealed record TfLiteTensor(int Index, string Name, int[] Shape, TfLiteTensorType Type, byte[]? Data)
{
    public bool IsConstant => Data is { Length: > 0 };

    public float[] FloatData()
    {
        if (Type != TfLiteTensorType.Float32 || Data is null) throw new InvalidOperationException($"{Name} is not a float32 constant");
        var values = new float[Data.Length / 4];
        Buffer.BlockCopy(Data, 0, values, 0, values.Length * 4);
        return values;
    }

    public int[] IntData()
    {
        if (Type != TfLiteTensorType.Int32 || Data is null) throw new InvalidOperationException($"{Name} is not an int32 constant");
        var values = new int[Data.Length / 4];
        Buffer.BlockCopy(Data, 0, values, 0, values.Length * 4);
        return values;
    }
}

/// <summary>TFLite tensor element types this importer understands.</summary>
public enum TfLiteTensorType : byte { Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4 }

/// <summary>One operator with the options FaceNetML's converter needs.</summary>
public sealed record TfLiteOperator(
    TfLiteOperatorCode Code,
    int[] Inputs,
    int[] Outputs,
    TfLitePadding Padding = TfLitePadding.Same,
    int StrideW = 1,
    int StrideH = 1,
    int FilterW = 0,
    int FilterH = 0,
    int DilationW = 1,
    int DilationH = 1,
    int DepthMultiplier = 1,
    TfLiteActivation Activation = TfLiteActivation.None,
    bool KeepDims = false,
    int[]? NewShape = null);

/// <summary>A parsed single-subgraph TFLite model.</summary>
public sealed record TfLiteModel(
    uint Version,
    string? Description,
    IReadOnlyList<TfLiteTensor> Tensors,
    IReadOnlyList<TfLiteOperator> Operators,
    int[] Inputs,
    int[] Outputs);
