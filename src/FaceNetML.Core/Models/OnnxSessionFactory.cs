using Microsoft.ML.OnnxRuntime;

namespace FaceNetML.Models;

/// <summary>The one place ONNX Runtime sessions get their options (threads, optimisation level).</summary>
public static class OnnxSessionFactory
{
    /// <summary>
    /// Session options with <paramref name="intraOpThreads"/> threads per operator (0 = ONNX Runtime's
    /// default, all cores) and full graph optimisation, which also removes the converter's transpose pairs.
    /// </summary>
    public static SessionOptions Options(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
        };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        // Subnormal activations (PyTorch exports carry them) make x86 arithmetic many times slower; flushing them to
        // zero changes no output beyond 1e-30.
        options.AddSessionConfigEntry("session.set_denormal_as_zero", "1");
        return options;
    }

    public static InferenceSession Create(string onnxPath, int intraOpThreads)
    {
        using var options = Options(intraOpThreads);
        return new InferenceSession(onnxPath, options);
    }

    public static InferenceSession Create(byte[] onnx, int intraOpThreads)
    {
        using var options = Options(intraOpThreads);
        return new InferenceSession(onnx, options);
    }
}
