using FaceNetML.Models.TfLite;

namespace FaceNetML.Models.Onnx;

/// <summary>A decomposed PReLU found in a TFLite graph: the ops it spans, its input and per-channel slope.</summary>
internal sealed record PReluMatch(int AddOperator, HashSet<int> Operators, int Input, float[] Slope);

/// <summary>
/// Finds PReLU activations that TOCO wrote as element-wise ops:
/// <list type="bullet">
/// <item>MTCNN: <c>relu(x) + alpha * (-relu(-x))</c></item>
/// <item>MobileFaceNet: <c>relu(x) + c * (x - |x|)</c> with <c>c = alpha / 2</c></item>
/// </list>
/// Every intermediate tensor must feed only the pattern, and the slope must be a constant.
/// </summary>
internal static class PReluPattern
{
    public static IReadOnlyList<PReluMatch> Find(TfLiteModel model)
    {
        var producer = new Dictionary<int, int>();
        var consumers = new Dictionary<int, int>();
        for (int i = 0; i < model.Operators.Count; i++)
        {
            foreach (var o in model.Operators[i].Outputs) producer[o] = i;
            foreach (var t in model.Operators[i].Inputs.Where(t => t >= 0)) consumers[t] = consumers.GetValueOrDefault(t) + 1;
        }
        foreach (var o in model.Outputs) consumers[o] = consumers.GetValueOrDefault(o) + 1;

        TfLiteOperator? Producer(int tensor, TfLiteOperatorCode code, HashSet<int> used)
        {
            if (!producer.TryGetValue(tensor, out var index)) return null;
            var op = model.Operators[index];
            if (op.Code != code || op.Activation != TfLiteActivation.None || consumers.GetValueOrDefault(tensor) != 1) return null;
            used.Add(index);
            return op;
        }

        var matches = new List<PReluMatch>();
        for (int addIndex = 0; addIndex < model.Operators.Count; addIndex++)
        {
            var add = model.Operators[addIndex];
            if (add.Code != TfLiteOperatorCode.Add || add.Activation != TfLiteActivation.None) continue;
            foreach (var (reluSide, mulSide) in new[] { (add.Inputs[0], add.Inputs[1]), (add.Inputs[1], add.Inputs[0]) })
            {
                var used = new HashSet<int> { addIndex };
                if (Producer(reluSide, TfLiteOperatorCode.Relu, used) is not { } relu) continue;
                int x = relu.Inputs[0];
                if (Producer(mulSide, TfLiteOperatorCode.Mul, used) is not { } mul) continue;
                var (constant, other) = model.Tensors[mul.Inputs[0]].IsConstant ? (mul.Inputs[0], mul.Inputs[1]) : (mul.Inputs[1], mul.Inputs[0]);
                var c = model.Tensors[constant];
                if (!c.IsConstant || c.Type != TfLiteTensorType.Float32 || model.Tensors[other].IsConstant) continue;
                float factor;
                if (Producer(other, TfLiteOperatorCode.Neg, used) is { } neg
                    && Producer(neg.Inputs[0], TfLiteOperatorCode.Relu, used) is { } innerRelu
                    && Producer(innerRelu.Inputs[0], TfLiteOperatorCode.Neg, used) is { } innerNeg
                    && innerNeg.Inputs[0] == x)
                {
                    factor = 1f; // alpha * (-relu(-x)) = alpha * min(x, 0)
                }
                else if (Producer(other, TfLiteOperatorCode.Sub, used) is { } sub && sub.Inputs[0] == x
                         && Producer(sub.Inputs[1], TfLiteOperatorCode.Abs, used) is { } abs && abs.Inputs[0] == x)
                {
                    factor = 2f; // c * (x - |x|) = 2c * min(x, 0)
                }
                else
                {
                    continue;
                }
                matches.Add(new PReluMatch(addIndex, used, x, c.FloatData().Select(v => v * factor).ToArray()));
                break;
            }
        }
        return matches;
    }
}
