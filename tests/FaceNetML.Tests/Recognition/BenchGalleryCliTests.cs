using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Recognition;

/// <summary><c>facenetml bench gallery</c> on a small gallery: the JSON fields, exact recall 1, HNSW near it.</summary>
[TestClass]
public sealed class BenchGalleryCliTests
{
    [TestMethod]
    [DataRow("exact")]
    [DataRow("hnsw")]
    public void BenchGallery_SmallGallery_ReportsRecallLatencyAndSize(string backend)
    {
        var r = CliRunner.Run("bench", "gallery", "--backend", backend, "--size", "3000", "--identities", "30", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var j = r.Json;
        foreach (var field in new[] { "backend", "size", "dimensions", "recallAt1", "recallAt10", "p50Ms", "p99Ms", "enrolPerSecond", "bytesPerFace", "buildSeconds" })
            Assert.IsTrue(j.TryGetProperty(field, out _), field);
        Assert.AreEqual(backend, j.GetProperty("backend").GetString());
        Assert.AreEqual(3000, j.GetProperty("size").GetInt32());
        Assert.AreEqual(192, j.GetProperty("dimensions").GetInt32());
        double recall = j.GetProperty("recallAt1").GetDouble();
        if (backend == "exact") Assert.AreEqual(1.0, recall);
        else Assert.IsGreaterThanOrEqualTo(0.9, recall);
        Assert.IsGreaterThan(0.0, j.GetProperty("bytesPerFace").GetDouble());
        // The fillers' distances match the real faces' (fitted means).
        var d = j.GetProperty("distances");
        Assert.AreEqual(d.GetProperty("realSame").GetDouble(), d.GetProperty("syntheticSame").GetDouble(), 0.03);
        Assert.AreEqual(d.GetProperty("realDifferent").GetDouble(), d.GetProperty("syntheticDifferent").GetDouble(), 0.03);
    }

    [TestMethod]
    public void BenchGallery_HnswSweep_ReportsEachPairAndTheReopenedGallery()
    {
        var r = CliRunner.Run("bench", "gallery", "--backend", "hnsw", "--size", "3000", "--identities", "30", "--m", "12", "--ef-add", "64",
            "--sweep", "16:4,128:32", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var j = r.Json;
        Assert.IsGreaterThan(0L, j.GetProperty("peakRssBytes").GetInt64());
        Assert.IsGreaterThanOrEqualTo(j.GetProperty("reopenMs").GetDouble(), j.GetProperty("firstAnswerAfterReopenMs").GetDouble());
        Assert.AreEqual(12, j.GetProperty("hnsw").GetProperty("m").GetInt32());
        Assert.AreEqual(64, j.GetProperty("hnsw").GetProperty("efAdd").GetInt32());
        var sweep = j.GetProperty("sweep").EnumerateArray().ToList();
        Assert.HasCount(2, sweep);
        Assert.AreEqual(16, sweep[0].GetProperty("ef").GetInt32());
        Assert.AreEqual(32, sweep[1].GetProperty("k").GetInt32());
        Assert.IsGreaterThanOrEqualTo(0.9, sweep[1].GetProperty("recallAt1").GetDouble());
        Assert.IsGreaterThanOrEqualTo(sweep[0].GetProperty("recallAt10").GetDouble(), sweep[1].GetProperty("recallAt10").GetDouble(), "a wider search finds no fewer");

        var bad = CliRunner.Run("bench", "gallery", "--backend", "hnsw", "--size", "1000", "--sweep", "64-16");
        Assert.AreEqual(2, bad.ExitCode, bad.Stderr);
        Assert.AreEqual(1, bad.Stderr.Trim().Split('\n').Length, bad.Stderr);
    }

    [TestMethod]
    public void BenchGallery_PgvectorWithoutUrl_ExitTwoOneLine()
    {
        var r = CliRunner.Run("bench", "gallery", "--backend", "pgvector", "--size", "1000");
        Assert.AreEqual(2, r.ExitCode, r.Stderr);
        Assert.AreEqual(1, r.Stderr.Trim().Split('\n').Length, r.Stderr);
    }
}
