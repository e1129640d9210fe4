namespace FaceNetML.Recognition;

/// <summary>One 1:N search as decided: the face size (a track: mean), the rule's confidence, whether the probe's person is
/// enrolled (mate) and is the candidate (correct), whether the candidate was named, and whether it was unknown for a
/// quality reason (too small, too soft).</summary>
public readonly record struct DecidedSearch(float FaceSize, float Confidence, bool Mate, bool Correct, bool Named, bool UnknownForQuality);

/// <summary>
/// The figures of one face-size bin: DIR at FPIR 1% (the bin's own best threshold on the confidence), and what the rule's
/// own decisions do there: FPIR (strangers named), DIR (enrolled people named correctly), wrong names (enrolled people
/// named as someone else: worse than unknown) and the share unknown for a quality reason.
/// </summary>
public sealed record SizeBinFigures(string Bin, int Mates, int NonMates, double? DirAtFpir1, double FpirAtRule, double DirAtRule,
    double WrongNameAtRule, double UnknownForQuality)
{
    /// <summary>Upper edges of the face-size bins of the reports: &lt;24, 24-40, 40-64, ≥64 px.</summary>
    public static IReadOnlyList<float> Edges { get; } = [24, 40, 64];

    /// <summary>The name of bin <paramref name="b"/> ("&lt;24", "24-40", "40-64", "&gt;=64").</summary>
    public static string Name(int b) => b == 0 ? $"<{Edges[0]:0}" : b == Edges.Count ? $">={Edges[^1]:0}" : $"{Edges[b - 1]:0}-{Edges[b]:0}";

    /// <summary>Whether a face size falls in bin <paramref name="b"/>.</summary>
    public static bool In(int b, float size) => size >= (b == 0 ? 0 : Edges[b - 1]) && size < (b < Edges.Count ? Edges[b] : float.PositiveInfinity);

    /// <summary>The figures of each bin that has both mate and non-mate searches; DIR at FPIR 1% needs 100 non-mates.</summary>
    public static List<SizeBinFigures> Measure(IReadOnlyList<DecidedSearch> searches)
    {
        ArgumentNullException.ThrowIfNull(searches);
        var result = new List<SizeBinFigures>();
        for (int b = 0; b <= Edges.Count; b++)
            if (Of(Name(b), searches.Where(s => In(b, s.FaceSize)).ToList()) is { } figures) result.Add(figures);
        return result;
    }

    /// <summary>The figures of one set of searches (a bin, or all of them) named <paramref name="name"/>; null without both
    /// mate and non-mate searches.</summary>
    public static SizeBinFigures? Of(string name, IReadOnlyList<DecidedSearch> searches)
    {
        ArgumentNullException.ThrowIfNull(searches);
        int mates = searches.Count(s => s.Mate), nonMates = searches.Count - mates;
        if (mates == 0 || nonMates == 0) return null;
        var metrics = new OpenSetMetrics(searches.Select(s => new OpenSetSearch(s.Confidence, s.Mate, s.Correct)).ToList());
        return new SizeBinFigures(name, mates, nonMates,
            DirAtFpir1: nonMates >= 100 ? metrics.DirAtFpir(0.01) : null,
            FpirAtRule: (double)searches.Count(s => !s.Mate && s.Named) / nonMates,
            DirAtRule: (double)searches.Count(s => s.Mate && s.Correct && s.Named) / mates,
            WrongNameAtRule: (double)searches.Count(s => s.Mate && !s.Correct && s.Named) / mates,
            UnknownForQuality: (double)searches.Count(s => s.UnknownForQuality) / searches.Count);
    }
}
