using System.Diagnostics;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Tests.Cli;
using Npgsql;

namespace FaceNetML.Tests.Recognition;

/// <summary>
/// The gallery backends behind the <see cref="IFaceIndex"/> seam: exact (in memory), HNSW (USearch file + SQLite
/// sidecar) and pgvector (a real PostgreSQL: PGlite with the pgvector extension, started by scripts/pglite.sh).
/// </summary>
[TestClass]
public sealed class GalleryBackendTests
{
    private static FacePipeline _pipeline = null!;
    private static PgliteServer _pg = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        PostgresGalleries.Register();
        _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });
        _pg = new PgliteServer();
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _pg?.Dispose();
        _pipeline?.Dispose();
    }

    [TestMethod]
    [DataRow("photos/knn_examples/train", "knn")]
    [DataRow("ytf-dev/gallery", "ytf")]
    public void Identify_SameGalleryOnEachBackend_GivesTheSamePeople(string galleryFolder, string table)
    {
        using var exact = Gallery.FromFolder(_pipeline, TestData.DataPath(galleryFolder.Split('/')));
        var dir = TestData.TempDir("backends-" + table);
        var usearch = Path.Combine(dir, "g.usearch");
        using (var h = GalleryStore.OpenWrite(usearch, exact.Model, exact.Threshold, exact.Dimension!.Value, exact.Rule)) GalleryStore.CopyInto(exact, h);
        using (var p = GalleryStore.OpenWrite(_pg.Url(table), exact.Model, exact.Threshold, exact.Dimension!.Value, exact.Rule)) GalleryStore.CopyInto(exact, p);
        using var hnsw = GalleryStore.OpenRead(usearch);
        using var pg = GalleryStore.OpenRead(_pg.Url(table));
        Assert.AreEqual("hnsw", hnsw.Index.Backend);
        Assert.AreEqual("pgvector", pg.Index.Backend);
        CollectionAssert.AreEqual(exact.Index.PersonNames().ToList(), pg.Index.PersonNames().ToList());
        Assert.AreEqual(exact.EmbeddingCount, hnsw.EmbeddingCount);
        Assert.AreEqual(exact.EmbeddingCount, pg.EmbeddingCount);

        // Probes: the enrolled photos themselves, the knn_examples test photos (every face) and a stranger.
        var probes = exact.People.SelectMany(p => p.Sources).Concat(Directory.GetFiles(TestData.DataPath("photos", "knn_examples", "test")))
            .Append(TestData.Photo("lin-manuel-miranda.png")).ToList();
        int named = 0, unknown = 0;
        foreach (var photo in probes)
            foreach (var face in _pipeline.EmbedAll(ImageDecoder.Decode(photo)))
            {
                var probe = FaceProbe.From(face);
                var a = exact.Identify(probe);
                foreach (var (name, other) in new[] { ("hnsw", hnsw), ("pgvector", pg) })
                {
                    var b = other.Identify(probe);
                    Assert.AreEqual(a.Person, b.Person, $"{photo} on {name}");
                    Assert.AreEqual(a.Nearest, b.Nearest, $"{photo} on {name}");
                    Assert.AreEqual(a.SecondNearest, b.SecondNearest, $"{photo} on {name}");
                    Assert.AreEqual(a.Distance, b.Distance, 1e-3f, $"{photo} on {name}");
                    Assert.AreEqual(a.Confidence, b.Confidence, 1e-3f, $"{photo} on {name}");
                }
                if (a.Person is null) unknown++;
                else named++;
            }
        Assert.IsGreaterThan(5, named);
        Assert.IsGreaterThan(0, unknown);
    }

    [TestMethod]
    public void Pgvector_BulkLoadThenSearch_ReRanksToTheExactIndexsDistances()
    {
        var random = new Random(21);
        float[] Unit()
        {
            var v = Enumerable.Range(0, 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            FaceNetML.Verification.EmbeddingDistance.L2Normalize(v);
            return v;
        }
        var people = Enumerable.Range(0, 600).Select(i => ($"p{i}", (IReadOnlyList<EnrolledFace>)[new EnrolledFace(Unit(), $"p{i}.jpg")])).ToList();
        using IFaceIndex exact = new ExactFaceIndex();
        exact.Initialise(new GalleryInfo("m", 1.1f, 32, "{}"));
        exact.AddPeople(people);
        using (var pg = PgVectorFaceIndex.Open(_pg.Url("bulk") + "&m=12&ef_construction=48&ef_search=60&rerank=24", readOnly: false))
        {
            Assert.AreEqual(new PgVectorOptions(12, 48, 60, 24), pg.Options);
            pg.Initialise(new GalleryInfo("m", 1.1f, 32, "{}"));
            foreach (var chunk in people.Chunk(250)) ((IFaceIndex)pg).AddPeople(chunk);
            Assert.AreEqual(250L, ((IFaceIndex)pg).AddPeople(people.Take(250).Select(p => (p.Item1, (IReadOnlyList<EnrolledFace>)[.. p.Item2, new EnrolledFace(Unit(), p.Item1 + "-2.jpg")])).ToList()),
                "a repeated bulk load adds only the new faces");
            pg.Flush();
            Assert.IsNotNull(pg.ExtensionVersion);
        }
        using (var c = _pg.Connect())
        using (var cmd = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE indexname = 'bulk_hnsw'", c))
            StringAssert.Contains(cmd.ExecuteScalar() as string, "m='12'");
        using var read = PgVectorFaceIndex.Open(_pg.Url("bulk"), readOnly: true);
        Assert.AreEqual(600, read.PersonCount);
        Assert.AreEqual(850L, read.FaceCount);
        using var single = new ExactFaceIndex();
        ((IFaceIndex)single).Initialise(new GalleryInfo("m", 1.1f, 32, "{}"));
        foreach (var name in read.PersonNames()) single.AddFaces(name, [.. read.Person(name)!.Embeddings.Select((e, i) => new EnrolledFace(e, $"{name}#{i}"))]);
        int sameTop = 0;
        for (int q = 0; q < 20; q++)
        {
            var query = Unit();
            var want = single.Search(query, 10);
            var got = read.Search(query, 10);
            Assert.HasCount(10, got);
            for (int i = 0; i < 10; i++)
                if (got[i].Person == want[i].Person) Assert.AreEqual(want[i].Distance, got[i].Distance, $"query {q}: exact distance, to the bit");
            if (got[0] == want[0]) sameTop++;
        }
        Assert.IsGreaterThanOrEqualTo(19, sameTop);
    }

    [TestMethod]
    public void Video_TwoPersonClip_NamesTheSamePeopleOnEachBackend()
    {
        using var exact = Gallery.FromFolder(_pipeline, TestData.DataPath("ytf-dev", "gallery"));
        var usearch = Path.Combine(TestData.TempDir("backends-video"), "g.usearch");
        using (var h = GalleryStore.OpenWrite(usearch, exact.Model, exact.Threshold, exact.Dimension!.Value, exact.Rule)) GalleryStore.CopyInto(exact, h);
        using (var p = GalleryStore.OpenWrite(_pg.Url("video"), exact.Model, exact.Threshold, exact.Dimension!.Value, exact.Rule)) GalleryStore.CopyInto(exact, p);
        using var hnsw = GalleryStore.OpenRead(usearch);
        using var pg = GalleryStore.OpenRead(_pg.Url("video"));
        var clip = TestData.DataPath("ytf-dev", "duo_Aaron_Guiel_Agbani_Darego.mp4");
        string Names(Gallery g)
        {
            var r = new FaceNetML.Video.VideoRecognizer(_pipeline, g, new FaceNetML.Video.VideoRecognizerOptions { Every = 3 }).Recognize(clip);
            Assert.IsNull(r.Error);
            return string.Join(";", r.Detections.Select(d => $"{d.Frame}:{d.TrackId}:{d.Person}"));
        }
        var a = Names(exact);
        StringAssert.Contains(a, "Aaron_Guiel");
        StringAssert.Contains(a, "Agbani_Darego");
        Assert.AreEqual(a, Names(hnsw), "hnsw");
        Assert.AreEqual(a, Names(pg), "pgvector");
    }

    [TestMethod]
    public void IdentifyCli_UsearchAndPostgresGalleries_PrintTheSameAnswersAsJson()
    {
        var dir = TestData.TempDir("backends-cli");
        var train = TestData.DataPath("photos", "knn_examples", "train");
        var json = Path.Combine(dir, "g.json");
        var usearch = Path.Combine(dir, "g.usearch");
        var url = _pg.Url("cli");
        foreach (var g in new[] { json, usearch, url })
        {
            var r = CliRunner.Run("enroll", train, "--out", g);
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
        }
        var photo = TestData.DataPath("photos", "knn_examples", "test", "obama_and_biden.jpg");
        var answers = new[] { json, usearch, url }.Select(g =>
        {
            var r = CliRunner.Run("identify", photo, "--gallery", g, "--json");
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            return string.Join(",", r.Json.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("person").ToString()));
        }).ToList();
        Assert.AreEqual(answers[0], answers[1]);
        Assert.AreEqual(answers[0], answers[2]);
        StringAssert.Contains(answers[0], "obama");
        StringAssert.Contains(answers[0], "biden");

        var stats = CliRunner.Run("gallery", "stats", url, "--json");
        Assert.AreEqual(0, stats.ExitCode, stats.Stderr);
        Assert.AreEqual(5, stats.Json.GetProperty("people").GetInt32());
        Assert.AreEqual(9, stats.Json.GetProperty("embeddings").GetInt32());
        var back = Path.Combine(dir, "back.json");
        Assert.AreEqual(0, CliRunner.Run("gallery", "export", url, "--out", back).ExitCode);
        Assert.HasCount(5, Gallery.Load(back).People);
        Assert.AreEqual(0, CliRunner.Run("gallery", "remove", usearch, "obama").ExitCode);
        var list = CliRunner.Run("gallery", "list", usearch, "--json");
        Assert.HasCount(4, list.Json.GetProperty("people").EnumerateArray().ToList());
    }

    [TestMethod]
    public void Enroll_TwoWritersAtOnceIntoOnePgvectorGallery_LeaveEachPersonOnceWithNoDuplicateFace()
    {
        // Both processes enrol the same people at the same time. PGlite serves one connection at a time, so their
        // transactions interleave one at a time rather than run in parallel: this proves that concurrent writers
        // queue without error, and that one transaction per person plus the (person, source) key leave no half
        // person and no duplicate; it does not exercise PostgreSQL's row locks under true parallelism.
        var url = _pg.Url("twowriters");
        var train = TestData.DataPath("ytf-dev", "gallery");
        var a = Process.Start(CliRunner.StartInfo("enroll", train, "--out", url))!;
        var b = Process.Start(CliRunner.StartInfo("enroll", train, "--out", url))!;
        var ea = a.StandardError.ReadToEndAsync();
        var eb = b.StandardError.ReadToEndAsync();
        a.StandardOutput.ReadToEnd();
        b.StandardOutput.ReadToEnd();
        a.WaitForExit();
        b.WaitForExit();
        Assert.AreEqual(0, a.ExitCode, ea.Result);
        Assert.AreEqual(0, b.ExitCode, eb.Result);
        using var g = GalleryStore.OpenRead(url);
        using var reference = Gallery.FromFolder(_pipeline, train);
        CollectionAssert.AreEquivalent(reference.Index.PersonNames().ToList(), g.Index.PersonNames().ToList());
        foreach (var p in reference.People)
        {
            var stored = g[p.Name]!;
            CollectionAssert.AreEquivalent(p.Sources.ToList(), stored.Sources.ToList(), p.Name);
        }
    }

    [TestMethod]
    public void Enroll_KilledWhileWriting_LeavesOnlyWholePersons()
    {
        var train = TestData.DataPath("ytf-dev", "gallery");
        using var reference = Gallery.FromFolder(_pipeline, train);
        var url = _pg.Url("killed");
        var process = Process.Start(CliRunner.StartInfo("enroll", train, "--out", url))!;
        process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEndAsync();
        // Kill as soon as the first face row is visible: part-way through the per-person transactions.
        var b = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = _pg.Port, Username = "postgres", Database = "postgres", Pooling = false };
        var sw = Stopwatch.StartNew();
        bool seen = false;
        while (!process.HasExited && sw.Elapsed < TimeSpan.FromMinutes(5) && !seen)
        {
            try
            {
                using var c = new NpgsqlConnection(b.ConnectionString);
                c.Open();
                using var cmd = new NpgsqlCommand("SELECT count(*) FROM killed", c);
                seen = (long)cmd.ExecuteScalar()! > 0;
            }
            catch (Exception e) when (e is NpgsqlException)
            {
                Thread.Sleep(20);
            }
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        using var g = GalleryStore.OpenRead(url);
        var names = g.Index.PersonNames();
        Assert.IsLessThan(reference.PersonCount + 1, names.Count);
        foreach (var n in names)
            CollectionAssert.AreEquivalent(reference[n]!.Sources.ToList(), g[n]!.Sources.ToList(), $"{n}: a half-enrolled person");
        // A rerun completes the gallery without duplicating anyone.
        var rerun = CliRunner.Run("enroll", train, "--out", url);
        Assert.AreEqual(0, rerun.ExitCode, rerun.Stderr);
        using var again = GalleryStore.OpenRead(url);
        Assert.AreEqual(reference.EmbeddingCount, again.EmbeddingCount);
    }

    [TestMethod]
    public void Enroll_BadGalleryLocations_ExitTwoWithOneLineAndWriteNothing()
    {
        var train = TestData.DataPath("photos", "knn_examples", "train");
        // A gallery of another model (same length, so only the model name tells).
        var other = _pg.Url("othermodel");
        using (var g = GalleryStore.OpenWrite(other, "othermodel", 1f, 192))
            g.AddPerson("someone", [(Enumerable.Range(0, 192).Select(i => (float)Math.Sin(i)).ToArray(), "x")]);
        using (var c = _pg.Connect())
        {
            using var cmd = new NpgsqlCommand("CREATE TABLE wrongschema (id int, name text); CREATE TABLE wrongschema_meta (key text, value text); CREATE TABLE wrongschema_person (id int, name text)", c);
            cmd.ExecuteNonQuery();
        }
        var cases = new[]
        {
            ("postgres://127.0.0.1:5432", "not a PostgreSQL URL|names no database"),
            ($"postgres://postgres@127.0.0.1:1/postgres?table=x&pooling=false", "cannot reach"),
            (_pg.Url("wrongschema"), "not a FaceNetML gallery"),
            (other, "othermodel"),
            (_pg.Url("Bad-Table"), "lower-case"),
        };
        foreach (var (url, message) in cases)
        {
            var r = CliRunner.Run("enroll", train, "--out", url);
            Assert.AreEqual(2, r.ExitCode, url + ": " + r.Stderr);
            Assert.AreEqual(1, r.Stderr.Trim().Split('\n').Length, r.Stderr);
            StringAssert.Matches(r.Stderr, new System.Text.RegularExpressions.Regex(message), r.Stderr);
            var id = CliRunner.Run("identify", TestData.Photo("obama.jpg"), "--gallery", url);
            Assert.AreEqual(2, id.ExitCode, url + ": " + id.Stderr);
            Assert.AreEqual(1, id.Stderr.Trim().Split('\n').Length, id.Stderr);
        }
        using (var g = GalleryStore.OpenRead(other))
        {
            Assert.AreEqual(1, g.PersonCount, "nothing written into the other model's gallery");
            Assert.AreEqual("othermodel", g.Model);
        }
        using (var c = _pg.Connect())
        {
            using var cmd = new NpgsqlCommand("SELECT count(*) FROM wrongschema", c);
            Assert.AreEqual(0L, cmd.ExecuteScalar());
        }

        // A .usearch gallery of another model is refused by identify too, in one line.
        var dir = TestData.TempDir("backends-bad");
        var usearch = Path.Combine(dir, "other.usearch");
        using (var g = GalleryStore.OpenWrite(usearch, "othermodel", 1f, 192))
            g.AddPerson("someone", [(Enumerable.Range(0, 192).Select(i => (float)Math.Cos(i)).ToArray(), "x")]);
        var bad = CliRunner.Run("identify", TestData.Photo("obama.jpg"), "--gallery", usearch);
        Assert.AreEqual(2, bad.ExitCode, bad.Stderr);
        StringAssert.Contains(bad.Stderr, "othermodel");
    }
}
