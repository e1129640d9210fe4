using FaceNetML.Clustering;
using FaceNetML.Pipeline;
using Microsoft.ML;

namespace FaceNetML.Tests.Clustering;

[TestClass]
public sealed class FaceClusteringTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void CelebA20_KMeansNmi_AndUnknownKCount()
    {
        var root = TestData.DataPath("celeba-train");
        var people = Directory.GetDirectories(root).Order(StringComparer.Ordinal).Take(20).ToList();
        var files = people.SelectMany((dir, label) => Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => (f, label))).ToList();
        using var pipeline = new FacePipeline(new FacePipelineOptions { FallBackToCentreCrop = true });
        var results = pipeline.EmbedFiles(files.Select(f => f.f).ToList());
        var ok = Enumerable.Range(0, files.Count).Where(i => results[i].Ok).ToList();
        Assert.IsTrue(ok.Count >= files.Count * 0.95, $"{files.Count - ok.Count} of {files.Count} images failed");
        var embeddings = ok.Select(i => results[i].Result!.Embedding).ToList();
        var labels = ok.Select(i => files[i].label).ToList();

        var ml = new MLContext(seed: 1);
        var kmeans = MLNetClustering.KMeans(ml, embeddings, 20);
        var nmi = MLNetClustering.Nmi(ml, embeddings, kmeans, labels);
        var agglomerative = FaceClustering.Agglomerative(embeddings, pipeline.Threshold);
        int found = FaceClustering.People(agglomerative);
        var nmiAgg = MLNetClustering.Nmi(ml, embeddings, agglomerative, labels);
        TestContext.WriteLine($"celeba-train first 20 identities, {embeddings.Count} images: k-means NMI {nmi:F4}; " +
            $"agglomerative (threshold {pipeline.Threshold}) found {found} people ({agglomerative.Max() + 1} clusters with singletons), NMI {nmiAgg:F4}");
        Assert.IsTrue(nmi >= 0.90, $"k-means NMI {nmi}");
        Assert.IsTrue(found >= 16 && found <= 24, $"unknown-k found {found} clusters for 20 people");
    }

    [TestMethod]
    public void Agglomerative_SeparatesObviousGroups()
    {
        float[][] points = [[1, 0], [0.99f, 0.14f], [0, 1], [0.1f, 0.99f], [-1, 0]];
        var c = FaceClustering.Agglomerative(points, 0.5f);
        Assert.AreEqual(c[0], c[1]);
        Assert.AreEqual(c[2], c[3]);
        Assert.AreNotEqual(c[0], c[2]);
        Assert.AreEqual(3, c.Max() + 1);
        Assert.AreEqual(2, FaceClustering.People(c));
        Assert.AreEqual(2, c[4], "singleton last");
    }
}
