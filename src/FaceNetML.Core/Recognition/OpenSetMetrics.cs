namespace FaceNetML.Recognition;

/// <summary>One open-set search: the score of its answer (higher = more confident), whether the probe's person is
/// enrolled (a mate search), and, for mates, whether the rank-1 candidate is that person.</summary>
public readonly record struct OpenSetSearch(float Score, bool Mate, bool Rank1Correct);

/// <summary>One point of the DET curve: a score threshold and the error rates it gives.</summary>
public readonly record struct DetPoint(float Threshold, double Fpir, double Fnir);

/// <summary>
/// 1:N open-set identification metrics in the NIST FRVT 1:N / IJB-C sense. A search returns its rank-1 candidate when
/// the score reaches the threshold. FPIR (false-positive identification rate, "FAR") = share of non-mate searches that
/// return anyone; DIR (detection and identification rate) = share of mate searches that return the right person;
/// FNIR = 1 - DIR. Rank-1 = share of mate searches whose top candidate is right, whatever the score.
/// </summary>
public sealed class OpenSetMetrics
{
    private readonly float[] _nonMate; // descending
    private readonly float[] _mateCorrect; // descending: scores of mate searches whose rank-1 is right
    private readonly int _mates;

    public OpenSetMetrics(IReadOnlyCollection<OpenSetSearch> searches)
    {
        ArgumentNullException.ThrowIfNull(searches);
        if (searches.Any(s => float.IsNaN(s.Score))) throw new ArgumentException("a search has a NaN score", nameof(searches));
        _nonMate = [.. searches.Where(s => !s.Mate).Select(s => s.Score).OrderDescending()];
        _mateCorrect = [.. searches.Where(s => s.Mate && s.Rank1Correct).Select(s => s.Score).OrderDescending()];
        _mates = searches.Count(s => s.Mate);
        if (_mates == 0 || _nonMate.Length == 0)
            throw new ArgumentException($"open-set metrics need mate and non-mate searches (got {_mates} and {_nonMate.Length})", nameof(searches));
    }

    public int MateSearches => _mates;
    public int NonMateSearches => _nonMate.Length;

    /// <summary>Share of mate searches whose rank-1 candidate is right (closed-set accuracy).</summary>
    public double Rank1 => (double)_mateCorrect.Length / _mates;

    /// <summary>
    /// The lowest threshold whose FPIR does not exceed <paramref name="fpir"/>: just above the k-th highest non-mate
    /// score, k = floor(fpir × non-mates) + 1 (ties move it up, never past the target).
    /// </summary>
    public float ThresholdAt(double fpir)
    {
        if (!(fpir >= 0 && fpir <= 1)) throw new ArgumentOutOfRangeException(nameof(fpir), fpir, "must lie in [0, 1]");
        int allowed = (int)Math.Floor(fpir * _nonMate.Length + 1e-9);
        if (allowed >= _nonMate.Length) return float.NegativeInfinity;
        return MathF.BitIncrement(_nonMate[allowed]);
    }

    /// <summary>FPIR at a threshold (share of non-mate scores at or above it).</summary>
    public double FpirAt(float threshold) => (double)CountAtOrAbove(_nonMate, threshold) / _nonMate.Length;

    /// <summary>DIR at a threshold (share of mate searches with the right rank-1 and a score at or above it).</summary>
    public double DirAt(float threshold) => (double)CountAtOrAbove(_mateCorrect, threshold) / _mates;

    /// <summary>DIR at the threshold of <see cref="ThresholdAt"/>(<paramref name="fpir"/>).</summary>
    public double DirAtFpir(double fpir) => DirAt(ThresholdAt(fpir));

    /// <summary>The DET curve: one point per distinct non-mate score (descending thresholds), FPIR rising.</summary>
    public IReadOnlyList<DetPoint> Det()
    {
        var points = new List<DetPoint>();
        foreach (var t in _nonMate.Distinct())
            points.Add(new DetPoint(t, FpirAt(t), 1 - DirAt(t)));
        return points;
    }

    private static int CountAtOrAbove(float[] descending, float threshold)
    {
        int lo = 0, hi = descending.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (descending[mid] >= threshold) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
