using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

/// <summary>The rule's quality side: faces too small or too soft are unknown with a reason, each face-size bin has its
/// own threshold, and rules of the older format stored in galleries give way to the model's current rule.</summary>
[TestClass]
public sealed class QualityRuleTests
{
    private static IdentificationEvidence Evidence(float nearest, float faceSize, float sharpness = float.NaN) =>
        new(nearest, 1.6f, nearest, 1, 7, faceSize, 0.999f, 20, 1, 1, Sharpness: sharpness);

    /// <summary>A rule on nearest distance alone (confidence = sigmoid((1.1 - d) / 0.05)) with quality limits and bins.</summary>
    private static IdentificationRule Rule(float minFaceSize = 20, float minSharpness = -3)
    {
        var d = IdentificationRule.DistanceOnly("m", 1.1f);
        return new IdentificationRule("m", d.Features, d.Mean, d.Scale, d.Weights, d.Bias, 0.5f, 1, minFaceSize: minFaceSize,
            minSharpness: minSharpness, sizeBinEdges: [24, 40, 64], sizeBinThresholds: [0.99f, 0.9f, 0.5f, 0.5f]);
    }

    [TestMethod]
    public void TooSmallOrTooSoft_IsUnknownWithAReason_WhateverTheDistance()
    {
        var rule = Rule();
        var small = rule.Decide(Evidence(0.2f, faceSize: 15));
        Assert.IsFalse(small.Named);
        Assert.AreEqual("too small: 15 px (needs 20)", small.Reason);
        var soft = rule.Decide(Evidence(0.2f, faceSize: 80, sharpness: -4.5f));
        Assert.IsFalse(soft.Named);
        StringAssert.StartsWith(soft.Reason, "too soft: sharpness -4.50");
        var fine = rule.Decide(Evidence(0.2f, faceSize: 80, sharpness: -1));
        Assert.IsTrue(fine.Named);
        Assert.IsNull(fine.Reason);
        // Unknown size and sharpness (an embedding alone) are judged by the overall threshold.
        Assert.IsTrue(rule.Decide(Evidence(1.0f, float.NaN)).Named);
    }

    [TestMethod]
    public void EachSizeBin_HasItsOwnThreshold()
    {
        var rule = Rule();
        Assert.AreEqual(0.99f, rule.ThresholdFor(20));
        Assert.AreEqual(0.9f, rule.ThresholdFor(24));
        Assert.AreEqual(0.5f, rule.ThresholdFor(63.9f));
        Assert.AreEqual(0.5f, rule.ThresholdFor(300));
        Assert.AreEqual(0.5f, rule.ThresholdFor(float.NaN));
        // Confidence 0.88 at distance 1.0: named at 70 px, not at 30 px (bin threshold 0.9) nor at 22 px.
        var (confidence, named, _) = rule.Decide(Evidence(1.0f, 70));
        Assert.AreEqual(0.88f, confidence, 0.01f);
        Assert.IsTrue(named);
        var mid = rule.Decide(Evidence(1.0f, 30));
        Assert.IsFalse(mid.Named);
        StringAssert.StartsWith(mid.Reason, "not confident: 0.88 < 0.90");
        Assert.IsFalse(rule.Decide(Evidence(1.0f, 22)).Named);
    }

    [TestMethod]
    public void ProbeEvidence_PassesTheReasonOn()
    {
        var gallery = new Gallery("m", 1.1f, Rule(minFaceSize: 30));
        gallery.Add("Ann", [1, 0, 0]);
        gallery.Add("Bob", [0, 1, 0]);
        var id = gallery.Identify(new FaceProbe([1, 0.05f, 0], FaceSize: 19));
        Assert.IsNull(id.Person);
        Assert.AreEqual("Ann", id.Nearest);
        Assert.AreEqual("too small: 19 px (needs 30)", id.Reason);
        Assert.AreEqual("Ann", gallery.Identify(new FaceProbe([1, 0.05f, 0], FaceSize: 90)).Person);
    }

    [TestMethod]
    public void BrokenQualityFields_AreOneLineErrors()
    {
        var json = Rule().ToJson();
        foreach (var (broken, expected) in new[]
        {
            (json.Replace("\"minFaceSize\": 20", "\"minFaceSize\": -1"), "minFaceSize"),
            (json.Replace("0.99,", "1.5,"), "size-bin thresholds"),
            (json.Replace("\"sizeBinEdges\": [", "\"sizeBinEdges\": [ 90,"), "size-bin"),
        })
        {
            Assert.AreNotEqual(json, broken, expected);
            var e = Assert.ThrowsExactly<BadInputException>(() => IdentificationRule.Parse(broken, "rule.json"));
            StringAssert.Contains(e.Message, expected);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [TestMethod]
    public void AGalleryWithARuleOfTheOlderFormat_LoadsWithTheModelsCurrentRule_AndSaysSo()
    {
        var dir = TestData.TempDir("oldrule");
        var path = Path.Combine(dir, "gallery.json");
        var old = """{"format":"facenetml-identification-rule/1","model":"mobilefacenet","features":["nearestDistance"],"mean":[1],"scale":[1],"weights":[1],"bias":0,"threshold":0.8,"maxFrames":5}""";
        File.WriteAllText(path, $$"""{"format":"facenetml-gallery/2","model":"mobilefacenet","threshold":1.1,"rule":{{old}},"people":[{"name":"Ann","sources":["a.jpg"],"embeddings":[[1,0,0]]}]}""");
        var gallery = Gallery.Load(path);
        Assert.AreEqual(IdentificationRule.FormatName, gallery.Rule.Format);
        Assert.AreEqual(IdentificationRule.BuiltIn("mobilefacenet")!.Threshold, gallery.Rule.Threshold);
        Assert.HasCount(1, gallery.Warnings);
        StringAssert.Contains(gallery.Warnings[0], "older format");
        var e = Assert.ThrowsExactly<BadInputException>(() => IdentificationRule.Parse(old, "old.json"));
        StringAssert.Contains(e.Message, "train it again");
        Directory.Delete(dir, true);
    }
}
