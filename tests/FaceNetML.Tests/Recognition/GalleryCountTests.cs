using FaceNetML.Recognition;
using FaceNetML.Verification;
using Npgsql;

namespace FaceNetML.Tests.Recognition;

/// <summary>Every backend opens, adds, removes and counts through the one gallery opener, and counts without reading the
/// people: the JSON file as one more backend, and PostgreSQL with its counts kept in the change's own transaction.</summary>
[TestClass]
public sealed class GalleryCountTests
{
    private static PgliteServer _pg = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        PostgresGalleries.Register();
        _pg = new PgliteServer();
    }

    [ClassCleanup]
    public static void Cleanup() => _pg?.Dispose();

    private static float[] Unit(int seed)
    {
        var random = new Random(seed);
        var v = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        EmbeddingDistance.L2Normalize(v);
        return v;
    }

    private static void Enrol(Gallery g, string person, params int[] seeds) =>
        g.AddPerson(person, [.. seeds.Select(s => (Unit(s), $"{person}/{s}.jpg", false))]);

    private static void AddRemoveAndCount(string location)
    {
        using (var g = GalleryStore.OpenWrite(location, "m", 1.1f, 16))
        {
            Enrol(g, "Ann", 1, 2);
            Enrol(g, "Bob", 3);
            Assert.AreEqual(2, g.PersonCount);
            Assert.AreEqual(3, g.EmbeddingCount);
        }
        using (var g = GalleryStore.OpenWrite(location, "m", 1.1f, 16))
        {
            Assert.AreEqual(0, g.AddPerson("Ann", [(Unit(1), "Ann/1.jpg", false)]), "a (person, source) already stored is not added again");
            Enrol(g, "Ann", 4);
            Assert.AreEqual(2, g.PersonCount);
            Assert.AreEqual(4, g.EmbeddingCount);
            Assert.IsTrue(g.Remove("Bob"));
            Assert.IsFalse(g.Remove("Bob"));
        }
        using var read = GalleryStore.OpenRead(location);
        Assert.AreEqual(1, read.PersonCount);
        Assert.AreEqual(3, read.EmbeddingCount);
        Assert.AreEqual("Ann", read.Identify(Unit(4)).Person);
    }

    [TestMethod]
    public void JsonFile_IsABackendLikeTheOthers()
    {
        var path = Path.Combine(TestData.TempDir("json-backend"), "g.json");
        AddRemoveAndCount(path);
        using (var g = GalleryStore.OpenRead(path)) Assert.AreEqual("json", g.Index.Backend);
        Assert.AreEqual(1, Gallery.Load(path).PersonCount, "the file is the same format as Gallery.Save writes");
        using (var g = GalleryStore.OpenExisting(path)) g.Remove("Ann");
        Assert.IsFalse(File.Exists(path), "a gallery emptied of people removes its file");
    }

    [TestMethod]
    public void Hnsw_CountsAfterAddsAndRemovals()
    {
        AddRemoveAndCount(Path.Combine(TestData.TempDir("hnsw-counts"), "g.usearch"));
    }

    [TestMethod]
    public void Postgres_KeepsItsCounts_AndATableWithoutThemGetsThemOnAWritableOpen()
    {
        var url = _pg.Url("counts");
        AddRemoveAndCount(url);

        // A table written before the counts were kept: the meta rows are gone; a read-only open counts rows, a writable
        // open stores the counts again.
        using (var c = _pg.Connect())
        {
            using var cmd = new NpgsqlCommand("DELETE FROM counts_meta WHERE key IN ('people', 'faces')", c);
            Assert.AreEqual(2, cmd.ExecuteNonQuery());
        }
        using (var read = GalleryStore.OpenRead(url)) Assert.AreEqual(3, read.EmbeddingCount);
        using (var write = GalleryStore.OpenExisting(url))
        {
            Assert.AreEqual(1, write.PersonCount);
            Enrol(write, "Cy", 9);
            Assert.AreEqual(2, write.PersonCount);
            Assert.AreEqual(4, write.EmbeddingCount);
        }
    }
}
