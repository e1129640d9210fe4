using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>Every kind of unusable image path: refused with exit 2, one line and one JSON object, alone or in a batch
/// whose good files keep their results.</summary>
[TestClass]
public sealed class HostileImageTests
{
    public static IEnumerable<object[]> Kinds => HostileFiles.BadImages.Select(k => new object[] { k.Kind, k.Path, k.Error });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void DetectRefusesItWithOneLineAndOneJsonObject(string kind, string path, string error)
    {
        var r = CliRunner.Run("detect", HostileFiles.Resolve(path), "--json");
        CleanFailure.Assert(r, 2, error);
    }

    [TestMethod]
    public void EmbedBatchKeepsBothGoodResultsAroundEveryBadFile()
    {
        var bad = HostileFiles.BadImages.Select(k => HostileFiles.Resolve(k.Path)).ToList();
        string good = TestData.Photo("obama.jpg"), alpha = TestData.DataPath("photos", "edge-cases", "32bit.png");
        var r = CliRunner.Run(["embed", good, .. bad, alpha, "--json"]);

        Assert.AreEqual(2, r.ExitCode, r.Stderr);
        Assert.IsFalse(r.Stderr.Contains("   at "), r.Stderr);
        var json = CleanFailure.Answer(r);
        Assert.AreEqual(2, json.GetProperty("code").GetInt32());
        var rows = json.GetProperty("results").EnumerateArray().ToList();
        Assert.AreEqual(bad.Count + 2, rows.Count);
        Assert.AreEqual(192, rows[0].GetProperty("embedding").GetArrayLength(), "the good JPEG keeps its result");
        Assert.AreEqual(192, rows[^1].GetProperty("embedding").GetArrayLength(), "the 32-bit PNG keeps its result");
        for (int i = 0; i < bad.Count; i++)
        {
            var (kind, _, error) = HostileFiles.BadImages[i];
            StringAssert.Contains(rows[i + 1].GetProperty("error").GetString(), error, kind);
        }
        var lines = CleanFailure.Lines(r.Stderr);
        Assert.AreEqual(bad.Count, lines.Count, "one line per bad file: " + r.Stderr);
        Assert.IsTrue(lines.All(l => l.StartsWith("error: ")), r.Stderr);
        Assert.AreEqual(lines[0]["error: ".Length..], json.GetProperty("error").GetString());
    }

    [TestMethod]
    public void VerifyWithABadFileGivesTheErrorObject()
    {
        var r = CliRunner.Run("verify", TestData.Photo("obama.jpg"), "/dev/zero", "--json");
        CleanFailure.Assert(r, 2, "not a regular file");
    }

    [TestMethod]
    public void NoFaceIsExit3WithOneLineAndTheErrorObject()
    {
        var blank = Path.Combine(TestData.TempDir("hostile-blank"), "blank.png");
        FaceNetML.Imaging.ImageEncoder.SavePng(new FaceNetML.Imaging.RgbImage(200, 200), blank);
        var r = CliRunner.Run("embed", blank, "--json");
        var json = CleanFailure.Assert(r, 3, "no face");
        Assert.AreEqual(1, json.GetProperty("results").GetArrayLength(), "the batch's rows stay in the answer");
    }
}
