using System.Numerics;
using FaceNetML.Imaging;

namespace FaceNetML.Tests.Imaging;

[TestClass]
public class AffineWarpTests
{
    [TestMethod]
    public void IdentityReproducesImageExactly()
    {
        var image = ImageDecoderTests.RandomImage(37, 23, seed: 1);
        var same = AffineWarp.Warp(image, Matrix3x2.Identity, 37, 23);
        CollectionAssert.AreEqual(image.Pixels, same.Pixels);
        CollectionAssert.AreEqual(image.Pixels, AffineWarp.Resize(image, 37, 23).Pixels);
        CollectionAssert.AreEqual(image.Pixels, AffineWarp.CropResize(image, 0, 0, 37, 23, 37, 23).Pixels);
    }

    [TestMethod]
    public void TranslationByOnePixelShifts()
    {
        var image = ImageDecoderTests.RandomImage(20, 15, seed: 2);
        var shifted = AffineWarp.Warp(image, Matrix3x2.CreateTranslation(1, 0), 20, 15);
        for (var y = 0; y < 15; y++)
        for (var x = 0; x < 20; x++)
        for (var c = 0; c < 3; c++)
        {
            var expected = x + 1 < 20 ? Px(image, x + 1, y, c) : 0; // last column samples outside: black
            Assert.AreEqual(expected, Px(shifted, x, y, c), $"({x},{y},{c})");
        }

        var down = AffineWarp.Warp(image, Matrix3x2.CreateTranslation(0, -1), 20, 15);
        for (var x = 0; x < 20; x++)
        {
            Assert.AreEqual(0, Px(down, x, 0, 1));
            Assert.AreEqual(Px(image, x, 0, 1), Px(down, x, 1, 1));
        }
    }

    [TestMethod]
    public void Rotation90IsExact()
    {
        var image = ImageDecoderTests.RandomImage(9, 6, seed: 4);
        // Output 6x9: pixel (u, v) reads source (v, 5 - u) -> a 90 degree clockwise rotation.
        var m = new Matrix3x2(0, -1, 1, 0, 0, 5);
        var rotated = AffineWarp.Warp(image, m, 6, 9);
        for (var v = 0; v < 9; v++)
        for (var u = 0; u < 6; u++)
        for (var c = 0; c < 3; c++)
            Assert.AreEqual(Px(image, v, 5 - u, c), Px(rotated, u, v, c));
    }

    [TestMethod]
    public void DownscalingConstantImageStaysConstant()
    {
        var image = Constant(250, 250, 123, 45, 67);
        AssertConstant(AffineWarp.Resize(image, 125, 125), 123, 45, 67);
        AssertConstant(AffineWarp.Resize(image, 150, 150), 123, 45, 67);
        AssertConstant(AffineWarp.Resize(image, 17, 31), 123, 45, 67);
        // A rotated, scaled map that stays inside the image.
        var m = Matrix3x2.CreateScale(1.37f) * Matrix3x2.CreateRotation(0.3f) * Matrix3x2.CreateTranslation(80, 40);
        AssertConstant(AffineWarp.Warp(image, m, 100, 100), 123, 45, 67);
    }

    [TestMethod]
    public void ResizeReplicatesEdgesWhenUpscaling()
    {
        // Documented choice: Resize clamps to the edge (cv2.resize), so upscaling does not darken the border.
        AssertConstant(AffineWarp.Resize(Constant(10, 8, 200, 100, 50), 37, 29), 200, 100, 50);
    }

    [TestMethod]
    public void PixelsOutsideAreBlack()
    {
        var image = Constant(40, 30, 255, 255, 255);
        // Entirely outside.
        AssertConstant(AffineWarp.CropResize(image, 100, 100, 20, 20, 10, 10), 0, 0, 0);
        AssertConstant(AffineWarp.Warp(image, Matrix3x2.CreateTranslation(-500, 3), 10, 10), 0, 0, 0);
        // Rotated maps far away (the per-pixel clamped path) and ones with huge scale do not overflow.
        var far = Matrix3x2.CreateRotation(0.3f) * Matrix3x2.CreateTranslation(1e6f, -1e6f);
        AssertConstant(AffineWarp.Warp(image, far, 8, 8), 0, 0, 0);
        AssertConstant(AffineWarp.Warp(image, far, 8, 8, WarpBorder.Replicate), 255, 255, 255);
        var huge = AffineWarp.Warp(image, Matrix3x2.CreateScale(1e7f) * Matrix3x2.CreateRotation(0.5f), 8, 8);
        Assert.AreEqual(255, Px(huge, 0, 0, 0)); // (0, 0) maps to (0, 0); everything else far outside
        Assert.AreEqual(0, Px(huge, 7, 7, 0));

        // Box [-20, 20) x [0, 30) onto 40x30: left half black, right half white.
        var half = AffineWarp.CropResize(image, -20, 0, 40, 30, 40, 30);
        for (var y = 0; y < 30; y++)
        for (var x = 0; x < 40; x++)
            Assert.AreEqual(x < 20 ? 0 : 255, Px(half, x, y, 0), $"({x},{y})");

        // Half a pixel outside blends half black, like warpAffine BORDER_CONSTANT 0.
        var edge = AffineWarp.Warp(image, Matrix3x2.CreateTranslation(-0.5f, 0), 1, 1);
        Assert.AreEqual(128, Px(edge, 0, 0, 0));
    }

