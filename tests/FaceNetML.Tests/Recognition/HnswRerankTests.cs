using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Recognition;

/// <summary>The HNSW backend re-ranks its graph candidates by exact f32 distance read from the memory-mapped vector
/// file, builds its graph in parallel, and takes its tuning from the gallery location.</summary>
[TestClass]
public sealed class HnswRerankTests
{
    private const int Dimension = 32;

    private static float[] Unit(Random random)
    {
        var v = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        EmbeddingDistance.L2Normalize(v);
        return v;
    }

    /// <summary>One face per person, so a person's name names the face.</summary>
    private static List<(string Person, IReadOnlyList<EnrolledFace> Faces)> People(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => ($"p{i}", (IReadOnlyList<EnrolledFace>)[new EnrolledFace(Unit(random), $"p{i}.jpg")]))];
    }

    private static USearchFaceIndex Build(string path, List<(string Person, IReadOnlyList<EnrolledFace> Faces)> people, string scalar, HnswOptions? options = null)
    {
        var index = USearchFaceIndex.Open(path, readOnly: false, scalar, options);
        index.Initialise(new GalleryInfo("m", 1.1f, Dimension, "{}"));
        index.AddPeople(people);
        index.Flush();
        return index;
    }

    [TestMethod]
    [DataRow("f32")]
    [DataRow("i8")]
    public void Search_ReturnsTheExactIndexsDistances_WrittenAndReopened(string scalar)
    {
        var people = People(2000, 3);
        using IFaceIndex exact = new ExactFaceIndex();
        exact.Initialise(new GalleryInfo("m", 1.1f, Dimension, "{}"));
        exact.AddPeople(people);
        var path = Path.Combine(TestData.TempDir("hnsw-rerank-" + scalar), "g.usearch");
        using (var written = Build(path, people, scalar))
            AssertExactDistances(exact, written);
        Assert.IsTrue(File.Exists(path + ".f32"), "the vector file is written beside the index");
        using var reopened = USearchFaceIndex.Open(path, readOnly: true);
        Assert.AreEqual(scalar, reopened.Scalar);
        AssertExactDistances(exact, reopened);
    }

    private static void AssertExactDistances(IFaceIndex exact, USearchFaceIndex hnsw)
    {
        var random = new Random(11);
        int sameTop = 0;
        for (int q = 0; q < 50; q++)
        {
            var query = Unit(random);
            var all = exact.Search(query, 2000).ToDictionary(m => m.Person, m => m.Distance);
            var want = exact.Search(query, 10);
            var got = hnsw.Search(query, 10);
            Assert.HasCount(10, got);
            for (int i = 0; i < got.Count; i++)
            {
                Assert.AreEqual(all[got[i].Person], got[i].Distance, $"query {q}: {got[i].Person}'s distance is the exact index's, to the bit");
                if (i > 0) Assert.IsLessThanOrEqualTo(got[i].Distance, got[i - 1].Distance, "nearest first");
            }
            if (got[0].Person == want[0].Person) sameTop++;
        }
        Assert.IsGreaterThanOrEqualTo(49, sameTop, "top-1 as exact search");
    }

    [TestMethod]
    public void ParallelBuild_OnFourThreads_HasHighRecallAgainstExactSearch()
    {
        var people = People(6000, 5);
        using IFaceIndex exact = new ExactFaceIndex();
        exact.Initialise(new GalleryInfo("m", 1.1f, Dimension, "{}"));
        exact.AddPeople(people);
        var path = Path.Combine(TestData.TempDir("hnsw-parallel"), "g.usearch");
        // Three bulk batches (parallel adds after a reserve each), as a resumable enrolment writes them.
        using var hnsw = USearchFaceIndex.Open(path, readOnly: false, "i8", new HnswOptions(Threads: 4));
        hnsw.Initialise(new GalleryInfo("m", 1.1f, Dimension, "{}"));
        foreach (var chunk in people.Chunk(2000)) hnsw.AddPeople(chunk);
        hnsw.Flush();
        Assert.AreEqual(6000L, hnsw.FaceCount);

        var self = IndexRecall.Measure(hnsw, 1000);
        Assert.IsGreaterThanOrEqualTo(0.99, self.RecallAt1, "stored faces find themselves");
        var random = new Random(17);
        int found = 0;
        for (int q = 0; q < 200; q++)
        {
            var query = Unit(random);
            if (hnsw.Search(query, 1)[0] == exact.Search(query, 1)[0]) found++;
        }
        Assert.IsGreaterThanOrEqualTo(0.95, found / 200.0, "recall@1 of new queries against exact search");
    }

    [TestMethod]
    public void Open_GalleryWithoutVectorFile_WritesItFromTheSidecar()
    {
        var people = People(500, 7);
        var path = Path.Combine(TestData.TempDir("hnsw-old-gallery"), "g.usearch");
        using (Build(path, people, "f32")) { }
        // As written before the vector file and the stored tuning: an f32 graph, M 16, and no rows for them in the sidecar.
        File.Delete(path + ".f32");
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}.sqlite;Pooling=false"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "DELETE FROM meta WHERE key IN ('scalar', 'connectivity', 'expansion_add', 'expansion_search', 'rerank')";
            Assert.AreEqual(5, cmd.ExecuteNonQuery());
        }
        using (var g = USearchFaceIndex.Open(path, readOnly: true))
        {
            Assert.AreEqual("f32", g.Scalar, "a gallery without its storage stored is f32");
            Assert.AreEqual(16, g.Options.Connectivity);
            Assert.IsTrue(File.Exists(path + ".f32"), "written on first open");
            var top = g.Search(people[42].Faces[0].Embedding, 1);
            Assert.AreEqual("p42", top[0].Person);
            Assert.AreEqual(0f, top[0].Distance);
        }
        // A vector file of another generation (the sidecar changed without it) is rewritten too.
        using (var g = USearchFaceIndex.Open(path, readOnly: false))
        {
            g.AddPeople([("late", [new EnrolledFace(Unit(new Random(99)), "late.jpg")])]);
        }
        using var after = USearchFaceIndex.Open(path, readOnly: true);
        Assert.AreEqual("p7", after.Search(people[7].Faces[0].Embedding, 1)[0].Person);
        Assert.AreEqual(501L, after.FaceCount);
    }

    [TestMethod]
    public void Location_SetsGraphAndSearchOptions_StoredWithTheGallery()
    {
        var dir = TestData.TempDir("hnsw-options");
        var path = Path.Combine(dir, "g.usearch");
        using (var g = GalleryStore.OpenIndex(path + "?scalar=i8&m=24&ef_add=64&ef=200&rerank=48", readOnly: false))
        {
            g.Initialise(new GalleryInfo("m", 1.1f, Dimension, "{}"));
            g.AddPeople(People(300, 9));
            g.Flush();
        }
        using (var g = (USearchFaceIndex)GalleryStore.OpenIndex(path, readOnly: true))
            Assert.AreEqual(new HnswOptions(24, 64, 200, 48, Environment.ProcessorCount), g.Options);
        using (var g = (USearchFaceIndex)GalleryStore.OpenIndex(path + "?ef=80&rerank=16", readOnly: true))
        {
            Assert.AreEqual(new HnswOptions(24, 64, 80, 16, Environment.ProcessorCount), g.Options, "search options per open");
            Assert.AreEqual(1.0, IndexRecall.Measure(g, 300).RecallAt1);
        }
        var bad = Assert.ThrowsExactly<BadInputException>(() => GalleryStore.OpenIndex(path + "?ef=0", readOnly: true));
        StringAssert.Contains(bad.Message, "expansion_search");
        Assert.ThrowsExactly<BadInputException>(() => GalleryStore.OpenIndex(path + "?depth=3", readOnly: true));
    }
}
