using Cloud.Unum.USearch;
using FaceNetML.Recognition;
using FaceNetML.Tests.Cli;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Recognition;

/// <summary><c>gallery check</c> measures an index's recall@1 on stored faces, and catches a damaged index.</summary>
[TestClass]
public sealed class GalleryCheckTests
{
    private static float[] Unit(Random random, int dimension)
    {
        var v = Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        EmbeddingDistance.L2Normalize(v);
        return v;
    }

    [TestMethod]
    public void Check_HealthyIndexHasFullRecall_AndAGraphWhoseVectorsWereSwappedIsCaught()
    {
        var path = Path.Combine(TestData.TempDir("gallery-check"), "g.usearch");
        var random = new Random(5);
        using (var g = GalleryStore.OpenWrite(path, "m", 1.1f, 32))
            for (int p = 0; p < 300; p++)
                g.AddPerson($"p{p}", [(Unit(random, 32), $"p{p}/0.jpg", false), (Unit(random, 32), $"p{p}/1.jpg", false)]);

        using (var g = GalleryStore.OpenRead(path))
        {
            var healthy = IndexRecall.Measure(g.Index, 400);
            Assert.AreEqual(400, healthy.Sampled, "300 first faces, then 100 second faces");
            Assert.AreEqual(1.0, healthy.RecallAt1);
        }
        var ok = CliRunner.Run("gallery", "check", path, "--sample", "200", "--json");
        Assert.AreEqual(0, ok.ExitCode, ok.Stderr);
        Assert.AreEqual(1.0, ok.Json.GetProperty("recallAt1").GetDouble());

        // Damage: the graph file keeps its keys and size but holds other vectors (as a file from another gallery, or a
        // bad copy, would); the sidecar still believes it current.
        using (var bad = HnswGraph.Create(32, ScalarKind.Float32, 16, 128, 128))
        {
            var rows = Enumerable.Range(1, 600).Select(k => ((long)k, Unit(random, 32))).ToList();
            bad.AddParallel(rows);
            bad.Save(path);
        }
        var damaged = CliRunner.Run("gallery", "check", path, "--sample", "200", "--json");
        Assert.AreEqual(1, damaged.ExitCode, damaged.Stderr);
        Assert.IsLessThan(0.5, damaged.Json.GetProperty("recallAt1").GetDouble());
        StringAssert.Contains(damaged.Stderr, "degraded");
    }

    [TestMethod]
    public void Check_AVectorFileWhoseRowsWereOverwritten_IsCaught()
    {
        var path = Path.Combine(TestData.TempDir("gallery-check-vectors"), "g.usearch");
        var random = new Random(8);
        using (var g = GalleryStore.OpenWrite(path, "m", 1.1f, 32))
            for (int p = 0; p < 300; p++)
                g.AddPerson($"p{p}", [(Unit(random, 32), $"p{p}/0.jpg", false)]);
        Assert.AreEqual(0, CliRunner.Run("gallery", "check", path, "--sample", "200", "--json").ExitCode);

        // Damage: the rows after the 64-byte header hold other vectors; the header still claims the sidecar's generation.
        using (var file = new FileStream(path + ".f32", FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 64 + 32 * 4; // row 1, the first face's key
            var rows = new byte[300 * 32 * 4];
            for (int i = 0; i < 300; i++)
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(Unit(random, 32).AsSpan()).CopyTo(rows.AsSpan(i * 128));
            file.Write(rows);
        }
        var damaged = CliRunner.Run("gallery", "check", path, "--sample", "200", "--json");
        Assert.AreEqual(1, damaged.ExitCode, damaged.Stderr);
        Assert.IsLessThan(0.5, damaged.Json.GetProperty("recallAt1").GetDouble());
        StringAssert.Contains(damaged.Stderr, "degraded");
    }
}
