using System.Numerics.Tensors;

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
        CheckLengths(a, b);
        return a.IsEmpty ? 0f : TensorPrimitives.Dot(a, b);
    }

    /// <summary>Throws when two embeddings differ in length.</summary>
    internal static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"embedding lengths differ: {a.Length} vs {b.Length}");
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
            TensorPrimitives.Multiply(v, 1f / norm, v);
        }
        return norm;
    }
}
