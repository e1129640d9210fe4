namespace FaceNetML.Imaging;

/// <summary>
/// How much fine detail an aligned face crop holds: the variance of the 4-neighbour Laplacian of its luma divided by the
/// variance of the luma itself (contrast-free), as a natural log. An aligned crop is always the model's input size, so a
/// small or blurred face, upsampled to it, has little high-frequency energy and a low value; a sharp, well-resolved face
/// a high one. It is a quality signal for the identification rule, not a calibrated measure in any unit.
/// </summary>
public static class Sharpness
{
    /// <summary>ln(var(Laplacian(Y)) / var(Y)) of the crop; NaN for a flat crop (no contrast at all).</summary>
    public static float Of(RgbImage crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        int w = crop.Width, h = crop.Height;
        if (w < 3 || h < 3) return float.NaN;
        var y = new float[w * h];
        var p = crop.Pixels;
        double sum = 0, sumSq = 0;
        for (int i = 0, k = 0; i < y.Length; i++, k += 3)
        {
            float v = 0.299f * p[k] + 0.587f * p[k + 1] + 0.114f * p[k + 2];
            y[i] = v;
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / y.Length;
        double variance = sumSq / y.Length - mean * mean;
        if (!(variance > 1e-6)) return float.NaN;
        double lSum = 0, lSumSq = 0;
        int n = 0;
        for (int r = 1; r < h - 1; r++)
        {
            int row = r * w;
            for (int c = 1; c < w - 1; c++)
            {
                int i = row + c;
                double l = y[i - 1] + y[i + 1] + y[i - w] + y[i + w] - 4 * y[i];
                lSum += l;
                lSumSq += l * l;
                n++;
            }
        }
        double lMean = lSum / n;
        double lVariance = lSumSq / n - lMean * lMean;
        return (float)Math.Log(Math.Max(lVariance, 1e-6) / variance);
    }
}
