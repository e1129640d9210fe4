using FaceNetML.Embedding;
using System.Numerics.Tensors;

namespace FaceNetML.Verification;

/// <summary>
/// Distances between face embeddings. For L2-normalised embeddings the Euclidean distance lies in [0, 2]
/// and relates to the cosine similarity by d² = 2 - 2·cos.
/// </summary>
public static class EmbeddingDistance
{
    /// <summary>Euclidean (L2) distance.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        L2Norm.CheckLengths(a, b);
        return a.IsEmpty ? 0f : TensorPrimitives.Distance(a, b);
    }

    /// <summary>Squared Euclidean distance.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float SquaredEuclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var d = Euclidean(a, b);
        return d * d;
    }

    /// <summary>Dot product (<see cref="L2Norm.Dot"/>).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => L2Norm.Dot(a, b);

    /// <summary>Cosine similarity in [-1, 1]; 0 when either vector is all zeros.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var dot = Dot(a, b);
        var norms = MathF.Sqrt(Dot(a, a)) * MathF.Sqrt(Dot(b, b));
        return norms > 0 ? Math.Clamp(dot / norms, -1f, 1f) : 0f;
    }

    /// <summary>The L2 norm (Euclidean length).</summary>
    public static float Norm(ReadOnlySpan<float> v) => L2Norm.Of(v);

    /// <inheritdoc cref="L2Norm.Normalize"/>
    public static float L2Normalize(Span<float> v) => L2Norm.Normalize(v);
}
