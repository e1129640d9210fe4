namespace FaceNetML.Models.TfLite;

/// <summary>The TFLite builtin operators FaceNetML can import (values from TFLite's schema.fbs).</summary>
public enum TfLiteOperatorCode
{
    Add = 0,
    Conv2D = 3,
    DepthwiseConv2D = 4,
    FullyConnected = 9,
    MaxPool2D = 17,
    Mul = 18,
    Relu = 19,
    Reshape = 22,
    Sub = 41,
    Div = 42,
    Exp = 47,
    Neg = 59,
    Sum = 74,
    ReduceMax = 82,
    Abs = 101,
}

/// <summary>TFLite's fused activation functions (ActivationFunctionType).</summary>
public enum TfLiteActivation : byte { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 }

/// <summary>TFLite's padding modes.</summary>
public enum TfLitePadding : byte { Same = 0, Valid = 1 }
