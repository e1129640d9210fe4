namespace FaceNetML.Tests.Verification;

/// <summary>Synthetic verification scores for the metric tests.</summary>
internal static class VerificationTestData
{
    /// <summary>
    /// Random pairs: same-person distances ~ N(0.8, 0.25), different ~ N(1.2, 0.25), rounded to
    /// <paramref name="decimals"/> places so that ties occur; fold = i % folds.
    /// </summary>
    public static (float[] Distances, bool[] Same, int[] Folds) Random(int n, int seed, int folds = 10, int decimals = 2)
    {
        var rng = new Random(seed);
        var d = new float[n];
        var same = new bool[n];
        var fold = new int[n];
        for (var i = 0; i < n; i++)
        {
            same[i] = rng.Next(2) == 0;
            var g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            d[i] = (float)Math.Round(Math.Clamp((same[i] ? 0.8 : 1.2) + 0.25 * g, 0, 2), decimals);
            fold[i] = i % folds;
        }
        return (d, same, fold);
    }

    /// <summary>Accuracy of "same when d &lt; t", counted directly.</summary>
    public static double Accuracy(float[] d, bool[] same, float t, Func<int, bool>? include = null)
    {
        int correct = 0, total = 0;
        for (var i = 0; i < d.Length; i++)
        {
            if (include != null && !include(i))
                continue;
            total++;
            if (d[i] < t == same[i])
                correct++;
        }
        return (double)correct / total;
    }

    /// <summary>Best accuracy over every threshold that can change a decision, by brute force (O(n²)).</summary>
    public static double BruteBestAccuracy(float[] d, bool[] same, Func<int, bool>? include = null)
    {
        var candidates = Enumerable.Range(0, d.Length).Where(i => include == null || include(i)).Select(i => d[i]).Distinct().ToList();
        candidates.Add(MathF.BitIncrement(candidates.Max()));
        return candidates.Max(t => Accuracy(d, same, t, include));
    }
}
