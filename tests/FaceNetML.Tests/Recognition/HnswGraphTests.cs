using Cloud.Unum.USearch;
using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Recognition;

/// <summary>The HNSW graph bound to USearch's C API: parallel adds after a reservation, the search width kept across a
/// save and a memory-mapped reopen, and removal.</summary>
[TestClass]
public sealed class HnswGraphTests
{
    private static float[][] RandomUnitVectors(int n, int dimension, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[n][];
        for (int i = 0; i < n; i++)
        {
            vectors[i] = new float[dimension];
            for (int j = 0; j < dimension; j++) vectors[i][j] = (float)(random.NextDouble() * 2 - 1);
            EmbeddingDistance.L2Normalize(vectors[i]);
        }
        return vectors;
    }

    [TestMethod]
    public void ParallelAdd_SaveAndView_FindsEveryStoredVectorWithTheSearchWidthKept()
    {
        var vectors = RandomUnitVectors(2000, 64, 7);
        var path = Path.Combine(TestData.TempDir("hnsw-graph"), "g.usearch");
        using (var graph = HnswGraph.Create(64, ScalarKind.Float32, 16, 128, 96))
        {
            Assert.AreEqual(96UL, graph.ExpansionSearch);
            graph.AddParallel(vectors.Select((v, i) => ((long)i + 1, v)).ToList());
            Assert.AreEqual(2000UL, graph.Size);
            graph.Save(path);
        }
        using var view = HnswGraph.Open(path, view: true, 64, ScalarKind.Float32, 16, 128, 96);
        Assert.AreEqual(2000UL, view.Size);
        Assert.AreEqual(96UL, view.ExpansionSearch, "a reopened file gets the search width again");
        int selfFound = 0;
        for (int i = 0; i < vectors.Length; i += 10)
        {
            var (keys, squared) = view.Search(vectors[i], 3);
            Assert.AreEqual(3, keys.Length);
            Assert.IsTrue(squared[0] <= squared[1] && squared[1] <= squared[2], "nearest first");
            if (keys[0] == (ulong)i + 1 && squared[0] < 1e-5f) selfFound++;
        }
        Assert.IsTrue(selfFound >= 198, $"a stored vector is its own nearest neighbour ({selfFound} of 200)");
    }

    [TestMethod]
    public void Add_BeyondCapacity_GrowsAndRemoveDropsTheKey()
    {
        var vectors = RandomUnitVectors(40, 8, 3);
        using var graph = HnswGraph.Create(8, ScalarKind.Float32, 16, 128, 128);
        for (int i = 0; i < vectors.Length; i++) graph.Add((ulong)i, vectors[i]);
        Assert.AreEqual(40UL, graph.Size);
        Assert.IsTrue(graph.Capacity >= 40UL);
        graph.Remove(5);
        var (keys, _) = graph.Search(vectors[5], 40);
        CollectionAssert.DoesNotContain(keys, 5UL);
        Assert.AreEqual(39, keys.Length);
    }
}
