using System.Drawing;
using System.Numerics;
using FaceNetML.Alignment;

namespace FaceNetML.Tests.Alignment;

[TestClass]
public class SimilarityTransformTests
{
    private static readonly PointF[] Landmarks =
    [
        new(105.3f, 120.8f), new(160.1f, 118.2f), new(131.7f, 150.4f), new(110.9f, 178.0f), new(156.2f, 176.5f),
    ];

    private static Matrix3x2 Known(float scale, float radians, float tx, float ty) =>
        Matrix3x2.CreateScale(scale) * Matrix3x2.CreateRotation(radians) * Matrix3x2.CreateTranslation(tx, ty);

    private static PointF[] Apply(Matrix3x2 m, PointF[] points) => Array.ConvertAll(points, p => SimilarityTransform.Apply(m, p));

    [TestMethod]
    public void RecoversKnownSimilarityExactly()
    {
        var truth = Known(1.7f, 0.52f, 12.5f, -5.25f);
        var estimated = SimilarityTransform.Estimate(Landmarks, Apply(truth, Landmarks));
        AssertClose(truth, estimated, 1e-4f);

        var inverse = SimilarityTransform.Estimate(Apply(truth, Landmarks), Landmarks);
        AssertClose(SimilarityTransform.Invert(truth), inverse, 1e-4f);
    }

    [TestMethod]
    public void RecoversTheAlignmentOfTemplatePoints()
    {
        var template = FaceTemplate.Standard112.Points;
        var truth = Known(0.42f, -2.9f, 300, 17); // large rotation, shrinking
        var estimated = SimilarityTransform.Estimate(template, Apply(truth, template));
        AssertClose(truth, estimated, 1e-3f);
    }

    [TestMethod]
    public void LeastSquaresWithNoise()
    {
        var rng = new Random(11);
        var truth = Known(1.3f, 0.2f, -40, 25);
        var target = Array.ConvertAll(Apply(truth, Landmarks),
            p => new PointF(p.X + (rng.NextSingle() - 0.5f) * 3, p.Y + (rng.NextSingle() - 0.5f) * 3));
        var estimated = SimilarityTransform.Estimate(Landmarks, target);

        // Close to the truth...
        var scale = MathF.Sqrt(estimated.M11 * estimated.M11 + estimated.M12 * estimated.M12);
        Assert.AreEqual(1.3f, scale, 0.05f);
        Assert.AreEqual(0.2f, MathF.Atan2(estimated.M12, estimated.M11), 0.05f);
        // ...and no worse than the truth in squared residual (it is the least-squares optimum),
        // nor than small perturbations of itself.
        var best = Residual(estimated, Landmarks, target);
        Assert.IsLessThanOrEqualTo(Residual(truth, Landmarks, target) + 1e-3, best);
        foreach (var delta in new[] { Matrix3x2.CreateTranslation(0.05f, 0), Matrix3x2.CreateTranslation(0, -0.05f) })
            Assert.IsLessThan(Residual(estimated * delta, Landmarks, target), best);
        Assert.IsLessThan(Residual(Matrix3x2.CreateScale(1.01f) * estimated, Landmarks, target), best);
        Assert.IsLessThan(Residual(Matrix3x2.CreateRotation(0.01f) * estimated, Landmarks, target), best);
    }

    [TestMethod]
    public void NeverReflects()
    {
        var mirrored = Array.ConvertAll(Landmarks, p => new PointF(-p.X, p.Y));
        var m = SimilarityTransform.Estimate(Landmarks, mirrored);
        Assert.IsGreaterThanOrEqualTo(0f, m.GetDeterminant());
        Assert.AreEqual(m.M11, m.M22, 1e-6f);
        Assert.AreEqual(m.M12, -m.M21, 1e-6f);
    }

    [TestMethod]
    public void RejectsDegenerateInput()
    {
        PointF[] same = [new(3, 4), new(3, 4), new(3, 4)];
        Assert.ThrowsExactly<ArgumentException>(() => SimilarityTransform.Estimate(same, Landmarks[..3]));
        Assert.ThrowsExactly<ArgumentException>(() => SimilarityTransform.Estimate(Landmarks, Landmarks[..4]));
        Assert.ThrowsExactly<ArgumentException>(() => SimilarityTransform.Estimate(Landmarks[..1], Landmarks[..1]));
        Assert.IsFalse(SimilarityTransform.TryEstimate(same, Landmarks[..3], out _));
        Assert.ThrowsExactly<ArgumentException>(() => SimilarityTransform.Invert(new Matrix3x2(0, 0, 0, 0, 1, 1)));
    }

    private static double Residual(Matrix3x2 m, PointF[] from, PointF[] to)
    {
        double sum = 0;
        for (var i = 0; i < from.Length; i++)
        {
            var p = SimilarityTransform.Apply(m, from[i]);
            sum += (p.X - to[i].X) * (double)(p.X - to[i].X) + (p.Y - to[i].Y) * (double)(p.Y - to[i].Y);
        }
        return sum;
    }

    private static void AssertClose(Matrix3x2 expected, Matrix3x2 actual, float tolerance)
    {
        var message = $"expected {expected}, got {actual}";
        Assert.AreEqual(expected.M11, actual.M11, tolerance, message);
        Assert.AreEqual(expected.M12, actual.M12, tolerance, message);
        Assert.AreEqual(expected.M21, actual.M21, tolerance, message);
        Assert.AreEqual(expected.M22, actual.M22, tolerance, message);
        Assert.AreEqual(expected.M31, actual.M31, tolerance * 100, message);
        Assert.AreEqual(expected.M32, actual.M32, tolerance * 100, message);
    }
}
