namespace FaceNetML.Models.TfLite;

/// <summary>Exact parameter and multiply-add counts of a TFLite graph at its stored input shape, per image.</summary>
public static class TfLiteModelCost
{
    public static (long Parameters, long MultiplyAdds) Count(TfLiteModel model)
    {
        long parameters = model.Tensors.Where(t => t.IsConstant && t.Type == TfLiteTensorType.Float32).Sum(t => (long)t.Data!.Length / 4);
        long macs = 0;
        foreach (var op in model.Operators)
        {
            var output = model.Tensors[op.Outputs[0]].Shape;
            var weights = op.Inputs.Length > 1 && op.Inputs[1] >= 0 ? model.Tensors[op.Inputs[1]].Shape : [];
            long perImageOutputs = output.Skip(1).Aggregate(1L, (a, d) => a * d);
            macs += op.Code switch
            {
                // every output element of a conv costs KH*KW*Cin multiply-adds (weights OHWI)
                TfLiteOperatorCode.Conv2D => perImageOutputs * weights[1] * weights[2] * weights[3],
                // depthwise: KH*KW per output element (weights 1HWC)
                TfLiteOperatorCode.DepthwiseConv2D => perImageOutputs * weights[1] * weights[2],
                TfLiteOperatorCode.FullyConnected => (long)weights[0] * weights[1],
                _ => 0,
            };
        }
        return (parameters, macs);
    }
}
