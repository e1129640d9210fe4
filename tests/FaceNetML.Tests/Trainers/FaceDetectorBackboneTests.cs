using FaceNetML.Models.TfJs;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.FastFaceNet.Initialisation;
using static TorchSharp.torch;

namespace FaceNetML.Tests.Trainers;

/// <summary>The face detector's MobileNet-v1 (face-api, fetched with npm) as Fast-FaceNet's starting weights at θ = 1.</summary>
[TestClass]
public sealed class FaceDetectorBackboneTests
{
    private static FaceCropSet Crops => BackboneFixture.Crops;
    private static IReadOnlyDictionary<string, TfjsTensor> Weights => BackboneFixture.Weights;
    private static Tensor Batch(int n) => BackboneFixture.Batch(n);

    [TestMethod]
    public void Kernels_are_copied_in_our_layout_and_each_layer_reproduces_the_detector_on_the_calibration_batch()
    {
        FaceNetML.Trainers.Native.TorchRuntime.Initialize(1);
        using var net = new FastFaceNetNetwork(1.0);
        using var x = Batch(16);
        FaceDetectorBackbone.Apply(net, Weights, x);
        // Depthwise block 1 (our layer 1): TF [3, 3, 32, 1] -> ours [32, 1, 3, 3].
        var tf = Weights["MobilenetV1/Conv2d_1_depthwise/depthwise_weights"].Values;
        var ours = net.Convolutions[1].weight!.data<float>().ToArray();
        for (int c = 0; c < 32; c += 7)
            for (int k = 0; k < 9; k++)
                Assert.AreEqual(tf[k * 32 + c], ours[c * 9 + k], 1e-6f, $"channel {c} tap {k}");
        // Layer 0 in training mode (batch statistics) equals the detector's conv + folded-BN offset.
        var offset = tensor(Weights["MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset"].Values).view(1, -1, 1, 1);
        net.train();
        using (no_grad())
        {
            var conv = net.Convolutions[0].call(x);
            var expected = conv + offset;
            var actual = net.Norms[0].call(conv);
            Assert.IsLessThan(1e-3, (actual - expected).abs().max().item<float>());
        }
    }

    [TestMethod]
    public void Only_width_one_is_accepted()
    {
        using var net = new FastFaceNetNetwork(0.5);
        using var x = zeros(2, 3, 64, 64);
        Assert.ThrowsExactly<ArgumentException>(() => FaceDetectorBackbone.Apply(net, Weights, x));
    }

    /// <summary>
    /// Mean same-identity over mean different-identity embedding distance of all crops, normalised with the
    /// batch's own statistics (training-mode BatchNorm), so an untrained network is not starved by BN defaults.
    /// </summary>
    private static double SameOverDifferent(FastFaceNetNetwork net)
    {
        float[][] e;
        net.train();
        using (no_grad())
        using (var x = Batch(Crops.Count))
        {
            var flat = net.call(x).data<float>().ToArray();
            int dim = flat.Length / Crops.Count;
            e = Enumerable.Range(0, Crops.Count).Select(i => flat.AsSpan(i * dim, dim).ToArray()).ToArray();
        }
        double same = 0, diff = 0; int ns = 0, nd = 0;
        for (int i = 0; i < e.Length; i++)
            for (int j = i + 1; j < e.Length; j++)
            {
                var d = FaceNetML.Verification.EmbeddingDistance.Euclidean(e[i], e[j]);
                if (Crops.Labels[i] == Crops.Labels[j]) { same += d; ns++; } else { diff += d; nd++; }
            }
        return same / ns / (diff / nd);
    }

    [TestMethod]
    public void Detector_features_already_separate_identities_better_than_random_weights()
    {
        // Same random embedding head (seed) on both; only the backbone differs. No training.
        FaceNetML.Trainers.Native.TorchRuntime.Initialize(1);
        using var random = new FastFaceNetNetwork(1.0, 128, seed: 9);
        using var detector = new FastFaceNetNetwork(1.0, 128, seed: 9);
        using (var x = Batch(Crops.Count)) FaceDetectorBackbone.Apply(detector, Weights, x);
        double r = SameOverDifferent(random), d = SameOverDifferent(detector);
        Console.WriteLine($"same/different distance ratio: random {r:F3}, detector {d:F3}");
        Assert.IsLessThan(r, d);
    }
}
