using FaceNetML.Verification;
using SkiaSharp;

namespace FaceNetML.Trainers.Plots;

/// <summary>Draws a ROC curve (TAR against FAR, log-scaled FAR from 1e-4) as a PNG.</summary>
public static class RocPlot
{
    public static void WritePng(RocCurve roc, string path, int size = 600) =>
        RatePlot.WritePng(path, $"ROC (AUC {roc.Auc:F4}, EER {roc.Eer:F4}) — FAR (log) vs TAR",
            [new RateSeries("ROC", SKColors.RoyalBlue, roc.Points.Select(p => (p.Far, p.Tar)).ToList())], size);
}
