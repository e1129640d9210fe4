using System.Diagnostics;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Evaluation;

/// <summary>What an LFW run measured: the protocol's report plus detection and speed facts.</summary>
public sealed record LfwEvaluation(
    VerificationReport Report,
    int Images,
    int FacesNotFound,
    IReadOnlyList<string> Errors,
    int PairsSkipped,
    double ImagesPerSecond,
    IReadOnlyList<float> Distances)
{
    /// <summary>For a fusion: each model's own k-fold accuracy and the weight learned for each fold (the report's accuracy
    /// is then the fusion's, with weight and threshold learned on the other folds); null for one model.</summary>
    public FusionFigures? Fusion { get; init; }
}

/// <summary>What the k-fold protocol measured for each model of a fusion and for the fusion's learned weights.</summary>
public sealed record FusionFigures(IReadOnlyList<string> Models, IReadOnlyList<KFoldResult> PerModel, IReadOnlyList<float> FoldWeights);

/// <summary>
/// Runs the standard LFW verification protocol with a <see cref="FacePipeline"/>: every image embedded once
/// (its centred face, or a centre crop when none is found — those pairs still count), Euclidean distances,
/// then <see cref="VerificationMetrics"/> (k-fold accuracy with thresholds chosen on the other folds, AUC, EER, VAL).
/// </summary>
public static class LfwEvaluator
{
    public static LfwEvaluation Evaluate(FacePipeline pipeline, LfwPairs pairs, Action<int, int>? onProgress = null)
    {
        if (!pipeline.Options.FallBackToCentreCrop || pipeline.Options.Choice != FaceChoice.Centred)
            throw new ArgumentException("the LFW protocol needs FaceChoice.Centred with FallBackToCentreCrop", nameof(pipeline));
        if (pairs.Folds < 2)
            throw new BadInputException($"{pairs.Source}: the LFW protocol needs at least 2 folds (each fold's threshold comes from the others), the header gives {pairs.Folds}");
        var paths = pairs.ImagePaths();
        var watch = Stopwatch.StartNew();
        var results = pipeline.EmbedFiles(paths, done => onProgress?.Invoke(done, paths.Count));
        double seconds = watch.Elapsed.TotalSeconds;
        var byPath = new Dictionary<string, FileEmbeddingResult>();
        for (int i = 0; i < paths.Count; i++) byPath[paths[i]] = results[i];

        var kept = new List<LfwPair>();
        var distances = new List<float>();
        var encoder = pipeline.Encoder;
        var partDistances = encoder.Parts.Select(_ => new List<float>()).ToArray();
        foreach (var pair in pairs.Pairs)
        {
            var a = byPath[pair.PathA].Result;
            var b = byPath[pair.PathB].Result;
            if (a is null || b is null) continue;
            kept.Add(pair);
            distances.Add(EmbeddingDistance.Euclidean(a.Embedding, b.Embedding));
            if (encoder.Parts.Count > 1)
                for (int p = 0; p < encoder.Parts.Count; p++)
                    partDistances[p].Add(EmbeddingDistance.Euclidean(encoder.PartOf(a.Embedding, p), encoder.PartOf(b.Embedding, p)));
        }
        if (kept.Count == 0) throw new BadInputException($"{pairs.Source}: no pair could be evaluated (all images unreadable?)");
        var report = VerificationMetrics.Evaluate(kept, distances.ToArray());
        FusionFigures? fusion = null;
        if (encoder.Parts.Count == 2)
        {
            var same = kept.Select(p => p.Same).ToArray();
            var folds = kept.Select(p => p.Fold).ToArray();
            var learned = FusionKFold.Evaluate(partDistances[0].ToArray(), partDistances[1].ToArray(), same, folds);
            var perModel = partDistances.Select(d => KFoldAccuracy.Evaluate(d.ToArray(), same, folds)).ToList();
            fusion = new FusionFigures(encoder.Parts.Select(p => p.Embedder.Manifest.Name).ToList(), perModel, learned.FoldWeights);
            var k = learned.Result;
            report = report with { Accuracy = k.Mean, AccuracyStd = k.Std, FoldAccuracies = k.FoldAccuracies, FoldThresholds = k.FoldThresholds };
        }
        return new LfwEvaluation(report, paths.Count, results.Count(r => r.Result is { FaceFound: false }),
            results.Where(r => r.Error is not null).Select(r => r.Error!).ToList(), pairs.Count - kept.Count,
            paths.Count / Math.Max(seconds, 1e-9), distances) { Fusion = fusion };
    }
}
