namespace FaceNetML.Recognition;

/// <summary>What <see cref="IndexRecall.Measure"/> found: faces tried, faces the index returned as their own nearest, and
/// the people whose face it did not find (at most ten named).</summary>
public sealed record IndexRecallResult(int Sampled, int Found, IReadOnlyList<string> Missed)
{
    /// <summary>Recall@1 against an exact scan: the share of sampled faces whose nearest stored face the index found.</summary>
    public double RecallAt1 => Sampled == 0 ? 1 : (double)Found / Sampled;
}

/// <summary>
/// Watches an approximate index (HNSW, pgvector) for degradation: stored faces are searched for as queries, and the
/// exact scan's answer to a stored face is that face itself (distance 0), so recall@1 is the share the index returns as
/// its own nearest. The sample is spread over people in a seeded random order, one face per person per round.
/// </summary>
public static class IndexRecall
{
    /// <summary>Distance under which the returned face counts as the query itself (unit vectors; f16 and i8 galleries re-rank
    /// with full-precision distances).</summary>
    public const float SameFace = 1e-3f;

    public static IndexRecallResult Measure(IFaceIndex index, int sample, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(sample, 1);
        var names = index.PersonNames().ToArray();
        new Random(seed).Shuffle(names);
        int sampled = 0, found = 0;
        var missed = new List<string>();
        void Try(GalleryPerson who, int face)
        {
            sampled++;
            var top = index.Search(who.Embeddings[face], 1);
            if (top.Count > 0 && top[0].Person == who.Name && top[0].Distance <= SameFace) found++;
            else if (missed.Count < 10) missed.Add(who.Name);
        }
        // First faces of people in a random order, read only as the sample needs them (a million-face gallery is not
        // read whole); then second faces, and so on, while the sample wants more.
        var people = new List<GalleryPerson>();
        foreach (var name in names)
        {
            if (sampled >= sample) break;
            if (index.Person(name) is not { } person) continue;
            people.Add(person);
            Try(person, 0);
        }
        for (int round = 1; sampled < sample; round++)
        {
            bool any = false;
            foreach (var person in people)
            {
                if (sampled >= sample) break;
                if (round >= person.Embeddings.Count) continue;
                any = true;
                Try(person, round);
            }
            if (!any) break;
        }
        return new IndexRecallResult(sampled, found, missed);
    }
}
