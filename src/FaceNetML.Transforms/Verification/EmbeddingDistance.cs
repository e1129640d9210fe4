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

    /// <summary>Dot product.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
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
                acc += va[k] * vb[k];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Cosine similarity in [-1, 1]; 0 when either vector is all zeros.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var dot = Dot(a, b);
        var norms = MathF.Sqrt(Dot(a, a)) * MathF.Sqrt(Dot(b, b));
        return norms > 0 ? Math.Clamp(dot / norms, -1f, 1f) : 0f;
    }

    /// <summary>The L2 norm (Euclidean length).</summary>
    public static float Norm(ReadOnlySpan<float> v) => MathF.Sqrt(Dot(v, v));

    /// <summary>
    /// Scales <paramref name="v"/> in place to unit L2 norm and returns its original norm. An all-zero vector
    /// is left unchanged (norm 0 is returned).
    /// </summary>
    public static float L2Normalize(Span<float> v)
    {
        var norm = Norm(v);
        if (norm > 0)
        {
            var inv = 1f / norm;
            for (var i = 0; i < v.Length; i++)
                v[i] *= inv;
        }
        return norm;
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"embedding lengths differ: {a.Length} vs {b.Length}");
    }
}
