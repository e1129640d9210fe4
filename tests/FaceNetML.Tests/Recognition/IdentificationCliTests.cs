using System.Diagnostics;
using System.Text.Json;
using FaceNetML.Recognition;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Recognition;

/// <summary>The identification surface of the CLI: video open-set scoring, enrolment from video, eval identify,
/// identify-rule show, and galleries that must be refused.</summary>
[TestClass]
public sealed class IdentificationCliTests
{
    private static string Ytf(string name) => TestData.DataPath("ytf-dev", name);

    [TestMethod]
    public void Video_OpenSet_ReportsFalseAlarmsOfEachTruthPersonRemoved_AndEveryFaceHasItsEvidence()
    {
        var r = CliRunner.Run("video", Ytf("Aaron_Guiel_5.mp4"), "--gallery", Ytf("gallery"), "--truth", Ytf("Aaron_Guiel_5.truth.csv"), "--open-set", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var json = r.Json;
        Assert.IsGreaterThanOrEqualTo(0.95, json.GetProperty("f1").GetDouble(), r.Stdout[..200]);
        var openSet = json.GetProperty("openSet");
        Assert.IsGreaterThan(100, openSet.GetProperty("detections").GetInt32());
        Assert.IsLessThanOrEqualTo(0.01, openSet.GetProperty("falseAlarmRate").GetDouble());
        Assert.IsTrue(openSet.GetProperty("perPerson").TryGetProperty("Aaron_Guiel", out _));
        var faces = json.GetProperty("faces").EnumerateArray().ToList();
        Assert.HasCount(json.GetProperty("detections").GetInt32(), faces);
        var named = faces.First(f => f.GetProperty("person").ValueKind == JsonValueKind.String);
        Assert.AreEqual("Aaron_Guiel", named.GetProperty("nearest").GetString());
        Assert.IsGreaterThan(0.5, named.GetProperty("confidence").GetDouble());
        Assert.AreEqual(JsonValueKind.String, named.GetProperty("secondNearest").ValueKind);

        var noTruth = CliRunner.Run("video", Ytf("Aaron_Guiel_5.mp4"), "--gallery", Ytf("gallery"), "--open-set");
        Assert.AreEqual(2, noTruth.ExitCode);
        StringAssert.Contains(noTruth.Stderr, "--open-set needs --truth");
    }

    [TestMethod]
    public void Enroll_FromVideo_AddsThePersonOfTheLongestTrack_AndAClipWithoutFacesIsExit3()
    {
        var dir = TestData.TempDir("enroll-video");
        var gallery = Path.Combine(dir, "gallery.json");
        Assert.AreEqual(0, CliRunner.Run("enroll", Ytf("gallery"), "--out", gallery).ExitCode);
        var r = CliRunner.Run("enroll", "--from-video", Ytf("Agbani_Darego_0.mp4"), "--person", "Agbani_From_Video", "--out", gallery, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.AreEqual(8, r.Json.GetProperty("people").GetInt32());
        Assert.AreEqual(3, r.Json.GetProperty("added").GetInt64());
        Assert.AreEqual("json", r.Json.GetProperty("backend").GetString());
        Assert.HasCount(3, Gallery.Load(gallery)["Agbani_From_Video"]!.Embeddings);

        // Her LFW photo is nearest to the person enrolled from the clip or to her own photo, and named.
        var id = CliRunner.Run("identify", TestData.DataPath("ytf-dev", "gallery", "Agbani_Darego", "Agbani_Darego_0001.jpg"), "--gallery", gallery, "--json");
        Assert.AreEqual(0, id.ExitCode, id.Stderr);
        var face = id.Json.GetProperty("faces")[0];
        CollectionAssert.Contains(new[] { "Agbani_Darego", "Agbani_From_Video" }, face.GetProperty("person").GetString());

        var blank = Path.Combine(dir, "blank.mp4");
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=160x120:d=1:r=10", "-pix_fmt", "yuv420p", blank])
            { RedirectStandardError = true })!;
        ffmpeg.WaitForExit();
        Assert.AreEqual(0, ffmpeg.ExitCode, ffmpeg.StandardError.ReadToEnd());
        var none = CliRunner.Run("enroll", "--from-video", blank, "--person", "Nobody", "--out", Path.Combine(dir, "other.json"), "--json");
        Assert.AreEqual(3, none.ExitCode, none.Stderr);
        Assert.AreEqual(3, none.Json.GetProperty("code").GetInt32());
        Assert.IsFalse(File.Exists(Path.Combine(dir, "other.json")));
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void Identify_RefusesBrokenGalleries_WithExit2AndOneLine()
    {
        var dir = TestData.TempDir("bad-galleries");
        var good = Path.Combine(dir, "good.json");
        Assert.AreEqual(0, CliRunner.Run("enroll", TestData.Photo("knn_examples/train"), "--out", good).ExitCode);
        var text = File.ReadAllText(good);
        var doc = JsonDocument.Parse(text).RootElement;
        string firstValue = doc.GetProperty("people")[0].GetProperty("embeddings")[0][0].GetRawText();
        var cases = new Dictionary<string, string>
        {
            ["empty-person"] = text.Replace("\"people\":[", "\"people\":[{\"name\":\"ghost\",\"sources\":[],\"embeddings\":[]},"),
            ["nan"] = text.Replace("[[" + firstValue + ",", "[[\"NaN\","),
            ["huge"] = text.Replace("[[" + firstValue + ",", "[[1e39,"),
            ["other-model"] = text.Replace("\"model\":\"mobilefacenet\"", "\"model\":\"other-model\""),
            ["short-embedding"] = text.Replace("[[" + firstValue + ",", "[["),
            ["no-people"] = text[..text.IndexOf("\"people\":[", StringComparison.Ordinal)] + "\"people\":[]}",
            ["two-values"] = "{\"format\":\"facenetml-gallery/2\",\"model\":\"mobilefacenet\",\"threshold\":1.1,\"people\":[{\"name\":\"a\",\"embeddings\":[[1,0]]}]}",
            ["negative-threshold"] = text.Replace("\"threshold\":1.1", "\"threshold\":-5"),
        };
        foreach (var (name, json) in cases)
        {
            Assert.AreNotEqual(text, json, name);
            var path = Path.Combine(dir, name + ".json");
            File.WriteAllText(path, json);
            var r = CliRunner.Run("identify", TestData.Photo("obama.jpg"), "--gallery", path);
            Assert.AreEqual(2, r.ExitCode, $"{name}: {r.Stdout} {r.Stderr}");
            Assert.AreEqual(1, r.Stderr.Trim().Split('\n').Length, $"{name}: {r.Stderr}");
            Assert.DoesNotContain("   at ", r.Stderr, name);
        }
        var device = CliRunner.Run("identify", TestData.Photo("obama.jpg"), "--gallery", "/dev/zero", "--json");
        Assert.AreEqual(2, device.ExitCode, device.Stderr);
        StringAssert.Contains(device.Json.GetProperty("error").GetString(), "not a regular file");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void EvalIdentify_OnAnLfwStyleFolder_ReportsRank1DirAndADetCurve_AndRuleShowPrintsTheRule()
    {
        var dir = TestData.TempDir("eval-identify");
        var people = Path.Combine(dir, "people");
        Directory.CreateDirectory(people);
        var source = TestData.DataPath("lfw-dev", "images");
        // 30 people with 3+ photos and 30 with fewer, linked (not copied) from the shared data.
        var folders = Directory.GetDirectories(source).Order(StringComparer.Ordinal).ToList();
        foreach (var f in folders.Where(f => Directory.GetFiles(f).Length >= 3).Take(30).Concat(folders.Where(f => Directory.GetFiles(f).Length < 3).Take(30)))
            Directory.CreateSymbolicLink(Path.Combine(people, Path.GetFileName(f)), f);
        var png = Path.Combine(dir, "det.png");
        var r = CliRunner.Run("eval", "identify", "--from", people, "--enrol", "1", "--det-png", png, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var j = r.Json;
        Assert.IsGreaterThan(0, j.GetProperty("mateSearches").GetInt32());
        Assert.IsGreaterThan(30, j.GetProperty("nonMateSearches").GetInt32());
        Assert.IsGreaterThan(0.9, j.GetProperty("rank1").GetDouble(), r.Stdout);
        Assert.IsTrue(j.GetProperty("ruleCalibrated").GetBoolean());
        foreach (var key in new[] { "dirAtFpir1e2", "dirAtFpir1e3" }) Assert.IsTrue(j.GetProperty(key).GetDouble() is >= 0 and <= 1);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);

        var show = CliRunner.Run("identify-rule", "show");
        Assert.AreEqual(0, show.ExitCode, show.Stderr);
        StringAssert.Contains(show.Stdout, "identification rule for mobilefacenet (calibrated)");
        StringAssert.Contains(show.Stdout, "nearestDistance");
        var showJson = CliRunner.Run("identify-rule", "show", "--json");
        Assert.AreEqual(FaceNetML.Recognition.IdentificationRule.FormatName, showJson.Json.GetProperty("format").GetString());
        Directory.Delete(dir, true);
    }
}
