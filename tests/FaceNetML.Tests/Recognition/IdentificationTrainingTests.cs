using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Trainers.Recognition;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.Recognition;

/// <summary>The rule trainer, the simulated trials and the ML.NET estimator on a small real CelebA bank.</summary>
[TestClass]
public sealed class IdentificationTrainingTests
{
    private static FacePipeline _pipeline = null!;
    private static FaceBank _bank = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store, Choice = FaceChoice.Centred });
        _bank = FaceBank.Build(_pipeline, [TestData.DataPath("celeba-extra")], [TestData.DataPath("faces-unlabeled", "celeba")],
            maxStrangers: 120, maxIdentities: 160, seed: 3);
    }

    [ClassCleanup]
    public static void Cleanup() => _pipeline?.Dispose();

    [TestMethod]
    public void Bank_HasEnrolmentAndVideoLikeViewsOfRealFaces_WithTheirGrayscaleEmbeddings()
    {
        Assert.IsGreaterThan(140, _bank.Identities.Count);
        Assert.IsGreaterThan(100, _bank.Strangers.Count);
        var faces = _bank.Identities.SelectMany(i => i.Faces).ToList();
        Assert.IsTrue(faces.All(f => f.EnrolColour.Length == 192 && f.EnrolGray.Length == 192 && f.Degraded.Count == BankFace.Levels));
        Assert.IsTrue(faces.All(f => f.Probe.GrayEmbedding is { Length: 192 } && float.IsFinite(f.Probe.Sharpness)), "probes carry grayscale embeddings and sharpness");
        // The largest stratum (38-64 px) survives detection (the test pipeline detects faces of 20 px and more).
        var large = faces.Where(f => f.Degraded[^1] is not null).ToList();
        Assert.IsGreaterThan(faces.Count / 2, large.Count, "most faces survive shrinking to 38-64 px");
        Assert.IsGreaterThan(0.9 * large.Count, large.Count(f => f.Degraded[^1]!.FaceSize <= 70), "video-like faces are small");
        // Smaller, blurred and compressed faces hold less detail than the same faces as photographed.
        double sharpPhoto = large.Average(f => f.Probe.Sharpness), sharpVideo = large.Average(f => f.Degraded[^1]!.Sharpness);
        Assert.IsGreaterThan(sharpVideo, sharpPhoto, $"mean sharpness: photos {sharpPhoto:F2}, video-like {sharpVideo:F2}");
    }

    [TestMethod]
    public void Trainer_LearnsARuleThatSeparatesRightAnswersFromStrangers_AtTheTargetFpir()
    {
        var (calibration, heldOut) = _bank.Split(0.3, 3);
        CollectionAssert.AreEquivalent(_bank.Identities.Select(i => i.Name).ToList(),
            calibration.Identities.Concat(heldOut.Identities).Select(i => i.Name).ToList());
        Assert.IsFalse(calibration.Identities.Select(i => i.Name).Intersect(heldOut.Identities.Select(i => i.Name)).Any(), "no identity on both sides");

        var options = new OpenSetTrialOptions { Galleries = 40, MaxPeople = 20, Seed = 3 };
        var trials = OpenSetTrials.Generate(calibration.Identities, calibration.Strangers, "mobilefacenet", 1.1f, options);
        Assert.IsGreaterThan(100, trials.Count(t => t.Mate));
        Assert.IsGreaterThan(100, trials.Count(t => !t.Mate));
        Assert.IsTrue(trials.Any(t => t.Evidence.Frames > 5), "tracks as well as single faces");
        var rule = IdentificationRuleTrainer.Fit(new MLContext(3), trials, "mobilefacenet", options.MaxFrames, targetFpir: 0.05);
        var fit = new OpenSetMetrics(trials.Select(t => new OpenSetSearch(rule.Confidence(t.Evidence), t.Mate, t.Correct)).ToList());
        Assert.IsLessThanOrEqualTo(0.05, fit.FpirAt(rule.Threshold));

        var test = OpenSetTrials.Generate(heldOut.Identities, heldOut.Strangers, "mobilefacenet", 1.1f, options with { Seed = 4 });
        double right = test.Where(t => t.Correct).Average(t => rule.Confidence(t.Evidence));
        double strangers = test.Where(t => !t.Mate).Average(t => rule.Confidence(t.Evidence));
        Assert.IsGreaterThan(strangers + 0.3, right, $"held-out mean confidence: right answers {right:F3}, strangers {strangers:F3}");
        var held = new OpenSetMetrics(test.Select(t => new OpenSetSearch(rule.Confidence(t.Evidence), t.Mate, t.Correct)).ToList());
        // Three probes in four are video-like (faces of 12-64 px, blurred, noised, compressed): far harder than photos.
        Assert.IsGreaterThan(0.25, held.DirAtFpir(0.05), $"held-out DIR at FPIR 5%: {held.DirAtFpir(0.05):P1}");
    }

    [TestMethod]
    public void MLNetEstimator_LearnsTheRuleFromLabelledEmbeddings_AndNamesRows()
    {
        var people = _bank.Identities.Where(i => i.Faces.Count >= 3).Take(40).ToList();
        var gallery = new Gallery("mobilefacenet", 1.1f);
        foreach (var p in people.Take(25)) gallery.Add(p.Name, p.Faces[0].EnrolColour, p.Faces[0].Path);
        var rows = people.Take(25).SelectMany(p => p.Faces.Skip(1).Select(f => new Row { Label = p.Name, Embedding = f.Probe.Embedding }))
            .Concat(people.Skip(25).SelectMany(p => p.Faces.Select(f => new Row { Label = "", Embedding = f.Probe.Embedding })))
            .Concat(_bank.Strangers.Take(60).Select(f => new Row { Label = "", Embedding = f.Probe.Embedding }))
            .ToList();
        var ml = new MLContext(5);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.FaceIdentification().Trainers.OpenSetRule(gallery, targetFpir: 0.05).Fit(data);
        Assert.IsTrue(model.Rule.Calibrated);
        Assert.AreSame(model.Rule, model.Gallery.Rule);

        var output = model.Transform(data);
        var predicted = output.GetColumn<string>("PredictedPerson").ToArray();
        var confidence = output.GetColumn<float>("Confidence").ToArray();
        int mates = rows.Count(r => r.Label != "");
        int right = rows.Select((r, i) => r.Label != "" && predicted[i] == r.Label).Count(x => x);
        int strangersNamed = rows.Select((r, i) => r.Label == "" && predicted[i] != "").Count(x => x);
        Assert.IsGreaterThan(0.6 * mates, right, $"{right} of {mates} enrolled probes named right");
        Assert.IsLessThanOrEqualTo(0.05 * (rows.Count - mates) + 1, strangersNamed);
        Assert.IsTrue(confidence.All(c => c is >= 0 and <= 1));
        // The transform gives what the gallery gives.
        var direct = model.Gallery.Identify(rows[0].Embedding);
        Assert.AreEqual(direct.Person ?? "", predicted[0]);
        Assert.AreEqual(direct.Confidence, confidence[0], 1e-6f);
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(192)]
        public float[] Embedding { get; set; } = [];
    }
}
