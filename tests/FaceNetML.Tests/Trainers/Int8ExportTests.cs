using FaceNetML.Embedding;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.FastFaceNet.Initialisation;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Trainers;

/// <summary>int8 (QDQ) export: real activations (the face-detector backbone at θ = 1) on real aligned crops.</summary>
[TestClass]
public sealed class Int8ExportTests
{
    [TestMethod]
    public void Int8_model_embeds_like_the_float_model_at_a_quarter_of_the_size()
    {
        FaceNetML.Trainers.Native.TorchRuntime.Initialize(1);
        using var net = new FastFaceNetNetwork(1.0, embeddingSize: 128, seed: 2);
        using (var calibration = BackboneFixture.Batch(24)) FaceDetectorBackbone.Apply(net, BackboneFixture.Weights, calibration);
        float[] ranges;
        using (var calibration = BackboneFixture.Batch(24)) ranges = ActivationRanges.Measure(net, calibration);
        Assert.IsTrue(ranges.All(r => r > 1e-3f), "every layer is active on faces");
        var dir = TestData.TempDir("int8");
        try
        {
            var fp32 = FastFaceNetExporter.Save(net, 64, Path.Combine(dir, "fp32"), 1f);
            var int8 = FastFaceNetExporter.Save(net, 64, Path.Combine(dir, "int8"), 1f, int8Ranges: ranges);
            StringAssert.EndsWith(int8.Manifest.Name, "-int8");
            Assert.IsLessThan(new FileInfo(fp32.OnnxPath).Length * 0.35, new FileInfo(int8.OnnxPath).Length);
            using var a = new FaceEmbedder(fp32);
            using var b = new FaceEmbedder(int8);
            // Crops 24..47 were not used for calibration.
            var crops = Enumerable.Range(24, 24).Select(BackboneFixture.Crops.Crop).ToList();
            var ea = a.EmbedBatch(crops);
            var eb = b.EmbedBatch(crops);
            var cosines = ea.Zip(eb, (x, y) => EmbeddingDistance.CosineSimilarity(x, y)).ToArray();
            Console.WriteLine($"cosine int8 vs float: mean {cosines.Average():F4}, min {cosines.Min():F4}");
            Assert.IsGreaterThan(0.98, cosines.Average());
            Assert.IsGreaterThan(0.95, cosines.Min());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
