namespace FaceNetML.Verification;

/// <summary>
/// Exact sweep over every distinct decision a threshold can make on a set of sorted pairs ("same" when
/// <c>distance &lt; threshold</c>). With the m distinct distances v[0] &lt; ... &lt; v[m-1], candidate c
/// (0 ≤ c ≤ m) predicts "same" for exactly the pairs with distance ≤ v[c-1]; every threshold in
/// (v[c-1], v[c]] makes that decision. Its representative threshold is v[0] for c = 0, the midpoint of
/// v[c-1] and v[c] in between, and the next float above v[m-1] for c = m.
/// Building it is O(n) on already sorted input.
/// </summary>
internal sealed class ThresholdSweep
{
    private ThresholdSweep(float[] values, int[] cumSame, int[] cumDifferent)
    {
        Values = values;
        CumSame = cumSame;
        CumDifferent = cumDifferent;
    }

    /// <summary>The distinct distances, ascending (m of them).</summary>
    public float[] Values { get; }

    /// <summary><c>CumSame[c]</c>: same-person pairs predicted "same" by candidate c (length m + 1).</summary>
    public int[] CumSame { get; }

    /// <summary><c>CumDifferent[c]</c>: different-person pairs predicted "same" by candidate c (length m + 1).</summary>
    public int[] CumDifferent { get; }

    /// <summary>Number of candidates (m + 1).</summary>
    public int Candidates => CumSame.Length;

    public int SamePairs => CumSame[^1];

    public int DifferentPairs => CumDifferent[^1];

    public int Pairs => SamePairs + DifferentPairs;

    /// <summary>Pairs classified correctly by candidate c.</summary>
    public int Correct(int c) => CumSame[c] + DifferentPairs - CumDifferent[c];

    /// <summary>The representative threshold of candidate c (see the class summary).</summary>
    public float Threshold(int c)
    {
        if (c == 0)
            return Values[0];
        if (c == Values.Length)
            return AboveMax;
        return Between(Values[c - 1], Values[c]);
    }

    /// <summary>The smallest float above the largest distance: a threshold that calls every pair "same".</summary>
    public float AboveMax => MathF.BitIncrement(Values[^1]);

    /// <summary>
    /// Sweeps the sorted scores, skipping pairs whose fold equals <paramref name="excludeFold"/> (when given).
    /// Throws when no pair remains.
    /// </summary>
    public static ThresholdSweep Build(SortedScores scores, int? excludeFold = null)
    {
        var d = scores.Distances;
        var same = scores.Same;
        var folds = scores.Folds;
        var values = new List<float>();
        var cumSame = new List<int> { 0 };
        var cumDiff = new List<int> { 0 };
        int s = 0, f = 0;
        for (var i = 0; i < d.Length; i++)
        {
            if (excludeFold is { } ex && folds![i] == ex)
                continue;
            if (values.Count == 0 || d[i] != values[^1])
            {
                if (values.Count > 0)
                {
                    cumSame.Add(s);
                    cumDiff.Add(f);
                }
                values.Add(d[i]);
            }
            if (same[i])
                s++;
            else
                f++;
        }
        if (values.Count == 0)
            throw new ArgumentException("no pairs left to choose a threshold from");
        cumSame.Add(s);
        cumDiff.Add(f);
        return new ThresholdSweep(values.ToArray(), cumSame.ToArray(), cumDiff.ToArray());
    }

    /// <summary>
    /// The threshold of maximum accuracy. Ties: the first (lowest) run of consecutive candidates reaching the
    /// maximum spans the threshold interval (v[a-1], v[b]]; the midpoint of that interval, clipped to
    /// [v[0], next float above v[m-1]], is returned. It makes exactly the decisions of that run.
    /// </summary>
    public (float Threshold, int Correct) Best()
    {
        int best = -1, runStart = 0, runEnd = 0;
        var inRun = false;
        for (var c = 0; c < Candidates; c++)
        {
            var correct = Correct(c);
            if (correct > best)
            {
                best = correct;
                runStart = runEnd = c;
                inRun = true;
            }
            else if (correct == best && inRun)
            {
                runEnd = c;
            }
            else
            {
                inRun = false;
            }
        }

        var lo = runStart == 0 ? Values[0] : Values[runStart - 1];
        var hi = runEnd == Values.Length ? AboveMax : Values[runEnd];
        var t = lo == hi ? hi : Between(lo, hi);
        return (t, best);
    }

    /// <summary>A float t with a &lt; t ≤ b, as close to the midpoint as float allows (requires a &lt; b).</summary>
    internal static float Between(float a, float b)
    {
        var m = (float)((a + (double)b) / 2);
        return m > a ? m : b;
    }
}
