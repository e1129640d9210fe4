namespace FaceNetML.Verification;

/// <summary>
/// Verification scores sorted by ascending distance (one O(n log n) sort shared by every metric), after
/// checking the inputs: equal lengths, at least one pair, no NaN distances.
/// </summary>
internal sealed class SortedScores
{
    private SortedScores(float[] distances, bool[] same, int[]? folds)
    {
        Distances = distances;
        Same = same;
        Folds = folds;
    }

    /// <summary>Distances in ascending order.</summary>
    public float[] Distances { get; }

    /// <summary>Labels in the same order (<c>true</c> = same person).</summary>
    public bool[] Same { get; }

    /// <summary>Fold ids in the same order, or <c>null</c> when none were given.</summary>
    public int[]? Folds { get; }

    public int Count => Distances.Length;

    public static SortedScores Create(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds, bool withFolds)
    {
        if (distances.Length == 0)
            throw new ArgumentException("no pairs to evaluate", nameof(distances));
        if (same.Length != distances.Length)
            throw new ArgumentException($"{same.Length} labels for {distances.Length} distances", nameof(same));
        if (withFolds && folds.Length != distances.Length)
            throw new ArgumentException($"{folds.Length} fold ids for {distances.Length} distances", nameof(folds));
        for (var i = 0; i < distances.Length; i++)
        {
            if (float.IsNaN(distances[i]))
                throw new ArgumentException($"distance {i} is NaN", nameof(distances));
        }

        var keys = distances.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        Array.Sort(keys, order);

        var sortedSame = new bool[keys.Length];
        var sortedFolds = withFolds ? new int[keys.Length] : null;
        for (var i = 0; i < order.Length; i++)
        {
            sortedSame[i] = same[order[i]];
            if (sortedFolds != null)
                sortedFolds[i] = folds[order[i]];
        }
        return new SortedScores(keys, sortedSame, sortedFolds);
    }

    public static SortedScores Create(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same) =>
        Create(distances, same, default, withFolds: false);

    public static SortedScores Create(ReadOnlySpan<float> distances, ReadOnlySpan<bool> same, ReadOnlySpan<int> folds) =>
        Create(distances, same, folds, withFolds: true);
}
