using FaceNetML.Verification;

namespace FaceNetML.Tests.Verification;

[TestClass]
public sealed class EmbeddingDistanceTests
{
    [TestMethod]
    public void Euclidean_KnownValue()
    {
        Assert.AreEqual(5f, EmbeddingDistance.Euclidean([0f, 0f], [3f, 4f]));
        Assert.AreEqual(25f, EmbeddingDistance.SquaredEuclidean([1f, 1f], [4f, 5f]));
        Assert.AreEqual(0f, EmbeddingDistance.Euclidean([], []));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(128)]
    [DataRow(192)]
    [DataRow(515)]
    public void MatchesDoublePrecisionReference(int length)
    {
        var rng = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        double dist = 0, dot = 0, na = 0, nb = 0;
        for (var i = 0; i < length; i++)
        {
            dist += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        Assert.AreEqual(Math.Sqrt(dist), EmbeddingDistance.Euclidean(a, b), 1e-4 * Math.Sqrt(dist) + 1e-6);
        Assert.AreEqual(dot / Math.Sqrt(na * nb), EmbeddingDistance.CosineSimilarity(a, b), 1e-5);
        Assert.AreEqual(Math.Sqrt(na), EmbeddingDistance.Norm(a), 1e-4 * Math.Sqrt(na));
    }

    [TestMethod]
    public void L2Normalize_UnitLengthAndDistanceCosineRelation()
    {
        var rng = new Random(17);
        var a = Enumerable.Range(0, 192).Select(_ => (float)rng.NextDouble() * 10 - 5).ToArray();
        var b = Enumerable.Range(0, 192).Select(_ => (float)rng.NextDouble() * 10 - 5).ToArray();
        var normA = EmbeddingDistance.Norm(a);
        var cosBefore = EmbeddingDistance.CosineSimilarity(a, b);

        Assert.AreEqual(normA, EmbeddingDistance.L2Normalize(a), 1e-3f);
        EmbeddingDistance.L2Normalize(b);

        Assert.AreEqual(1f, EmbeddingDistance.Norm(a), 1e-5f);
        Assert.AreEqual(cosBefore, EmbeddingDistance.CosineSimilarity(a, b), 1e-5f);
        var d = EmbeddingDistance.Euclidean(a, b);
        Assert.AreEqual(2 - 2 * cosBefore, d * d, 1e-4f);
        Assert.IsTrue(d is >= 0 and <= 2);
    }

    [TestMethod]
    public void ZeroVector_StaysZero_CosineZero()
    {
        float[] z = [0f, 0f, 0f];
        Assert.AreEqual(0f, EmbeddingDistance.L2Normalize(z));
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f }, z);
        Assert.AreEqual(0f, EmbeddingDistance.CosineSimilarity(z, [1f, 2f, 3f]));
    }

    [TestMethod]
    public void IdenticalAndOpposite()
    {
        float[] a = [0.6f, 0.8f];
        Assert.AreEqual(1f, EmbeddingDistance.CosineSimilarity(a, a), 1e-6f);
        Assert.AreEqual(-1f, EmbeddingDistance.CosineSimilarity(a, [-0.6f, -0.8f]), 1e-6f);
        Assert.AreEqual(2f, EmbeddingDistance.Euclidean(a, [-0.6f, -0.8f]), 1e-6f);
    }

    [TestMethod]
    public void LengthMismatch_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingDistance.Euclidean([1f], [1f, 2f]));
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingDistance.CosineSimilarity([1f], [1f, 2f]));
    }
}
