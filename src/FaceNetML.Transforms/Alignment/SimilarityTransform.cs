using System.Drawing;
using System.Numerics;

namespace FaceNetML.Alignment;

/// <summary>A 2-D similarity (rotation, uniform scale, translation) fitted by least squares (Umeyama, no reflection).</summary>
public static class SimilarityTransform
{
    /// <summary>The similarity mapping <paramref name="from"/> onto <paramref name="to"/> in the least-squares sense.</summary>
    public static Matrix3x2 Estimate(ReadOnlySpan<PointF> from, ReadOnlySpan<PointF> to) => throw new NotImplementedException();
}
