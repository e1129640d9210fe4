using FaceNetML.Cli;

namespace FaceNetML.Tests.Cli;

/// <summary><c>detect</c> over several images (one row each, an error row for a bad file), and <c>identify</c> with the
/// gallery's own model and with a folder of people.</summary>
[TestClass]
public sealed class DetectManyIdentifyCliTests
{
    private static string Photo(string name) => TestData.DataPath("photos", name);

    [TestMethod]
    public void Detect_OneImage_AnswersWithItsFacesAlone()
    {
        var r = CliRunner.Run("detect", Photo("two_people.jpg"), "--json");
        Assert.AreEqual(ExitCodes.Success, r.ExitCode, r.Stderr);
        Assert.IsFalse(r.Json.TryGetProperty("results", out _), r.Stdout);
        Assert.AreEqual(2, r.Json.GetProperty("faces").GetArrayLength(), r.Stdout);

        var text = CliRunner.Run("detect", Photo("two_people.jpg"));
        StringAssert.StartsWith(text.Stdout, Photo("two_people.jpg") + ": 2 face(s)");
    }

    [TestMethod]
    public void Detect_ManyImages_OneRowEach_ACorruptOneIsAnErrorRow()
    {
        var corrupt = Path.Combine(TestData.TempDir("detect-many"), "corrupt.jpg");
        var bytes = File.ReadAllBytes(Photo("obama.jpg"));
        File.WriteAllBytes(corrupt, bytes[..64]);
        var r = CliRunner.Run("detect", Photo("obama.jpg"), corrupt, Photo("two_people.jpg"), "--json");
        Assert.AreEqual(ExitCodes.BadInput, r.ExitCode, r.Stderr);
        var rows = r.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.HasCount(3, rows);
        CollectionAssert.AreEqual(new[] { Photo("obama.jpg"), corrupt, Photo("two_people.jpg") }, rows.Select(x => x.GetProperty("path").GetString()).ToArray());
        Assert.IsGreaterThanOrEqualTo(1, rows[0].GetProperty("faces").GetArrayLength());
        Assert.IsFalse(rows[1].TryGetProperty("faces", out _));
        StringAssert.Contains(rows[1].GetProperty("error").GetString(), "corrupt.jpg");
        Assert.AreEqual(2, rows[2].GetProperty("faces").GetArrayLength());
        Assert.AreEqual(ExitCodes.BadInput, r.Json.GetProperty("code").GetInt32());
        Assert.AreEqual(rows[1].GetProperty("error").GetString(), r.Json.GetProperty("error").GetString());

        // The same in text: the good images' faces on stdout, one error line on stderr.
        var text = CliRunner.Run("detect", Photo("obama.jpg"), corrupt, Photo("two_people.jpg"));
        Assert.AreEqual(ExitCodes.BadInput, text.ExitCode);
        StringAssert.Contains(text.Stdout, Photo("two_people.jpg") + ": 2 face(s)");
        Assert.IsFalse(text.Stdout.Contains("corrupt.jpg", StringComparison.Ordinal), text.Stdout);
        Assert.AreEqual(1, text.Stderr.Trim().Split('\n').Length, text.Stderr);
        StringAssert.StartsWith(text.Stderr, "error: ");

        var fine = CliRunner.Run("detect", Photo("obama.jpg"), Photo("biden.jpg"), "--json");
        Assert.AreEqual(ExitCodes.Success, fine.ExitCode, fine.Stderr);
        Assert.AreEqual(2, fine.Json.GetProperty("results").GetArrayLength());
    }

    [TestMethod]
    public void Identify_WithoutModel_UsesTheModelTheGalleryWasBuiltWith()
    {
        var gallery = Path.Combine(TestData.TempDir("identify-model"), "dlib.json");
        var enrol = CliRunner.Run("enroll", TestData.DataPath("photos", "knn_examples", "train"), "--out", gallery, "--model", "dlib-resnet", "--json");
        Assert.AreEqual(ExitCodes.Success, enrol.ExitCode, enrol.Stderr);

        var r = CliRunner.Run("identify", TestData.DataPath("photos", "knn_examples", "test", "obama1.jpg"), "--gallery", gallery, "--json");
        Assert.AreEqual(ExitCodes.Success, r.ExitCode, r.Stderr);
        Assert.AreEqual("obama", r.Json.GetProperty("faces")[0].GetProperty("person").GetString(), r.Stdout);

        // Another model, named: refused in one line.
        var other = CliRunner.Run("identify", TestData.DataPath("photos", "knn_examples", "test", "obama1.jpg"), "--gallery", gallery, "--model", "mobilefacenet", "--json");
        Assert.AreEqual(ExitCodes.BadInput, other.ExitCode);
        StringAssert.Contains(other.Json.GetProperty("error").GetString(), "built with model 'dlib-resnet'");
    }

    [TestMethod]
    public void Identify_GalleryFolder_OfSubFoldersOrOfPhotosNamedAfterPeople()
    {
        var byFolder = CliRunner.Run("identify", Photo("two_people.jpg"), "--gallery", TestData.DataPath("photos", "knn_examples", "train"), "--json");
        Assert.AreEqual(ExitCodes.Success, byFolder.ExitCode, byFolder.Stderr);
        CollectionAssert.AreEquivalent(new[] { "biden", "obama" },
            byFolder.Json.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("person").GetString()).ToArray(), byFolder.Stdout);

        var named = TestData.TempDir("identify-named");
        File.Copy(Photo("obama.jpg"), Path.Combine(named, "Barack Obama.jpg"));
        File.Copy(Photo("biden.jpg"), Path.Combine(named, "Joe Biden.jpg"));
        var byName = CliRunner.Run("identify", Photo("two_people.jpg"), "--gallery", named, "--json");
        Assert.AreEqual(ExitCodes.Success, byName.ExitCode, byName.Stderr);
        CollectionAssert.AreEquivalent(new[] { "Barack Obama", "Joe Biden" },
            byName.Json.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("person").GetString()).ToArray(), byName.Stdout);

        var empty = CliRunner.Run("identify", Photo("two_people.jpg"), "--gallery", TestData.TempDir("identify-empty"), "--json");
        Assert.AreEqual(ExitCodes.BadInput, empty.ExitCode);
        StringAssert.Contains(empty.Json.GetProperty("error").GetString(), "no photos found");
    }
}
