using FaceNetML.Embedding;
using FaceNetML.Models;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.Native;
using TorchSharp;

namespace FaceNetML.Tests.Trainers;

[TestClass]
public sealed class FastFaceNetModelTests
{
    [TestMethod]
    [DataRow(0.25, 0.5, 41)]
    [DataRow(0.5, 1.3, 149)]
    [DataRow(0.75, 2.6, 325)]
    [DataRow(1.0, 4.2, 569)]
    public void Counter_matches_published_MobileNet_v1_at_224_with_a_1000_class_head(double width, double mparams, int mmacs)
    {
        var c = FastFaceNetComplexity.Count(width, 224, 1000);
        Assert.AreEqual(mparams, Math.Round(c.MegaParameters, 1), $"params {c.Parameters}");
        Assert.AreEqual(mmacs, (int)Math.Round(c.MegaMultiplyAdds), $"MACs {c.MultiplyAdds}");
    }

    [TestMethod]
    public void Counter_agrees_with_the_TorchSharp_module_and_the_layer_table()
    {
        TorchRuntime.Initialize(1);
        foreach (var width in new[] { 0.25, 0.75 })
        {
            using var net = new FastFaceNetNetwork(width, 128);
            Assert.AreEqual(FastFaceNetComplexity.Count(width, 112, 128).Parameters, net.CountParameters());
            Assert.HasCount(27, net.Layers);
            Assert.AreEqual((int)(1024 * width), FastFaceNetArchitecture.FeatureChannels(width));
        }
        // Spatial sizes: 224 -> 7 before pooling, 112 -> 4, 64 -> 2.
        int Final(int s) { foreach (var l in FastFaceNetArchitecture.Layers(1)) s = l.OutputSize(s); return s; }
        Assert.AreEqual(7, Final(224));
        Assert.AreEqual(4, Final(112));
        Assert.AreEqual(2, Final(64));
    }

    [TestMethod]
    public void Onnx_export_with_folded_BatchNorm_agrees_with_TorchSharp_eval_mode()
    {
        TorchRuntime.Initialize(1);
        const int size = 64, n = 3;
        using var net = new FastFaceNetNetwork(0.25, 32, seed: 7);
        // Non-trivial BatchNorm statistics and affine parameters.
        net.train();
        using (torch.no_grad())
        {
            for (int i = 0; i < 3; i++) net.call(torch.randn(8, 3, size, size) * 2 + 0.5f).Dispose();
            foreach (var p in net.parameters()) p.add_(torch.randn_like(p) * 0.05f);
        }
        net.eval();
        var rng = new Random(3);
        var nhwc = Enumerable.Range(0, n * size * size * 3).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
        float[] expected;
        using (torch.no_grad())
            expected = net.call(torch.tensor(nhwc, [n, size, size, 3]).permute(0, 3, 1, 2).contiguous()).data<float>().ToArray();

        var dir = TestData.TempDir("fastfacenet-export");
        var model = FastFaceNetExporter.Save(net, size, Path.Combine(dir, "model.onnx"), threshold: 1.1f);
        Assert.AreEqual(size, model.Manifest.InputSize);
        Assert.AreEqual(32, model.Manifest.EmbeddingSize);
        Assert.AreEqual(FastFaceNetComplexity.Count(0.25, size, 32, foldedBias: true).Parameters, model.Manifest.Parameters);
        var viaHandle = FaceModels.FromFile(dir).Resolve();
        using var embedder = new FaceEmbedder(viaHandle);
        var actual = embedder.Run(nhwc, n);
        double maxDiff = 0;
        for (int i = 0; i < n; i++)
            for (int d = 0; d < 32; d++)
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[i][d] - expected[i * 32 + d]));
        Assert.IsLessThanOrEqualTo(1e-4, maxDiff, $"max |onnx - torch| = {maxDiff}");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void Semi_hard_selection_keeps_only_negatives_farther_than_the_positive_within_the_margin()
    {
        // Labels 0,0,1,1,1. Row 0: d(0,1)=0.5; negatives 2: 0.4 (hard), 3: 0.6 (semi-hard), 4: 0.8 (easy).
        int[] labels = [0, 0, 1, 1, 1];
        var d = new float[25];
        void Set(int a, int b, float v) { d[a * 5 + b] = v; d[b * 5 + a] = v; }
        Set(0, 1, 0.5f); Set(0, 2, 0.4f); Set(0, 3, 0.6f); Set(0, 4, 0.8f);
        Set(1, 2, 2f); Set(1, 3, 2f); Set(1, 4, 2f);
        Set(2, 3, 1f); Set(2, 4, 1f); Set(3, 4, 1f);
        var (triplets, pairs) = TripletMining.SelectSemiHard(d, labels, 0.2f, new Random(1));
        Assert.AreEqual(2 + 6, pairs);
        Assert.Contains(new Triplet(0, 1, 3), triplets);
        Assert.IsFalse(triplets.Any(t => t.Anchor == 0 && t.Negative != 3));
        Assert.IsFalse(triplets.Any(t => t.Anchor == 1), "anchor 1's negatives are all easy");
        foreach (var t in triplets)
        {
            float dap = d[t.Anchor * 5 + t.Positive], dan = d[t.Anchor * 5 + t.Negative];
            Assert.IsTrue(dan > dap && dan < dap + 0.2f);
        }
    }

    [TestMethod]
    public void PK_batches_hold_P_identities_with_K_images_each_deterministically()
    {
        int[][] byId = [[0, 1, 2], [3, 4], [5], [6, 7, 8, 9]];
        var a = TripletMining.SampleBatch(byId, 2, 4, new Random(5));
        var b = TripletMining.SampleBatch(byId, 2, 4, new Random(5));
        CollectionAssert.AreEqual(a, b);
        Assert.HasCount(8, a);
        Assert.IsFalse(a.Contains(5), "identity with one image is never sampled");
        var owners = a.Select(i => Array.FindIndex(byId, l => l.Contains(i))).ToArray();
        Assert.AreEqual(2, owners.Distinct().Count());
        Assert.IsTrue(owners.Take(4).All(o => o == owners[0]) && owners.Skip(4).All(o => o == owners[4]));
    }
}
