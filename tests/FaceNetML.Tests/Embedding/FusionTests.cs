using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Embedding;

/// <summary>The fusion handle mobilefacenet+dlib-resnet: one unit embedding per face whose distances combine the two models'.</summary>
[TestClass]
public sealed class FusionTests
{
    [TestMethod]
    public void FusedEmbeddingIsBothModelsWeightedAndItsDistancesCombine()
    {
        using var fused = new FacePipeline(new FacePipelineOptions { Model = FaceModels.Parse("mobilefacenet+dlib-resnet"), Store = TestModels.Store });
        using var mfn = new FacePipeline(new FacePipelineOptions { Model = FaceModels.MobileFaceNet, Store = TestModels.Store });
        using var dlib = new FacePipeline(new FacePipelineOptions { Model = FaceModels.DlibResNet, Store = TestModels.Store });
        Assert.AreEqual(320, fused.EmbeddingSize);
        Assert.AreEqual("mobilefacenet+dlib-resnet", fused.Model.Name);
        var w = fused.Model.Fusion!.Weight;
        Assert.AreEqual(ModelFusion.MobileFaceNetDlib.Weight, w);
        Assert.AreEqual(ModelFusion.MobileFaceNetDlib.Threshold, fused.Threshold);

        float[] Embed(FacePipeline p, string photo) => p.EmbedPrimary(ImageDecoder.Decode(TestData.Photo(photo)))!.Embedding;
        var names = new[] { "obama.jpg", "obama2.jpg", "biden.jpg" };
        var f = names.Select(n => Embed(fused, n)).ToArray();
        var a = names.Select(n => Embed(mfn, n)).ToArray();
        var b = names.Select(n => Embed(dlib, n)).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            Assert.AreEqual(1f, MathF.Sqrt(f[i].Sum(v => v * v)), 1e-4f, "unit length");
            var partA = fused.Encoder.PartOf(f[i], 0);
            var partB = fused.Encoder.PartOf(f[i], 1);
            Assert.IsTrue(partA.Zip(a[i]).All(p => Math.Abs(p.First - p.Second) < 1e-4f), "first part = MobileFaceNet's embedding");
            Assert.IsTrue(partB.Zip(b[i]).All(p => Math.Abs(p.First - p.Second) < 1e-4f), "second part = dlib-resnet's embedding");
        }
        float D(float[] x, float[] y) => EmbeddingDistance.Euclidean(x, y);
        foreach (var (i, j) in new[] { (0, 1), (0, 2), (1, 2) })
        {
            float expected = MathF.Sqrt(w * D(a[i], a[j]) * D(a[i], a[j]) + (1 - w) * D(b[i], b[j]) * D(b[i], b[j]));
            Assert.AreEqual(expected, D(f[i], f[j]), 1e-4f);
        }
        Assert.IsTrue(D(f[0], f[1]) < fused.Threshold, $"Obama's two photos: {D(f[0], f[1])}");
        Assert.IsTrue(D(f[0], f[2]) > fused.Threshold, $"Obama and Biden: {D(f[0], f[2])}");
        Assert.IsTrue(D(b[0], b[1]) < dlib.Threshold && D(b[0], b[2]) > dlib.Threshold, "dlib-resnet alone decides both pairs right");
    }

    [TestMethod]
    public void FusionHandlesAreParsedAndBadOnesRefused()
    {
        Assert.AreEqual("mobilefacenet+dlib-resnet", FaceModels.MobileFaceNetDlibResNet.NameOrPath);
        var custom = FaceModels.Fusion(FaceModels.MobileFaceNet, FaceModels.DlibResNet, 0.5f).Resolve(TestModels.Store);
        Assert.AreEqual(0.5f, custom.Fusion!.Weight);
        Assert.AreEqual(MathF.Sqrt(0.5f * 1.10f * 1.10f + 0.5f * 0.43f * 0.43f), custom.Manifest.DefaultThreshold, 1e-5f);
        Assert.ThrowsExactly<BadInputException>(() => FaceModels.Parse("mobilefacenet+dlib-resnet+x").Resolve(TestModels.Store));
        Assert.ThrowsExactly<BadInputException>(() => FaceModels.Parse("mobilefacenet+").Resolve(TestModels.Store));
        Assert.ThrowsExactly<BadInputException>(() => new FaceNetML.Embedding.FaceEmbedder(custom));
    }

    [TestMethod]
    public void FusionWeightOfAFoldIsLearnedWithoutThatFold()
    {
        // Two "models": the first separates folds 0-3 well, the second separates fold 4 only. Whatever fold 4 holds,
        // the weights learned for folds 0-3 must not change when only fold 4's labels change, and vice versa.
        var rng = new Random(7);
        int n = 500;
        var da = new float[n]; var db = new float[n]; var same = new bool[n]; var folds = new int[n];
        for (int i = 0; i < n; i++)
        {
            folds[i] = i % 5;
            same[i] = i % 2 == 0;
            da[i] = (same[i] ? 0.8f : 1.3f) + (float)rng.NextDouble() * 0.4f;
            db[i] = (same[i] ? 0.3f : 0.5f) + (float)rng.NextDouble() * 0.3f;
        }
        var first = FusionKFold.Evaluate(da, db, same, folds);
        var flipped = (bool[])same.Clone();
        for (int i = 0; i < n; i++) if (folds[i] == 4) flipped[i] = !flipped[i];
        var second = FusionKFold.Evaluate(da, db, flipped, folds);
        Assert.AreEqual(first.FoldWeights[4], second.FoldWeights[4], "fold 4's weight comes from folds 0-3 only");
        Assert.AreEqual(first.Result.FoldThresholds[4], second.Result.FoldThresholds[4]);
        Assert.AreEqual(1 - first.Result.FoldAccuracies[4], second.Result.FoldAccuracies[4], 1e-9, "fold 4 is scored, not learned from");
    }
}
