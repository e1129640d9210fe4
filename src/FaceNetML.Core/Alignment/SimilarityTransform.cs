using System.Drawing;
using System.Numerics;

namespace FaceNetML.Alignment;

/// <summary>A 2-D similarity (rotation, uniform scale, translation) fitted by least squares (Umeyama, no reflection).</summary>
/// <remarks>
/// Matrices use the row-vector convention of <see cref="Matrix3x2"/>: a point maps as
/// <c>Vector2.Transform(p, m)</c>. In 2-D the Umeyama (1991) solution restricted to proper rotations has a
/// closed form: with demeaned points s, d, <c>a = sum(s . d)</c>, <c>b = sum(s x d)</c>, the transform is
/// <c>k cos t = a / sum|s|^2</c>, <c>k sin t = b / sum|s|^2</c>, plus the translation of the means; this is
/// what scikit-image's <c>SimilarityTransform.estimate</c> computes.
/// </remarks>
public static class SimilarityTransform
{
    /// <summary>The similarity mapping <paramref name="from"/> onto <paramref name="to"/> in the least-squares sense.</summary>
    /// <exception cref="ArgumentException">Fewer than two point pairs, differing counts, non-finite points,
    /// or all <paramref name="from"/> points coincide.</exception>
    public static Matrix3x2 Estimate(ReadOnlySpan<PointF> from, ReadOnlySpan<PointF> to)
    {
        if (from.Length != to.Length)
            throw new ArgumentException($"point counts differ: {from.Length} vs {to.Length}", nameof(to));
        if (from.Length < 2)
            throw new ArgumentException($"need at least 2 point pairs, got {from.Length}", nameof(from));
        if (!TryEstimate(from, to, out var m))
            throw new ArgumentException("the source points are degenerate (coincident or non-finite)", nameof(from));
        return m;
    }

    /// <summary>As <see cref="Estimate"/>, returning false instead of throwing for unusable input.</summary>
    public static bool TryEstimate(ReadOnlySpan<PointF> from, ReadOnlySpan<PointF> to, out Matrix3x2 transform)
    {
        transform = Matrix3x2.Identity;
        var n = from.Length;
        if (n < 2 || to.Length != n)
            return false;

        double msx = 0, msy = 0, mdx = 0, mdy = 0;
        for (var i = 0; i < n; i++)
        {
            msx += from[i].X; msy += from[i].Y;
            mdx += to[i].X; mdy += to[i].Y;
        }
        msx /= n; msy /= n; mdx /= n; mdy /= n;

        double a = 0, b = 0, ss = 0;
        for (var i = 0; i < n; i++)
        {
            double sx = from[i].X - msx, sy = from[i].Y - msy;
            double dx = to[i].X - mdx, dy = to[i].Y - mdy;
            a += sx * dx + sy * dy;
            b += sx * dy - sy * dx;
            ss += sx * sx + sy * sy;
        }
        if (!(ss > 1e-12) || !double.IsFinite(ss) || !double.IsFinite(a) || !double.IsFinite(b) ||
            !double.IsFinite(mdx) || !double.IsFinite(mdy))
            return false;

        double c = a / ss, s = b / ss; // k cos t, k sin t
        double tx = mdx - (c * msx - s * msy);
        double ty = mdy - (s * msx + c * msy);
        // x' = c x - s y + tx ; y' = s x + c y + ty   (row vector: x' = x M11 + y M21 + M31, y' = x M12 + y M22 + M32)
        transform = new Matrix3x2((float)c, (float)s, (float)-s, (float)c, (float)tx, (float)ty);
        return true;
    }

    /// <summary>The inverse transform; throws <see cref="ArgumentException"/> when the matrix is singular.</summary>
    public static Matrix3x2 Invert(Matrix3x2 transform)
    {
        if (!Matrix3x2.Invert(transform, out var inverse) || !IsFinite(inverse))
            throw new ArgumentException("the transform is singular and cannot be inverted", nameof(transform));
        return inverse;
    }

    /// <summary>Applies a transform to a point (<c>Vector2.Transform</c> for <see cref="PointF"/>).</summary>
    public static PointF Apply(Matrix3x2 transform, PointF p)
    {
        var v = Vector2.Transform(new Vector2(p.X, p.Y), transform);
        return new PointF(v.X, v.Y);
    }

    private static bool IsFinite(Matrix3x2 m) =>
        float.IsFinite(m.M11) && float.IsFinite(m.M12) && float.IsFinite(m.M21) &&
        float.IsFinite(m.M22) && float.IsFinite(m.M31) && float.IsFinite(m.M32);
}
