using System.Globalization;
using FaceNetML.Trainers.Plots;
using FaceNetML.Verification;
using SkiaSharp;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>One point of a <see cref="LearningCurve"/>.</summary>
public sealed record LearningCurvePoint(int Step, TimeSpan Elapsed, double Loss, double Accuracy, double AccuracyStd);

/// <summary>
/// Verification accuracy of a network in training on a pairs file (the LFW protocol: k-fold accuracy of the
/// Euclidean distance between embeddings), every few steps, written as CSV and as a PNG plot beside the model. The
/// crops of the pair images are aligned once, as the training crops are (centred face, the student's input size).
/// It only watches: nothing in training reads it, so monitoring on lfw-dev tunes nothing on lfw-dev.
/// </summary>
public sealed class LearningCurve
{
    private readonly LfwPairs _pairs;
    private readonly FaceCropSet _crops;
    private readonly Dictionary<string, int> _index;
    private readonly List<LearningCurvePoint> _points = [];

    /// <param name="imagesDir">The pair images (default: <c>images</c> beside the pairs file).</param>
    public LearningCurve(string pairsFile, CropCacheOptions cropOptions, Action<int, int>? progress = null, string? imagesDir = null)
    {
        _pairs = LfwPairs.Load(pairsFile, imagesDir);
        var paths = _pairs.ImagePaths();
        _crops = AlignedCropCache.Load(paths.Select(p => (Label: p, Path: p)), cropOptions with { MinImagesPerIdentity = 1, Teacher = null }, progress);
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _crops.Count; i++) _index[_crops.Identities[_crops.Labels[i]]] = i;
    }

    public IReadOnlyList<LearningCurvePoint> Points => _points;

    /// <summary>k-fold accuracy (mean, std over folds) of the network on the pairs.</summary>
    public (double Accuracy, double Std) Evaluate(FastFaceNetNetwork network)
    {
        var embeddings = FastFaceNetTrainer.Embed(network, _crops, Enumerable.Range(0, _crops.Count).ToArray());
        var pairs = _pairs.Pairs;
        var distances = new float[pairs.Count];
        var same = new bool[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            distances[i] = EmbeddingDistance.Euclidean(embeddings[_index[pairs[i].PathA]], embeddings[_index[pairs[i].PathB]]);
            same[i] = pairs[i].Same;
        }
        var result = KFoldAccuracy.Evaluate(distances, same, _pairs.FoldIds());
        return (result.Mean, result.Std);
    }

    /// <summary>Evaluates, records the point and rewrites <paramref name="csvPath"/> and the PNG beside it.</summary>
    public LearningCurvePoint Record(int step, TimeSpan elapsed, double loss, FastFaceNetNetwork network, string csvPath)
    {
        var (accuracy, std) = Evaluate(network);
        var point = new LearningCurvePoint(step, elapsed, loss, accuracy, std);
        _points.Add(point);
        Write(csvPath);
        return point;
    }

    private void Write(string csvPath)
    {
        var lines = new List<string> { "step,seconds,loss,accuracy,accuracy_std" };
        lines.AddRange(_points.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Step},{p.Elapsed.TotalSeconds:F0},{p.Loss:F5},{p.Accuracy:F5},{p.AccuracyStd:F5}")));
        File.WriteAllLines(csvPath, lines);
        CurvePlot.WritePng(Path.ChangeExtension(csvPath, ".png"), "lfw-dev accuracy during training", "step",
            [new RateSeries("accuracy", SKColors.RoyalBlue, _points.Select(p => ((double)p.Step, p.Accuracy)).ToList())], 0.5, 1.0);
    }
}
