using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

/// <summary>
/// The people edits of <see cref="IFaceIndex"/> (remove one face, rename, merge) on every backend: exact, the JSON file,
/// HNSW (USearch + SQLite sidecar) and pgvector (PGlite with the pgvector extension). Each backend is reopened after the
/// edits (where it is stored) and must hold the same people, faces and search answers.
/// </summary>
[TestClass]
public sealed class FaceIndexEditTests
{
    private static FacePipeline _pipeline = null!;
    private static PgliteServer _pg = null!;
    private static Dictionary<string, float[]> _embeddings = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        PostgresGalleries.Register();
        _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });
        _embeddings = [];
        foreach (var photo in new[] { "obama.jpg", "obama2.jpg", "obama_small.jpg", "biden.jpg", "alex-lacamoire.png" })
            _embeddings[photo] = _pipeline.EmbedFile(TestData.Photo(photo)).Result!.Embedding;
        _pg = new PgliteServer();
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _pg?.Dispose();
        _pipeline?.Dispose();
    }

    private static string Location(string backend) => backend switch
    {
        "exact" => "",
        "json" => Path.Combine(TestData.TempDir("edits-json"), "g.json"),
        "hnsw" => Path.Combine(TestData.TempDir("edits-hnsw"), "g.usearch"),
        _ => _pg.Url("edits_" + Guid.NewGuid().ToString("N")[..8]),
    };

    private static Gallery Open(string location) => location.Length == 0
        ? new Gallery(_pipeline.Model.Name, _pipeline.Threshold)
        : GalleryStore.OpenWrite(location, _pipeline.Model.Name, _pipeline.Threshold, _pipeline.EmbeddingSize);

    private static (float[], string, bool) Face(string photo) => (_embeddings[photo], photo, false);

    [TestMethod]
    [DataRow("exact")]
    [DataRow("json")]
    [DataRow("hnsw")]
    [DataRow("pgvector")]
    public void RemoveFaceRenameAndMerge_ChangeThePeopleAsOneUnitEach(string backend)
    {
        var location = Location(backend);
        var g = Open(location);
        try
        {
            g.AddPerson("Obama", [Face("obama.jpg"), Face("obama2.jpg")]);
            g.AddPerson("Barack", [Face("obama_small.jpg"), Face("obama.jpg")]);
            g.AddPerson("Biden", [Face("biden.jpg")]);
            g.AddPerson("Alex", [Face("alex-lacamoire.png")]);
            g.Flush();

            // Remove one face: the person keeps the others; unknown faces and people change nothing.
            Assert.IsTrue(g.RemoveFace("Obama", "obama2.jpg"));
            Assert.IsFalse(g.RemoveFace("Obama", "obama2.jpg"));
            Assert.IsFalse(g.RemoveFace("Nobody", "obama.jpg"));
            CollectionAssert.AreEqual(new[] { "obama.jpg" }, g["Obama"]!.Sources.ToList());
            // The last face removes the person.
            Assert.IsTrue(g.RemoveFace("Alex", "alex-lacamoire.png"));
            Assert.IsNull(g["Alex"]);

            // Rename: the faces follow; a taken name is refused and changes nothing.
            Assert.IsTrue(g.Rename("Biden", "Joe Biden"));
            Assert.IsNull(g["Biden"]);
            CollectionAssert.AreEqual(new[] { "biden.jpg" }, g["Joe Biden"]!.Sources.ToList());
            Assert.ThrowsExactly<ArgumentException>(() => g.Rename("Joe Biden", "Obama"));
            Assert.IsNotNull(g["Joe Biden"]);
            Assert.IsFalse(g.Rename("Nobody", "Someone"));

            // Merge: Barack's faces go to Obama (the source Obama already has is dropped); Barack is gone.
            Assert.IsFalse(g.Merge("Barack", "Nobody"));
            Assert.IsFalse(g.Merge("Nobody", "Obama"));
            Assert.IsTrue(g.Merge("Barack", "Obama"));
            Assert.IsNull(g["Barack"]);
            CollectionAssert.AreEquivalent(new[] { "obama.jpg", "obama_small.jpg" }, g["Obama"]!.Sources.ToList());
            g.Flush();
            if (location.Length > 0)
            {
                g.Dispose();
                g = GalleryStore.OpenWrite(location, _pipeline.Model.Name, _pipeline.Threshold, _pipeline.EmbeddingSize);
            }
            CollectionAssert.AreEquivalent(new[] { "Obama", "Joe Biden" }, g.Index.PersonNames().ToList(), backend);
            Assert.AreEqual(2, g.PersonCount, backend);
            Assert.AreEqual(3, g.EmbeddingCount, backend);
            CollectionAssert.AreEquivalent(new[] { "obama.jpg", "obama_small.jpg" }, g["Obama"]!.Sources.ToList(), backend);

            // Search follows the edits: the nearest face to each stored embedding is its own, under the new owner.
            Assert.AreEqual("Joe Biden", g.Index.Search(_embeddings["biden.jpg"], 1)[0].Person, backend);
            Assert.AreEqual("Obama", g.Index.Search(_embeddings["obama_small.jpg"], 1)[0].Person, backend);
            Assert.IsTrue(g.Index.Search(_embeddings["alex-lacamoire.png"], 5).All(m => m.Person is "Obama" or "Joe Biden"), backend);
            Assert.AreEqual("Obama", g.Identify(_embeddings["obama2.jpg"]).Nearest, backend);
        }
        finally
        {
            g.Dispose();
        }
    }
}
