using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceNetML.Imaging;

/// <summary>How <see cref="AffineWarp"/> treats source neighbours that fall outside the image.</summary>
public enum WarpBorder
{
    /// <summary>Outside neighbours are black (0), like OpenCV's <c>BORDER_CONSTANT</c> with value 0: crops beyond the border fade to black.</summary>
    Zero,

    /// <summary>Outside neighbours repeat the nearest edge pixel, like OpenCV's <c>BORDER_REPLICATE</c> (what <c>cv2.resize</c> does).</summary>
    Replicate,
}

/// <summary>
/// The single resampling routine of FaceNetML: every resize, crop and alignment is an affine map from
/// output pixel centres to source coordinates, sampled bilinearly; pixels outside the source are black.
/// </summary>
/// <remarks>
/// Output pixel (u, v) (integer coordinates are pixel centres) samples the source at
/// <c>Vector2.Transform(new Vector2(u, v), outputToSource)</c> by bilinear interpolation of the four
/// neighbouring pixels, each neighbour outside the image counting as 0 (<see cref="WarpBorder.Zero"/>);
/// the result is rounded to the nearest byte. Arithmetic is fixed point like OpenCV's warpAffine (sample
/// points quantised to 1/2048 px, 11-bit weights), so results can differ by 1 from an exact float
/// computation, but constant regions and whole-pixel shifts are reproduced exactly. Axis-aligned maps (no
/// rotation or shear: every resize and box crop) use precomputed per-column / per-row neighbour tables;
/// general maps add a per-column fixed-point table to a per-row term (again like warpAffine). The blend of
/// the three channels runs in one 128-bit vector where the hardware has one.
/// No per-pixel allocation in either case. <see cref="Resize"/> alone uses <see cref="WarpBorder.Replicate"/>
/// so that it matches <c>cv2.resize(..., INTER_LINEAR)</c> at the image edges (upscaling would otherwise
/// darken the outermost half pixel).
/// </remarks>
public static class AffineWarp
{
    /// <summary>Column/row tables up to this length live on the stack.</summary>
    private const int StackTableLimit = 1024;

    /// <summary>
    /// Builds an <paramref name="outWidth"/> x <paramref name="outHeight"/> image whose pixel (u, v) is the
    /// source sampled at <c>Vector2.Transform((u, v), outputToSource)</c> (pixel centres at integer coordinates).
    /// </summary>
    public static RgbImage Warp(RgbImage source, Matrix3x2 outputToSource, int outWidth, int outHeight)
        => Warp(source, outputToSource, outWidth, outHeight, WarpBorder.Zero);

