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

    [TestMethod]
    public void Quantize_StoresRoundedStepsPerUnit_Clamped()
    {
        Span<sbyte> q = stackalloc sbyte[5];
        HnswGraph.Quantize([0.1f, -0.1f, 0.0019f, 0.9f, -0.9f], q);
        CollectionAssert.AreEqual(new sbyte[] { 26, -26, 0, 127, -127 }, q.ToArray());
    }

    [TestMethod]
    public void Int8Graph_KeepsCloseNeighboursInOrder()
    {
        // Two copies of each face, 0.04 and 0.07 away: an i8 graph must still tell the nearer one (USearch's own cast,
        // about ten levels per component at 192 dimensions, confuses them).
        const int dimension = 192, people = 400;
        var bases = RandomUnitVectors(people, dimension, 11);
        var noise = RandomUnitVectors(2 * people, dimension, 12);
        using var graph = HnswGraph.Create(dimension, ScalarKind.Int8, 16, 128, 64);
        var rows = new List<(long, float[])>();
        for (int i = 0; i < people; i++)
        {
            rows.Add((2L * i, Offset(bases[i], noise[2 * i], 0.04f)));
            rows.Add((2L * i + 1, Offset(bases[i], noise[2 * i + 1], 0.07f)));
        }
        graph.AddParallel(rows);
        int nearerFirst = 0;
        for (int i = 0; i < people; i++)
            if (graph.Search(bases[i], 2).Keys[0] == (ulong)(2 * i)) nearerFirst++;
        Assert.IsTrue(nearerFirst >= people * 97 / 100, $"the nearer copy comes first for {nearerFirst} of {people}");
    }

    private static float[] Offset(float[] v, float[] direction, float by)
    {
        var result = new float[v.Length];
        for (int i = 0; i < v.Length; i++) result[i] = v[i] + by * direction[i];
        EmbeddingDistance.L2Normalize(result);
        return result;
    }
}
