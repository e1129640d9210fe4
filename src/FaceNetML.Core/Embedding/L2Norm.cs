using System.Numerics;
using System.Runtime.InteropServices;

namespace FaceNetML.Embedding;

/// <summary>L2 normalisation of embeddings: the last step of every embedder, so it lives with them; distances and
/// decisions downstream call it from here.</summary>
public static class L2Norm
{
    /// <summary>The Euclidean length of a vector.</summary>
    public static float Of(ReadOnlySpan<float> v) => MathF.Sqrt(Dot(v, v));

    /// <summary>Dot product.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"embedding lengths differ: {a.Length} vs {b.Length}");
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


    /// <summary>
    /// Scales <paramref name="v"/> in place to unit L2 norm and returns its original norm. An all-zero vector
    /// is left unchanged (norm 0 is returned).
    /// </summary>
    public static float Normalize(Span<float> v)
    {
        var norm = Of(v);
        if (norm > 0)
        {
            var inv = 1f / norm;
            for (var i = 0; i < v.Length; i++)
                v[i] *= inv;
        }
        return norm;
    }
}
