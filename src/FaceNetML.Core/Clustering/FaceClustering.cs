using FaceNetML.Verification;

namespace FaceNetML.Clustering;

/// <summary>
/// Grouping face embeddings by person when the number of people is not known: average-linkage agglomerative
/// clustering cut at the model's verification threshold. Cluster ids are 0-based. k-means and NMI, which need
/// ML.NET, are in <c>MLNetClustering</c> (FaceNetML.Transforms).
/// </summary>
public static class FaceClustering
{
    /// <summary>
    /// Average-linkage agglomerative clustering on Euclidean distances: merges the two clusters of smallest mean
    /// pairwise distance while that mean is below <paramref name="threshold"/> (use the model's verification
    /// threshold). The number of clusters comes out of the data. O(n^2) memory, O(n^3) time worst case.
    /// </summary>
    public static int[] Agglomerative(IReadOnlyList<float[]> embeddings, float threshold)
    {
        int n = embeddings.Count;
        var dist = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                dist[i, j] = dist[j, i] = EmbeddingDistance.Euclidean(embeddings[i], embeddings[j]);
        var size = Enumerable.Repeat(1, n).ToArray();
        var alive = Enumerable.Repeat(true, n).ToArray();
        var parent = Enumerable.Range(0, n).ToArray();
        while (true)
        {
            double best = double.MaxValue;
            int a = -1, b = -1;
            for (int i = 0; i < n; i++)
            {
                if (!alive[i]) continue;
                for (int j = i + 1; j < n; j++)
                    if (alive[j] && dist[i, j] < best) (best, a, b) = (dist[i, j], i, j);
            }
            if (a < 0 || best >= threshold) break;
            // Lance-Williams update for average linkage: b joins a.
            for (int m = 0; m < n; m++)
            {
                if (!alive[m] || m == a || m == b) continue;
                var v = (dist[a, m] * size[a] + dist[b, m] * size[b]) / (size[a] + size[b]);
                dist[a, m] = dist[m, a] = v;
            }
            size[a] += size[b];
            alive[b] = false;
            parent[b] = a;
        }
        int Root(int i) { while (parent[i] != i) i = parent[i]; return i; }
        var roots = Enumerable.Range(0, n).Select(Root).ToArray();
        // Ids by cluster size, largest first (ties: first member first), so singletons come last.
        var ids = roots.Select((r, i) => (r, i)).GroupBy(x => x.r).OrderByDescending(g => g.Count()).ThenBy(g => g.First().i)
            .Select((g, id) => (g.Key, id)).ToDictionary(x => x.Key, x => x.id);
        return roots.Select(r => ids[r]).ToArray();
    }

    /// <summary>
    /// The number of people in an unknown-k clustering: clusters with at least <paramref name="minClusterSize"/>
    /// faces. Smaller clusters (by default singletons: a face matching nobody) are outliers, not people.
    /// </summary>
    public static int People(IReadOnlyList<int> clusters, int minClusterSize = 2) =>
        clusters.GroupBy(c => c).Count(g => g.Count() >= minClusterSize);
}
