using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>An (anchor, positive, negative) triple of batch indices.</summary>
public readonly record struct Triplet(int Anchor, int Positive, int Negative);

/// <summary>
/// P x K batches and online triplet selection inside each batch (FaceNet / Fast-FaceNet). Distances are
/// squared Euclidean between L2-normalised embeddings.
/// </summary>
public static class TripletMining
{
    /// <summary>
    /// P identities (with at least two images) x K images each; identities with fewer than K images repeat
    /// images (augmentation makes the copies differ). Returns image indices, identity-major.
    /// </summary>
    public static int[] SampleBatch(int[][] byIdentity, int p, int k, Random rng)
    {
        var eligible = Enumerable.Range(0, byIdentity.Length).Where(i => byIdentity[i].Length >= 2).ToArray();
        if (eligible.Length < 2) throw new InvalidOperationException("need at least two identities with two images");
        rng.Shuffle(eligible);
        var batch = new List<int>(p * k);
        foreach (var id in eligible.Take(Math.Min(p, eligible.Length)))
        {
            var images = (int[])byIdentity[id].Clone();
            rng.Shuffle(images);
            for (int j = 0; j < k; j++) batch.Add(images[j % images.Length]);
        }
        return batch.ToArray();
    }

    /// <summary>
    /// For every anchor-positive pair (a ≠ p, same label) picks one negative at random among those passing the
    /// paper's Eq. 6 filter: farther than the positive but within the margin, d(a,p) &lt; d(a,n) &lt; d(a,p) + α
    /// (semi-hard; hard negatives, d(a,n) ≤ d(a,p), are excluded because they collapse training early on).
    /// Pairs without such a negative contribute nothing. Returns the triplets and the number of pairs, so
    /// <c>Triplets.Count / Pairs</c> is the fraction of active triplets.
    /// </summary>
    /// <param name="squaredDistances">Row-major B x B squared distances.</param>
    public static (List<Triplet> Triplets, int Pairs) SelectSemiHard(ReadOnlySpan<float> squaredDistances, IReadOnlyList<int> labels, float margin, Random rng)
    {
        int b = labels.Count, pairs = 0;
        var triplets = new List<Triplet>();
        var candidates = new List<int>(b);
        for (int a = 0; a < b; a++)
            for (int p = 0; p < b; p++)
            {
                if (p == a || labels[p] != labels[a]) continue;
                pairs++;
                float dap = squaredDistances[a * b + p];
                candidates.Clear();
                for (int n = 0; n < b; n++)
                {
                    if (labels[n] == labels[a]) continue;
                    float dan = squaredDistances[a * b + n];
                    if (dan > dap && dan < dap + margin) candidates.Add(n);
                }
                if (candidates.Count > 0) triplets.Add(new Triplet(a, p, candidates[rng.Next(candidates.Count)]));
            }
        return (triplets, pairs);
    }

    /// <summary>Squared Euclidean distances [B, B] between L2-normalised rows: 2 - 2 e·eᵀ, clamped at 0.</summary>
    public static Tensor SquaredDistances(Tensor embeddings) =>
        (2 - 2 * embeddings.matmul(embeddings.t())).clamp_min(0);

    /// <summary>Mean of max(0, d(a,p) - d(a,n) + α) over the triplets (0 without triplets).</summary>
    public static Tensor Loss(Tensor squaredDistances, IReadOnlyList<Triplet> triplets, float margin)
    {
        if (triplets.Count == 0) return zeros(1).sum();
        long b = squaredDistances.shape[0];
        var flat = squaredDistances.reshape(-1);
        var ap = tensor(triplets.Select(t => t.Anchor * b + t.Positive).ToArray());
        var an = tensor(triplets.Select(t => t.Anchor * b + t.Negative).ToArray());
        return nn.functional.relu(flat.index_select(0, ap) - flat.index_select(0, an) + margin).mean();
    }
}
