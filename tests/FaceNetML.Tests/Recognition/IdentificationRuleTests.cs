using FaceNetML.Verification;
using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

[TestClass]
public sealed class IdentificationRuleTests
{
    private static IdentificationEvidence Evidence(float nearest, float second = 1.5f, float faceSize = 60) =>
        new(nearest, second, nearest, 1, 7, faceSize, 0.999f, 20, 1, 1);

    [TestMethod]
    public void DistanceOnly_ReproducesTheVerificationDecision()
    {
        var rule = IdentificationRule.DistanceOnly("m", 1.1f);
        Assert.IsFalse(rule.Calibrated);
        Assert.IsGreaterThanOrEqualTo(rule.Threshold, rule.Confidence(Evidence(1.09f)));
        Assert.IsLessThan(rule.Threshold, rule.Confidence(Evidence(1.11f)));
    }

    [TestMethod]
    public void DistanceOnly_AtTheThreshold_IsNotNamed_LikeVerificationsStrictComparison()
    {
        const float t = 1.1f;
        var rule = IdentificationRule.DistanceOnly("m", t);
        Assert.IsFalse(VerificationRule.IsSamePerson(t, t));
        Assert.IsFalse(rule.Decide(Evidence(t)).Named, "d = t is not the same person, for identification as for verification");
        Assert.IsTrue(rule.Decide(Evidence(MathF.BitDecrement(t))).Named);
        StringAssert.StartsWith(rule.Decide(Evidence(t)).Reason, "not confident: distance 1.100 >= 1.100");

        // Stored before the threshold was kept: the rule still decides on the distance.
        var stored = IdentificationRule.Parse(rule.ToJson().Replace("\"distanceThreshold\"", "\"ignoredField\""), "old");
        Assert.IsNotNull(stored.DistanceThreshold);
        Assert.AreEqual(t, stored.DistanceThreshold!.Value, 1e-6f);
        Assert.AreEqual(t, IdentificationRule.Parse(rule.ToJson(), "new").DistanceThreshold);
    }

    [TestMethod]
    public void BuiltInRule_IsCalibrated_AndMoreDistanceOrLessMarginLowersConfidence()
    {
        var rule = IdentificationRule.BuiltIn("mobilefacenet");
        Assert.IsNotNull(rule);
        Assert.IsTrue(rule.Calibrated);
        Assert.AreEqual("mobilefacenet", rule.Model);
        Assert.IsTrue(rule.Threshold is > 0 and < 1);
        Assert.IsNotNull(rule.HeldOut, "the shipped rule carries its held-out figures");
        Assert.IsGreaterThan(rule.Confidence(Evidence(1.0f)), rule.Confidence(Evidence(0.8f)));
        Assert.IsGreaterThan(rule.Confidence(Evidence(0.9f, second: 1.0f)), rule.Confidence(Evidence(0.9f, second: 1.4f)));
        Assert.IsNull(IdentificationRule.BuiltIn("no-such-model"));
        Assert.IsFalse(IdentificationRule.Default("no-such-model", 1.1f).Calibrated);
    }

    [TestMethod]
    public void Json_RoundTrips_AndBrokenRulesAreOneLineErrors()
    {
        var rule = IdentificationRule.BuiltIn("mobilefacenet")!;
        var back = IdentificationRule.Parse(rule.ToJson(), "rule.json");
        CollectionAssert.AreEqual(rule.Weights, back.Weights);
        Assert.AreEqual(rule.Threshold, back.Threshold);
        Assert.AreEqual(rule.Confidence(Evidence(0.95f)), back.Confidence(Evidence(0.95f)));

        foreach (var (broken, expected) in new[]
        {
            ("{ not json", "not a valid identification rule"),
            ("{\"format\":\"other\"}", "not an identification rule"),
            (rule.ToJson().Replace("\"threshold\": ", "\"threshold\": 7"), "confidence threshold"),
            (rule.ToJson().Replace("\"nearestDistance\"", "\"somethingElse\""), "not this version's"),
            (rule.ToJson().Replace("\"bias\": ", "\"bias\": \"NaN\", \"old\": "), "finite"),
        })
        {
            var e = Assert.ThrowsExactly<BadInputException>(() => IdentificationRule.Parse(broken, "rule.json"), broken[..Math.Min(40, broken.Length)]);
            StringAssert.Contains(e.Message, expected);
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
