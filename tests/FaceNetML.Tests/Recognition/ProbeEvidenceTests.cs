using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

[TestClass]
public sealed class ProbeEvidenceTests
{
    private static float[] E(params float[] v)
    {
        var n = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / n).ToArray();
    }

    private static Gallery TwoPeople()
    {
        var g = new Gallery("m", 1.1f);
        g.Add("Ann", E(1, 0, 0), "ann1");
        g.Add("Ann", E(1, 0.2f, 0), "ann2");
        g.Add("Bob", E(0, 1, 0), "bob1");
        return g;
    }

    [TestMethod]
    public void OneFace_EvidenceHoldsNearestRunnerUpTemplateAndSignals()
    {
        var evidence = new ProbeEvidence(TwoPeople());
        evidence.Add(new FaceProbe(E(1, 0.1f, 0), FaceSize: 30, DetectorScore: 0.99f, EmbeddingNorm: 12));
        var (e, candidate, second) = evidence.Summarise();
        Assert.AreEqual("Ann", candidate);
        Assert.AreEqual("Bob", second);
        Assert.AreEqual(2, e!.CandidatePhotos);
        Assert.AreEqual(2, e.GalleryPeople);
        Assert.AreEqual(1, e.Frames);
        Assert.AreEqual(1f, e.VoteShare);
        Assert.AreEqual(30f, e.FaceSize);
        Assert.IsLessThan(e.SecondDistance, e.NearestDistance);
        var features = e.Features(5);
        Assert.AreEqual(e.SecondDistance - e.NearestDistance, features[1], 1e-6f);
        Assert.AreEqual(MathF.Log(30), features[5], 1e-6f);
    }

    [TestMethod]
    public void Track_CandidateIsTheSmallestMeanDistance_NotTheLastFrame()
    {
        var evidence = new ProbeEvidence(TwoPeople());
        evidence.Add(new FaceProbe(E(1, 0.05f, 0)));
        evidence.Add(new FaceProbe(E(1, 0.1f, 0.1f)));
        evidence.Add(new FaceProbe(E(0.6f, 1, 0))); // one frame nearer Bob
        var (e, candidate, _) = evidence.Summarise();
        Assert.AreEqual("Ann", candidate);
        Assert.AreEqual(3, e!.Frames);
        Assert.AreEqual(2f / 3, e.VoteShare, 1e-6f);
        Assert.IsTrue(float.IsNaN(e.FaceSize), "no sizes were given");
        // Frames beyond the rule's maximum count as the maximum.
        Assert.AreEqual(MathF.Log(2), e.Features(2)[8], 1e-6f);
        var id = evidence.Decide();
        Assert.AreEqual("Ann", id.Person);
        Assert.AreEqual("Bob", id.SecondNearest);
    }

    [TestMethod]
    public void EmptyGallery_AnswersNobody_AndWrongLengthsAreRefused()
    {
        var empty = new ProbeEvidence(new Gallery("m", 1.1f));
        empty.Add(new FaceProbe(E(1, 0, 0)));
        Assert.AreEqual(Identification.Nobody, empty.Decide());
        var evidence = new ProbeEvidence(TwoPeople());
        Assert.ThrowsExactly<ArgumentException>(() => evidence.Add(new FaceProbe(E(1, 0))));
    }
}
