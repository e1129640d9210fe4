namespace FaceNetML.Tests.Cli;

[TestClass]
public sealed class EvalLfwCommandTests
{
    /// <summary>The acceptance figure: MobileFaceNet on lfw-dev (LFW-a, grayscale, 5 folds) reaches 98.5%.</summary>
    [TestMethod]
    public void LfwDevAccuracyIsAtLeast98Point5Percent()
    {
        var r = CliRunner.Run("eval", "lfw", "--pairs", TestData.DataPath("lfw-dev", "pairs.txt"),
            "--images", TestData.DataPath("lfw-dev", "images"), "--folds-from-header", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var json = r.Json;
        Assert.AreEqual(3000, json.GetProperty("pairs").GetInt32());
        Assert.AreEqual(5, json.GetProperty("folds").GetInt32());
        var accuracy = json.GetProperty("accuracy").GetDouble();
        Assert.IsTrue(accuracy >= 0.985, $"accuracy {accuracy}");
        Assert.IsTrue(json.GetProperty("auc").GetDouble() > 0.99);
        foreach (var key in new[] { "accuracyStd", "eer", "valAtFar1e3", "threshold", "facesNotFound", "imagesPerSecond" })
            Assert.IsTrue(json.TryGetProperty(key, out _), key);
    }

    /// <summary>Any LFW-format folder works, with the fold count taken from the header.</summary>
    [TestMethod]
    public void AnyLfwFormatFolderWorks()
    {
        var dir = TestData.TempDir("mini-lfw");
        var images = Path.Combine(dir, "imgs");
        void Put(string name, int i, string source)
        {
            Directory.CreateDirectory(Path.Combine(images, name));
            File.Copy(source, Path.Combine(images, name, $"{name}_{i:D4}.jpg"));
        }
        Put("Obama", 1, TestData.Photo("obama.jpg"));
        Put("Obama", 2, TestData.Photo("obama2.jpg"));
        Put("Obama", 3, TestData.Photo("obama-480p.jpg"));
        Put("Biden", 1, TestData.Photo("biden.jpg"));
        File.WriteAllLines(Path.Combine(dir, "pairs.txt"),
        [
            "2 1",
            "Obama 1 2",
            "Obama 1 Biden 1",
            "Obama 2 3",
            "Obama 3 Biden 1",
        ]);
        var r = CliRunner.Run("eval", "lfw", "--pairs", Path.Combine(dir, "pairs.txt"), "--images", images, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.AreEqual(2, r.Json.GetProperty("folds").GetInt32());
        Assert.AreEqual(4, r.Json.GetProperty("pairs").GetInt32());
        Assert.AreEqual(1.0, r.Json.GetProperty("auc").GetDouble(), 1e-9);
    }
}
