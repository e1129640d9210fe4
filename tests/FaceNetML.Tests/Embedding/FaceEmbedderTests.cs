using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Embedding;
using FaceNetML.Imaging;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Embedding;

[TestClass]
public sealed class FaceEmbedderTests
{
    private static RgbImage AlignedObama(FaceEmbedder embedder)
    {
        var image = ImageDecoder.Decode(TestData.Photo("obama.jpg"));
        using var detector = MtcnnDetector.CreateDefault(store: TestModels.Store);
        var face = FaceSelection.Largest(detector.Detect(image))!;
        return new FaceAligner(embedder.Template).Align(image, face);
    }

    [TestMethod]
    public void EmbeddingsAreUnitLengthAndOfTheManifestSize()
    {
        using var embedder = new FaceEmbedder(TestModels.Get("mobilefacenet"));
        var e = embedder.Embed(AlignedObama(embedder));
        Assert.AreEqual(192, e.Length);
        Assert.AreEqual(1f, EmbeddingDistance.Norm(e), 1e-4f);
    }

    [TestMethod]
    public void BatchGivesTheSameVectorsAsSingleRuns()
    {
        using var embedder = new FaceEmbedder(TestModels.Get("mobilefacenet"));
        var face = AlignedObama(embedder);
        var flipped = AffineWarp.Warp(face, new System.Numerics.Matrix3x2(-1, 0, 0, 1, face.Width - 1, 0), face.Width, face.Height);
        var batch = embedder.EmbedBatch([face, flipped, face]);
        Assert.AreEqual(3, batch.Length);
        Assert.AreEqual(0f, EmbeddingDistance.Euclidean(batch[0], embedder.Embed(face)), 1e-4f);
        Assert.AreEqual(0f, EmbeddingDistance.Euclidean(batch[1], embedder.Embed(flipped)), 1e-4f);
        Assert.AreEqual(0f, EmbeddingDistance.Euclidean(batch[0], batch[2]), 1e-5f);
        Assert.IsTrue(EmbeddingDistance.Euclidean(batch[0], batch[1]) < 0.8f, "a mirrored face stays close");
    }

    /// <summary>Many runs with several ONNX Runtime threads and garbage collections in between stay stable
    /// (a per-call RunOptions was once finalised mid-run and crashed the process in Release builds).</summary>
    [TestMethod]
    public void RepeatedMultiThreadedRunsAreStable()
    {
        using var embedder = new FaceEmbedder(TestModels.Get("mobilefacenet"), intraOpThreads: 2);
        var face = AlignedObama(embedder);
        var first = embedder.Embed(face);
        for (int i = 0; i < 150; i++)
        {
            if (i % 10 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); }
            Assert.AreEqual(0f, EmbeddingDistance.Euclidean(first, embedder.Embed(face)), 1e-5f);
        }
    }

    [TestMethod]
    public void WrongCropSizeIsRejected()
    {
        using var embedder = new FaceEmbedder(TestModels.Get("mobilefacenet"));
        Assert.ThrowsExactly<ArgumentException>(() => embedder.Embed(new RgbImage(100, 100)));
    }

    [TestMethod]
    public void ADetectorModelIsNotAnEmbedder()
    {
        var error = Assert.ThrowsExactly<BadInputException>(() => new FaceEmbedder(TestModels.Get("mtcnn-rnet")));
        StringAssert.Contains(error.Message, "not an embedding model");
    }
}
