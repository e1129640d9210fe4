using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Clustering;

/// <summary>
/// The ML.NET side of grouping face embeddings by person: k-means when the number of people is known, and NMI
/// against labels through <c>mlContext.Clustering.Evaluate</c> for any clustering (k-means or
/// <see cref="FaceClustering.Agglomerative"/>). Cluster ids are 0-based.
/// </summary>
public static class MLNetClustering
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
}