    /// <summary>As <see cref="Warp(RgbImage, Matrix3x2, int, int)"/>, with a choice of border handling.</summary>
    public static RgbImage Warp(RgbImage source, Matrix3x2 outputToSource, int outWidth, int outHeight, WarpBorder border)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (outWidth <= 0 || outHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(outWidth), $"output size must be positive, got {outWidth}x{outHeight}");
        var destination = new RgbImage(outWidth, outHeight);
        WarpInto(source, outputToSource, destination, border);
        return destination;
    }

    /// <summary>
    /// Warps into an existing image (every pixel of <paramref name="destination"/> is overwritten), so a hot
    /// loop can reuse one buffer. <paramref name="destination"/> must not be <paramref name="source"/>.
    /// </summary>
    public static unsafe void WarpInto(RgbImage source, Matrix3x2 outputToSource, RgbImage destination, WarpBorder border = WarpBorder.Zero)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(source, destination) || ReferenceEquals(source.Pixels, destination.Pixels))
            throw new ArgumentException("destination must not share pixels with the source", nameof(destination));
        var m = outputToSource;
        if (!float.IsFinite(m.M11) || !float.IsFinite(m.M12) || !float.IsFinite(m.M21) ||
            !float.IsFinite(m.M22) || !float.IsFinite(m.M31) || !float.IsFinite(m.M32))
            throw new ArgumentException("the warp matrix has non-finite elements", nameof(outputToSource));

        fixed (byte* src = source.Pixels)
        fixed (byte* dst = destination.Pixels)
        {
            if (m.M12 == 0 && m.M21 == 0)
                WarpAxisAligned(src, source.Width, source.Height, dst, destination.Width, destination.Height, m, border);
            else
                WarpGeneral(src, source.Width, source.Height, dst, destination.Width, destination.Height, m, border);
        }
    }

    /// <summary>Resizes the whole image (bilinear, pixel-centre aligned like OpenCV's INTER_LINEAR).</summary>
    /// <remarks>Maps <c>src = (u + 0.5) * srcW / width - 0.5</c>; the edges are replicated (clamp-to-edge), as in cv2.resize.</remarks>
    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"output size must be positive, got {width}x{height}");
        return Warp(source, BoxToOutput(0, 0, source.Width, source.Height, width, height), width, height, WarpBorder.Replicate);
    }

    /// <summary>Crops the axis-aligned box (may extend outside the image; outside is black) and resizes it to the given size.</summary>
    /// <remarks>The box <c>[x, x + width) x [y, y + height)</c> covers the output exactly, pixel-centre aligned:
    /// <c>src = x + (u + 0.5) * width / outWidth - 0.5</c>.</remarks>
    public static RgbImage CropResize(RgbImage source, float x, float y, float width, float height, int outWidth, int outHeight)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (outWidth <= 0 || outHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(outWidth), $"output size must be positive, got {outWidth}x{outHeight}");
        if (!(width > 0) || !(height > 0) || !float.IsFinite(width) || !float.IsFinite(height))
            throw new ArgumentOutOfRangeException(nameof(width), $"crop box size must be positive, got {width}x{height}");
        return Warp(source, BoxToOutput(x, y, width, height, outWidth, outHeight), outWidth, outHeight, WarpBorder.Zero);
    }

    /// <summary>The output-to-source map that stretches box [x, x+w) x [y, y+h) over an outW x outH output, pixel-centre aligned.</summary>
    public static Matrix3x2 BoxToOutput(float x, float y, float width, float height, int outWidth, int outHeight)
    {
        double sx = (double)width / outWidth, sy = (double)height / outHeight;
        return new Matrix3x2((float)sx, 0, 0, (float)sy, (float)(x + 0.5 * sx - 0.5), (float)(y + 0.5 * sy - 0.5));
    }

    // Fixed point, as OpenCV does: sample coordinates are quantised to 1/2048 px and the bilinear weights are
    // 11-bit integers summing exactly to 2048 per axis, so constant regions stay exactly constant, whole-pixel
    // maps copy exactly, and the inner loop is integer multiply-adds with one rounding shift per channel.
    private const int FracBits = 11;
    private const int One = 1 << FracBits;             // weight 1.0 per axis
    private const int RoundShift = 2 * FracBits;       // product of two axis weights
    private const int RoundHalf = 1 << (RoundShift - 1);

    /// <summary>Quantises a coordinate to 1/2048 px (nearest), first clamping it into [-2, size + 1]: beyond
    /// that every neighbour is outside, so clamping keeps both border modes' results and avoids overflow.</summary>
    private static int Quantise(double s, int size)
    {
        if (!(s >= -2)) s = -2;                  // also maps NaN (impossible here) somewhere harmless
        else if (s > size + 1) s = size + 1;
        return (int)Math.Floor(s * One + 0.5);
    }

    // ---- axis-aligned: separable tables --------------------------------------------------------------

    private static unsafe void WarpAxisAligned(byte* src, int sw, int sh, byte* dst, int dw, int dh, Matrix3x2 m, WarpBorder border)
    {
        // Per output column: byte offsets of the two neighbours and their weights; per row likewise.
        // An outside neighbour (Zero border) gets weight 0 and a safe offset; Replicate clamps the offset.
        var colOffsets = dw * 2 <= StackTableLimit ? stackalloc int[dw * 2] : new int[dw * 2];
        var colWeights = dw * 2 <= StackTableLimit ? stackalloc int[dw * 2] : new int[dw * 2];
        var rowOffsets = dh * 2 <= StackTableLimit ? stackalloc int[dh * 2] : new int[dh * 2];
        var rowWeights = dh * 2 <= StackTableLimit ? stackalloc int[dh * 2] : new int[dh * 2];
        FillTable(colOffsets, colWeights, dw, m.M11, m.M31, sw, 3, border);
        FillTable(rowOffsets, rowWeights, dh, m.M22, m.M32, sh, sw * 3, border);

        var simd = Vector128.IsHardwareAccelerated;
        var lastSourceRow = src + (sh - 1) * sw * 3;
        fixed (int* co = colOffsets, ro = rowOffsets, cw = colWeights, rw = rowWeights)
        {
            var d = dst;
            for (var v = 0; v < dh; v++)
            {
                int wy0 = rw[2 * v], wy1 = rw[2 * v + 1];
                if (wy0 == 0 && wy1 == 0)
                {
                    new Span<byte>(d, dw * 3).Clear();
                    d += dw * 3;
                    continue;
                }
                byte* r0 = src + ro[2 * v];
                byte* r1 = src + ro[2 * v + 1];
                var u = 0;
                // The vector path reads and writes 4 bytes per pixel: not on the last source row (it would read
                // one byte past the image) nor for the very last output pixel (it would write one past).
                if (simd && r0 != lastSourceRow && r1 != lastSourceRow)
                {
                    var end = v == dh - 1 ? dw - 1 : dw;
                    for (; u < end; u++, d += 3)
                    {
                        int ox0 = co[2 * u], ox1 = co[2 * u + 1];
                        int wx0 = cw[2 * u], wx1 = cw[2 * u + 1];
                        Blend4(d, r0 + ox0, r0 + ox1, r1 + ox0, r1 + ox1, wy0 * wx0, wy0 * wx1, wy1 * wx0, wy1 * wx1);
                    }
                }
                for (; u < dw; u++, d += 3)
                {
                    int ox0 = co[2 * u], ox1 = co[2 * u + 1];
                    int wx0 = cw[2 * u], wx1 = cw[2 * u + 1];
                    Blend3(d, r0 + ox0, r0 + ox1, r1 + ox0, r1 + ox1, wy0 * wx0, wy0 * wx1, wy1 * wx0, wy1 * wx1);
                }
            }
        }
    }

    /// <summary>Bilinear blend of one RGB pixel, scalar: reads 3 bytes at each neighbour, writes 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Blend3(byte* d, byte* p00, byte* p01, byte* p10, byte* p11, int w00, int w01, int w10, int w11)
    {
        d[0] = (byte)((w00 * p00[0] + w01 * p01[0] + w10 * p10[0] + w11 * p11[0] + RoundHalf) >> RoundShift);
        d[1] = (byte)((w00 * p00[1] + w01 * p01[1] + w10 * p10[1] + w11 * p11[1] + RoundHalf) >> RoundShift);
        d[2] = (byte)((w00 * p00[2] + w01 * p01[2] + w10 * p10[2] + w11 * p11[2] + RoundHalf) >> RoundShift);
    }

    /// <summary>
    /// The same blend with 128-bit vectors, all channels at once: reads 4 bytes at each neighbour and writes
    /// 4 bytes at <paramref name="d"/> (the fourth is garbage, overwritten by the next pixel), so the caller
    /// keeps it off the last byte of either buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Blend4(byte* d, byte* p00, byte* p01, byte* p10, byte* p11, int w00, int w01, int w10, int w11)
    {
        var sum = Load4(p00) * Vector128.Create(w00) + Load4(p01) * Vector128.Create(w01)
                + Load4(p10) * Vector128.Create(w10) + Load4(p11) * Vector128.Create(w11)
                + Vector128.Create(RoundHalf);
        var shifted = Vector128.ShiftRightArithmetic(sum, RoundShift);
        var words = Vector128.Narrow(shifted, shifted);
        var bytes = Vector128.Narrow(words, words);
        Unsafe.WriteUnaligned(d, bytes.AsUInt32().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector128<int> Load4(byte* p)
    {
        var v = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(p)).AsByte();
        return Vector128.WidenLower(Vector128.WidenLower(v)).AsInt32();
    }

    private static void FillTable(Span<int> offsets, Span<int> weights, int count, float scale, float shift, int size, int step, WarpBorder border)
    {
        for (var i = 0; i < count; i++)
        {
            var q = Quantise((double)scale * i + shift, size);
            int i0 = q >> FracBits, i1 = i0 + 1;
            int w1 = q & (One - 1), w0 = One - w1;
            if (border == WarpBorder.Replicate)
            {
                i0 = Math.Clamp(i0, 0, size - 1);
                i1 = Math.Clamp(i1, 0, size - 1);
            }
            else
            {
                if ((uint)i0 >= (uint)size) { i0 = 0; w0 = 0; }
                if ((uint)i1 >= (uint)size) { i1 = 0; w1 = 0; }
            }
            offsets[2 * i] = i0 * step;
            offsets[2 * i + 1] = i1 * step;
            weights[2 * i] = w0;
            weights[2 * i + 1] = w1;
        }
    }

    // ---- general affine: sample point per pixel ------------------------------------------------------

    /// <summary>Coordinates beyond this (in px) leave the incremental fixed-point path (no int overflow).</summary>
    private const float IncrementalLimit = 1 << 18;

    private static unsafe void WarpGeneral(byte* src, int sw, int sh, byte* dst, int dw, int dh, Matrix3x2 m, WarpBorder border)
    {
        var stride = sw * 3;
        var simd = Vector128.IsHardwareAccelerated;
        var lastOut = dst + (dw * dh - 1) * 3;
        var d = dst;

        if (!FitsIncremental(m, dw, dh, sw, sh))
        {
            // Wild maps (far outside the image): quantise each sample point separately, with clamping.
            for (var v = 0; v < dh; v++)
            {
                double bx = (double)m.M21 * v + m.M31, by = (double)m.M22 * v + m.M32;
                for (var u = 0; u < dw; u++, d += 3)
                    SampleAt(src, sw, sh, stride, d, Quantise((double)m.M11 * u + bx, sw), Quantise((double)m.M12 * u + by, sh), border, false);
            }
            return;
        }

        // As OpenCV's warpAffine: the column term M11*u, M12*u is tabulated in fixed point once, the row term
        // once per row, and each sample point is their integer sum.
        var table = dw * 2 <= StackTableLimit ? stackalloc int[dw * 2] : new int[dw * 2];
        for (var u = 0; u < dw; u++)
        {
            table[2 * u] = (int)Math.Round((double)m.M11 * u * One);
            table[2 * u + 1] = (int)Math.Round((double)m.M12 * u * One);
        }
        fixed (int* t = table)
        {
            for (var v = 0; v < dh; v++)
            {
                var rowX = (int)Math.Round(((double)m.M21 * v + m.M31) * One);
                var rowY = (int)Math.Round(((double)m.M22 * v + m.M32) * One);
                for (var u = 0; u < dw; u++, d += 3)
                    SampleAt(src, sw, sh, stride, d, rowX + t[2 * u], rowY + t[2 * u + 1], border, simd && d != lastOut);
            }
        }
    }

    /// <summary>Whether every sample point of the output (the extremes are at its corners) and the source
    /// size stay within <see cref="IncrementalLimit"/>, so fixed-point sums cannot overflow.</summary>
    private static bool FitsIncremental(Matrix3x2 m, int dw, int dh, int sw, int sh)
    {
        if (sw >= IncrementalLimit || sh >= IncrementalLimit)
            return false;
        foreach (var (u, v) in new[] { (0, 0), (dw - 1, 0), (0, dh - 1), (dw - 1, dh - 1) })
        {
            var p = Vector2.Transform(new Vector2(u, v), m);
            if (!(MathF.Abs(p.X) < IncrementalLimit) || !(MathF.Abs(p.Y) < IncrementalLimit))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Writes the bilinear sample at fixed-point source point (qx, qy) / 2048 to <paramref name="d"/>.
    /// <paramref name="vectorOk"/>: writing 4 bytes at <paramref name="d"/> is allowed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void SampleAt(byte* src, int sw, int sh, int stride, byte* d, int qx, int qy, WarpBorder border, bool vectorOk)
    {
        int x0 = qx >> FracBits, y0 = qy >> FracBits;
        int fx = qx & (One - 1), fy = qy & (One - 1);
        int gx = One - fx, gy = One - fy;

        if ((uint)x0 < (uint)(sw - 1) && (uint)y0 < (uint)(sh - 1))
        {
            // Fast path: all four neighbours inside. The vector blend reads 4 bytes per neighbour, which
            // overruns the source only at its bottom-right pixel.
            byte* p = src + y0 * stride + x0 * 3;
            byte* q = p + stride;
            int w00 = gx * gy, w01 = fx * gy, w10 = gx * fy, w11 = fx * fy;
            if (vectorOk && (x0 != sw - 2 || y0 != sh - 2))
                Blend4(d, p, p + 3, q, q + 3, w00, w01, w10, w11);
            else
                Blend3(d, p, p + 3, q, q + 3, w00, w01, w10, w11);
            return;
        }

        int x1 = x0 + 1, y1 = y0 + 1;
        if (border == WarpBorder.Replicate)
        {
            x0 = Math.Clamp(x0, 0, sw - 1); x1 = Math.Clamp(x1, 0, sw - 1);
            y0 = Math.Clamp(y0, 0, sh - 1); y1 = Math.Clamp(y1, 0, sh - 1);
        }
        else
        {
            if ((uint)x0 >= (uint)sw) { x0 = 0; gx = 0; }
            if ((uint)x1 >= (uint)sw) { x1 = 0; fx = 0; }
            if ((uint)y0 >= (uint)sh) { y0 = 0; gy = 0; }
            if ((uint)y1 >= (uint)sh) { y1 = 0; fy = 0; }
            if ((gx | fx) == 0 || (gy | fy) == 0)
            {
                d[0] = d[1] = d[2] = 0;
                return;
            }
        }
        byte* p00 = src + y0 * stride + x0 * 3, p01 = src + y0 * stride + x1 * 3;
        byte* p10 = src + y1 * stride + x0 * 3, p11 = src + y1 * stride + x1 * 3;
        Blend3(d, p00, p01, p10, p11, gx * gy, fx * gy, gx * fy, fx * fy);
    }
}