    [TestMethod]
    public void BilinearMidpoints()
    {
        var image = new RgbImage(2, 2, [0, 0, 0, 100, 10, 1, 200, 20, 2, 255, 30, 3]);
        var m = Matrix3x2.CreateTranslation(0.5f, 0);
        var top = AffineWarp.Warp(image, m, 1, 1);
        Assert.AreEqual(50, Px(top, 0, 0, 0));
        Assert.AreEqual(5, Px(top, 0, 0, 1));
        Assert.AreEqual(1, Px(top, 0, 0, 2)); // 0.5 rounds to nearest (up)
        var centre = AffineWarp.Warp(image, Matrix3x2.CreateTranslation(0.5f, 0.5f), 1, 1);
        Assert.AreEqual(139, Px(centre, 0, 0, 0)); // (0 + 100 + 200 + 255) / 4 = 138.75
    }

    [TestMethod]
    public void ResizeMatchesPixelCentreFormula()
    {
        // 4 -> 2 columns: src = (u + 0.5) * 2 - 0.5 = 0.5, 2.5: averages of neighbouring pairs.
        var image = new RgbImage(4, 1, [10, 0, 0, 20, 0, 0, 30, 0, 0, 41, 0, 0]);
        var small = AffineWarp.Resize(image, 2, 1);
        Assert.AreEqual(15, Px(small, 0, 0, 0));
        Assert.AreEqual(36, Px(small, 1, 0, 0)); // 35.5 rounds up
    }

    [TestMethod]
    public void MatchesNaiveReferenceOnRandomMaps()
    {
        var rng = new Random(7);
        var image = ImageDecoderTests.RandomImage(50, 40, seed: 5);
        for (var trial = 0; trial < 30; trial++)
        {
            var m = Matrix3x2.CreateScale(0.3f + 2 * rng.NextSingle()) *
                    Matrix3x2.CreateRotation(trial % 3 == 0 ? 0 : (rng.NextSingle() - 0.5f) * 4) *
                    Matrix3x2.CreateTranslation(rng.NextSingle() * 70 - 10, rng.NextSingle() * 60 - 10);
            foreach (var border in new[] { WarpBorder.Zero, WarpBorder.Replicate })
            {
                var fast = AffineWarp.Warp(image, m, 33, 27, border);
                var slow = Reference(image, m, 33, 27, border);
                for (var i = 0; i < fast.Pixels.Length; i++)
                {
                    if (Math.Abs(fast.Pixels[i] - slow.Pixels[i]) > 1)
                        Assert.Fail($"trial {trial} {border}: byte {i} = {fast.Pixels[i]}, reference {slow.Pixels[i]}");
                }
            }
        }
    }

