using System.Text.Json;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Clustering;

/// <summary>facenetml cluster / enroll / identify on photos/knn_examples (5 people, 2 photos each).</summary>
[TestClass]
public sealed class ClusterEnrollIdentifyCliTests
{
    [TestMethod]
    public void EnrollThenIdentify_NamesTheKnnExamples()
    {
        var dir = TestData.TempDir("gallery");
        var gallery = Path.Combine(dir, "gallery.json");
        var enroll = CliRunner.Run("enroll", TestData.Photo("knn_examples/train"), "--out", gallery);
        Assert.AreEqual(0, enroll.ExitCode, enroll.Stderr);

        (string File, string[] People)[] expected =
        [
            ("alex_lacamoire1.jpg", ["alex_lacamoire"]),
            ("johnsnow_test1.jpg", ["kit_harington"]),
            ("kit_with_rose.jpg", ["kit_harington", "rose_leslie"]),
            ("obama1.jpg", ["obama"]),
            ("obama_and_biden.jpg", ["obama", "biden"]),
        ];
        foreach (var (file, people) in expected)
        {
            var r = CliRunner.Run("identify", TestData.Photo("knn_examples/test/" + file), "--gallery", gallery, "--json");
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            var faces = r.Json.GetProperty("faces").EnumerateArray().ToList();
            var named = faces.Select(f => f.GetProperty("person")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList();
            CollectionAssert.AreEquivalent(people, named, $"{file}: {r.Stdout}");
            Assert.IsTrue(faces.All(f => f.GetProperty("box").GetArrayLength() == 4 && f.TryGetProperty("distance", out _)));
        }
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void Cluster_GroupsKnnTrainByPerson()
    {
        foreach (var args in new[] { new[] { "--k", "5" }, Array.Empty<string>() })
        {
            var r = CliRunner.Run(["cluster", TestData.Photo("knn_examples/train"), "--json", .. args]);
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            Assert.AreEqual(5, r.Json.GetProperty("clusters").GetArrayLength(), r.Stdout);
            Assert.AreEqual(1.0, r.Json.GetProperty("nmi").GetDouble(), 1e-6);
        }
    }
}
