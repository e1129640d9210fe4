using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Clustering;

/// <summary>
/// Grouping face embeddings by person: ML.NET k-means when the number of people is known, average-linkage
/// agglomerative clustering cut at the model's verification threshold when it is not, and NMI against labels
/// through <c>mlContext.Clustering.Evaluate</c>. Cluster ids are 0-based.
/// </summary>
public static class FaceClustering
{
    private sealed class Row
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private static IDataView ToDataView(MLContext ml, IReadOnlyList<float[]> embeddings, IReadOnlyList<int>? labels)
    {
        if (embeddings.Count == 0) throw new ArgumentException("no embeddings to cluster", nameof(embeddings));
        int d = embeddings[0].Length;
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        return ml.Data.LoadFromEnumerable(embeddings.Select((e, i) => new Row { Features = e, Label = labels?[i] ?? 0 }).ToList(), schema);
    }

    /// <summary>k-means (ML.NET, k-means++ init) into <paramref name="k"/> clusters.</summary>
    public static int[] KMeans(MLContext mlContext, IReadOnlyList<float[]> embeddings, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");
        k = Math.Min(k, embeddings.Count);
        var data = ToDataView(mlContext, embeddings, null);
        var model = mlContext.Clustering.Trainers.KMeans("Features", numberOfClusters: k).Fit(data);
        return model.Transform(data).GetColumn<uint>("PredictedLabel").Select(c => (int)c - 1).ToArray();
    }

    /// <summary>
    /// Normalised mutual information of <paramref name="clusters"/> against <paramref name="labels"/>, as
    /// <c>mlContext.Clustering.Evaluate</c> computes it.
    /// </summary>
    public static double Nmi(MLContext mlContext, IReadOnlyList<float[]> embeddings, IReadOnlyList<int> clusters, IReadOnlyList<int> labels)
    {
        var data = ToDataView(mlContext, embeddings, labels);
        int k = clusters.Max() + 1;
        // Evaluate wants the predicted cluster as a key and a per-cluster score vector.
        var withPrediction = mlContext.Data.LoadFromEnumerable(clusters.Select((c, i) => new Predicted
        {
            Label = labels[i],
            PredictedLabel = (uint)(c + 1),
            Score = Enumerable.Range(0, k).Select(j => j == c ? 0f : 1f).ToArray(),
        }).ToList(), PredictedSchema(k));
        var metrics = mlContext.Clustering.Evaluate(withPrediction, labelColumnName: "Label", scoreColumnName: "Score");
        return metrics.NormalizedMutualInformation;
    }

    private sealed class Predicted
    {
        public float Label { get; set; }
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }

    private static SchemaDefinition PredictedSchema(int k)
    {
        var s = SchemaDefinition.Create(typeof(Predicted));
        s[nameof(Predicted.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), k);
        s[nameof(Predicted.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        return s;
    }

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
