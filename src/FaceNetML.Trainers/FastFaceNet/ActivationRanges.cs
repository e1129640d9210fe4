using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>
/// Calibration for int8 export: the range of each convolution's ReLU output on sample input, in eval mode
/// (BatchNorm from running statistics, as exported). The range is the mean over the sample of each image's
/// largest activation, which ignores rare outliers better than the overall maximum.
/// </summary>
public static class ActivationRanges
{
    /// <param name="calibration">NCHW input normalised like training input (a few dozen aligned crops suffice).</param>
    /// <returns>One upper bound per layer of <see cref="FastFaceNetNetwork.Layers"/> (lower bound 0: ReLU).</returns>
    public static float[] Measure(FastFaceNetNetwork network, Tensor calibration)
    {
        bool wasTraining = network.training;
        network.eval();
        var ranges = new float[network.Layers.Count];
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = calibration;
            for (int i = 0; i < ranges.Length; i++)
            {
                x = nn.functional.relu(network.Norms[i].call(network.Convolutions[i].call(x)));
                ranges[i] = Math.Max(1e-6f, x.flatten(1).amax(1).mean().item<float>());
            }
        }
        if (wasTraining) network.train();
        return ranges;
    }
}