    [TestMethod]
    public void TinyImagesAndEdgesMatchReference()
    {
        // Exercises the scalar/vector hand-over at the last source row, the bottom-right pixel and the last
        // output pixel, and 1-pixel-wide images where no bilinear neighbourhood is fully inside.
        var rng = new Random(8);
        foreach (var (w, h) in new[] { (1, 1), (1, 5), (5, 1), (2, 2), (3, 2), (7, 4) })
        {
            var image = ImageDecoderTests.RandomImage(w, h, seed: w * 10 + h);
            for (var trial = 0; trial < 20; trial++)
            {
                var m = Matrix3x2.CreateScale(0.2f + 1.5f * rng.NextSingle()) *
                        Matrix3x2.CreateRotation(trial % 2 == 0 ? 0 : rng.NextSingle() * 6) *
                        Matrix3x2.CreateTranslation(rng.NextSingle() * (w + 1) - 1, rng.NextSingle() * (h + 1) - 1);
                int ow = 1 + rng.Next(9), oh = 1 + rng.Next(9);
                foreach (var border in new[] { WarpBorder.Zero, WarpBorder.Replicate })
                {
                    var fast = AffineWarp.Warp(image, m, ow, oh, border);
                    var slow = Reference(image, m, ow, oh, border);
                    for (var i = 0; i < fast.Pixels.Length; i++)
                    {
                        if (Math.Abs(fast.Pixels[i] - slow.Pixels[i]) > 1)
                            Assert.Fail($"{w}x{h} trial {trial} {border}: byte {i} = {fast.Pixels[i]}, reference {slow.Pixels[i]}");
                    }
                }
            }
            // Stretching the whole image over a larger output covers the last row/pixel exactly.
            var stretched = AffineWarp.Resize(image, w * 3, h * 2);
            var expected = Reference(image, AffineWarp.BoxToOutput(0, 0, w, h, w * 3, h * 2), w * 3, h * 2, WarpBorder.Replicate);
            for (var i = 0; i < stretched.Pixels.Length; i++)
                Assert.IsLessThanOrEqualTo(1, Math.Abs(stretched.Pixels[i] - expected.Pixels[i]), $"{w}x{h} resize byte {i}");
        }
    }

    [TestMethod]
    public void WarpIntoOverwritesDestination()
    {
        var image = Constant(10, 10, 9, 9, 9);
        var dest = Constant(5, 5, 77, 77, 77);
        AffineWarp.WarpInto(image, Matrix3x2.CreateTranslation(100, 100), dest);
        AssertConstant(dest, 0, 0, 0);
        Assert.ThrowsExactly<ArgumentException>(() => AffineWarp.WarpInto(image, Matrix3x2.Identity, image));
    }

    [TestMethod]
    public void RejectsBadArguments()
    {
        var image = Constant(4, 4, 1, 1, 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AffineWarp.Resize(image, 0, 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AffineWarp.CropResize(image, 0, 0, 0, 3, 2, 2));
        Assert.ThrowsExactly<ArgumentException>(() => AffineWarp.Warp(image, new Matrix3x2(float.NaN, 0, 0, 1, 0, 0), 2, 2));
    }

    // ---- helpers -------------------------------------------------------------------------------------

    internal static int Px(RgbImage image, int x, int y, int c) => image.Pixels[(y * image.Width + x) * 3 + c];

    internal static RgbImage Constant(int w, int h, byte r, byte g, byte b)
    {
        var image = new RgbImage(w, h);
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            image.Pixels[i] = r;
            image.Pixels[i + 1] = g;
            image.Pixels[i + 2] = b;
        }
        return image;
    }

    private static void AssertConstant(RgbImage image, int r, int g, int b)
    {
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            if (image.Pixels[i] != r || image.Pixels[i + 1] != g || image.Pixels[i + 2] != b)
                Assert.Fail($"pixel {i / 3} = {image.Pixels[i]},{image.Pixels[i + 1]},{image.Pixels[i + 2]}, expected {r},{g},{b}");
        }
    }

    /// <summary>The specification, written plainly in double precision.</summary>
    private static RgbImage Reference(RgbImage src, Matrix3x2 m, int w, int h, WarpBorder border)
    {
        var dst = new RgbImage(w, h);
        double Sample(int x, int y, int c)
        {
            if (border == WarpBorder.Replicate)
            {
                x = Math.Clamp(x, 0, src.Width - 1);
                y = Math.Clamp(y, 0, src.Height - 1);
            }
            else if (x < 0 || y < 0 || x >= src.Width || y >= src.Height)
                return 0;
            return Px(src, x, y, c);
        }
        for (var v = 0; v < h; v++)
        for (var u = 0; u < w; u++)
        {
            double sx = u * (double)m.M11 + v * (double)m.M21 + m.M31;
            double sy = u * (double)m.M12 + v * (double)m.M22 + m.M32;
            int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
            double fx = sx - x0, fy = sy - y0;
            for (var c = 0; c < 3; c++)
            {
                var value = (1 - fx) * (1 - fy) * Sample(x0, y0, c) + fx * (1 - fy) * Sample(x0 + 1, y0, c) +
                            (1 - fx) * fy * Sample(x0, y0 + 1, c) + fx * fy * Sample(x0 + 1, y0 + 1, c);
                dst.Pixels[(v * w + u) * 3 + c] = (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
            }
        }
        return dst;
    }
}
