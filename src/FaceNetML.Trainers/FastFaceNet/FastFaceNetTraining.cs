using System.Globalization;
using FaceNetML.Embedding;
using FaceNetML.Models;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>What one training run produced: the crops it used, the trainer's result and the exported models.</summary>
public sealed record FastFaceNetRun(FaceCropSet Crops, TrainingResult Result, InstalledModel Model, InstalledModel? Int8Model);

/// <summary>
/// The one training sequence of <c>facenetml train</c> and <see cref="FastFaceNetEstimator"/>: with the aligned crops
/// (<see cref="AlignedCropCache"/>), open the teacher, train (<see cref="FastFaceNetTrainer"/>), export ONNX with its
/// manifest (<see cref="FastFaceNetExporter"/>) and, when asked, the int8 twin calibrated on 64 training crops.
/// </summary>
public static class FastFaceNetTraining
{
    public static FastFaceNetRun Run(FaceCropSet crops, FastFaceNetOptions options, FaceModel? teacher, string outputDirectory, string trainedBy,
        int teacherThreads = 1, bool int8 = false, Action<TrainingStep>? progress = null, FaceCropSet? unlabelled = null,
        Action<int, FastFaceNetNetwork>? onEvaluate = null)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ArgumentNullException.ThrowIfNull(options);
        TrainingResult result;
        using (var teacherEmbedder = teacher is null ? null : new FaceEmbedder(teacher.Resolve(options.Store), Math.Max(1, teacherThreads)))
            result = new FastFaceNetTrainer(options).Train(crops, progress, teacherEmbedder, unlabelled, onEvaluate);
        try
        {
            var notes = string.Create(CultureInfo.InvariantCulture,
                $"Fast-FaceNet θ={options.Width} trained by {trainedBy} on {crops.Identities.Count} identities / {crops.Count} images, {result.StartStep + result.History.Count} steps")
                + (unlabelled is null ? "" : $", {unlabelled.Count} unlabelled faces for distillation")
                + (teacher is null ? "" : $", distilled from {teacher.NameOrPath}");
            // A degenerate run (faceless or near-identical crops) can learn no distance at all; the manifest then gets the
            // middle of the range of distances between unit vectors, and says so.
            float threshold = result.Threshold.Threshold;
            if (!(threshold > 0) || !float.IsFinite(threshold))
            {
                threshold = 1f;
                notes += "; no verification threshold could be learnt from the training pairs, 1.0 set instead";
            }
            var model = FastFaceNetExporter.Save(result.Network, options.InputSize, outputDirectory, threshold, notes: notes);
            InstalledModel? quantised = null;
            if (int8)
            {
                using var calibration = crops.Batch(Enumerable.Range(0, crops.Count).Where(i => i % Math.Max(1, crops.Count / 64) == 0).Take(64).ToArray());
                var ranges = ActivationRanges.Measure(result.Network, calibration);
                quantised = FastFaceNetExporter.Save(result.Network, options.InputSize, FastFaceNetExporter.Int8Path(outputDirectory), threshold,
                    notes: notes + "; int8 convolutions calibrated on 64 training crops", int8Ranges: ranges);
            }
            return new FastFaceNetRun(crops, result, model, quantised);
        }
        finally
        {
            result.Network.Dispose();
        }
    }
}
