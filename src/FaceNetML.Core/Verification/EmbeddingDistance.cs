using FaceNetML.Embedding;
using System.Numerics;
using System.Runtime.InteropServices;

namespace FaceNetML.Verification;

/// <summary>
/// Distances between face embeddings. For L2-normalised embeddings the Euclidean distance lies in [0, 2]
/// and relates to the cosine similarity by d² = 2 - 2·cos.
/// </summary>
public static class EmbeddingDistance
{
    /// <summary>Euclidean (L2) distance.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => MathF.Sqrt(SquaredEuclidean(a, b));

    /// <summary>Squared Euclidean distance.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float SquaredEuclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var k = 0; k < va.Length; k++)
            {
                var d = va[k] - vb[k];
                acc += d * d;
            }
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
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

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"embedding lengths differ: {a.Length} vs {b.Length}");
    }
}
