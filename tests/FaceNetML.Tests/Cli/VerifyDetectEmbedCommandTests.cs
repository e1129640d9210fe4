namespace FaceNetML.Tests.Cli;

[TestClass]
public sealed class VerifyDetectEmbedCommandTests
{
    [TestMethod]
    public void VerifySaysSameForTwoPhotosOfObama()
    {
        var r = CliRunner.Run("verify", TestData.Photo("obama.jpg"), TestData.Photo("obama2.jpg"), "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.IsTrue(r.Json.GetProperty("same").GetBoolean(), r.Stdout);
        Assert.AreEqual("mobilefacenet", r.Json.GetProperty("model").GetString());
        Assert.IsTrue(r.Json.GetProperty("distance").GetSingle() < r.Json.GetProperty("threshold").GetSingle());
    }

    [TestMethod]
    public void VerifySaysDifferentForObamaAndBiden()
    {
        var r = CliRunner.Run("verify", TestData.Photo("obama.jpg"), TestData.Photo("biden.jpg"), "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.IsFalse(r.Json.GetProperty("same").GetBoolean(), r.Stdout);
    }

    [TestMethod]
    public void DetectFindsTwoFacesWithLandmarks()
    {
        var r = CliRunner.Run("detect", TestData.Photo("two_people.jpg"), "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var faces = r.Json.GetProperty("faces");
        Assert.AreEqual(2, faces.GetArrayLength());
        foreach (var face in faces.EnumerateArray())
        {
            Assert.AreEqual(4, face.GetProperty("box").GetArrayLength());
            Assert.AreEqual(5, face.GetProperty("landmarks").GetArrayLength());
            Assert.IsTrue(face.GetProperty("score").GetSingle() > 0.9f);
        }
    }

    [TestMethod]
    public void EmbedBatchKeepsGoodFilesAndReportsEachBadOneOnOneLine()
    {
        var dir = TestData.TempDir("embed-batch");
        var obama = File.ReadAllBytes(TestData.Photo("obama.jpg"));
        var corrupt = Path.Combine(dir, "corrupt.jpg");
        File.WriteAllBytes(corrupt, obama[..(obama.Length / 3)]);
        var empty = Path.Combine(dir, "empty.jpg");
        File.WriteAllBytes(empty, []);
        var text = Path.Combine(dir, "notes.jpg");
        File.WriteAllText(text, "this is not an image\n");
        var alpha = TestData.DataPath("photos", "edge-cases", "32bit.png");
        var good = TestData.Photo("obama.jpg");

        var r = CliRunner.Run("embed", good, corrupt, empty, text, alpha, "--json");
        Assert.AreEqual(2, r.ExitCode, r.Stderr);
        var results = r.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.AreEqual(5, results.Count);
        Assert.AreEqual(192, results[0].GetProperty("embedding").GetArrayLength());
        Assert.AreEqual(192, results[4].GetProperty("embedding").GetArrayLength(), "the PNG with alpha is a good file");
        foreach (var bad in results.Skip(1).Take(3))
            Assert.IsTrue(bad.TryGetProperty("error", out _), bad.ToString());
        var errorLines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToList();
        Assert.AreEqual(3, errorLines.Count, r.Stderr);
        Assert.IsFalse(r.Stderr.Contains("   at "), "no stack trace: " + r.Stderr);
    }

    [TestMethod]
    public void MissingFileGivesExitCode2AndOneLine()
    {
        var r = CliRunner.Run("verify", "/nonexistent/a.jpg", TestData.Photo("obama.jpg"), "--json");
        Assert.AreEqual(2, r.ExitCode);
        Assert.AreEqual(2, r.Json.GetProperty("code").GetInt32(), "under --json a failure is still one object: " + r.Stdout);
        StringAssert.Contains(r.Json.GetProperty("error").GetString(), "file not found");
        Assert.AreEqual(1, r.Stderr.Trim().Split('\n').Length, r.Stderr);
    }

    [TestMethod]
    public void NoFaceGivesExitCode3()
    {
        var dir = TestData.TempDir("noface");
        var blank = Path.Combine(dir, "blank.png");
        FaceNetML.Imaging.ImageEncoder.SavePng(new FaceNetML.Imaging.RgbImage(200, 200), blank);
        var r = CliRunner.Run("verify", blank, TestData.Photo("obama.jpg"));
        Assert.AreEqual(3, r.ExitCode, r.Stderr);
        StringAssert.Contains(r.Stderr, "no face");
    }

    [TestMethod]
    public void BadArgumentsGiveExitCode2()
    {
        var r = CliRunner.Run("verify", "--no-such-option");
        Assert.AreEqual(2, r.ExitCode);
        Assert.AreEqual(1, r.Stderr.Trim().Split('\n').Length, r.Stderr);
    }
}
