namespace FaceNetML.Imaging;

/// <summary>
/// Writes an <see cref="RgbImage"/> into a float NHWC tensor slot as <c>(v - mean) * scale</c>: the single
/// normalisation routine shared by detection, embedding, ML.NET components and the trainer.
/// </summary>
public static class TensorPacker
{
    /// <summary>
    /// Writes <paramref name="image"/> as H x W x 3 floats into <paramref name="destination"/> (length W*H*3).
    /// With <paramref name="transposed"/> the layout is W x H x 3 (element [x, y, c]), as MTCNN expects.
    /// </summary>
    /// <remarks>Only the first W*H*3 elements of a longer destination are written.</remarks>
    public static unsafe void Pack(RgbImage image, Span<float> destination, float mean, float scale, bool transposed = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, n = w * h * 3;
        if (destination.Length < n)
            throw new ArgumentException($"destination holds {destination.Length} floats, {w}x{h}x3 needs {n}", nameof(destination));

        // Every byte value maps through the same expression, so a 256-entry table gives identical results.
        var lut = stackalloc float[256];
        for (var v = 0; v < 256; v++)
            lut[v] = (v - mean) * scale;

        fixed (byte* src = image.Pixels)
        fixed (float* dst = destination)
        {
            if (!transposed || w == 1 || h == 1)
            {
                // HWC, or a single row/column where both layouts coincide.
                for (var i = 0; i < n; i++)
                    dst[i] = lut[src[i]];
                return;
            }

            var colStride = h * 3; // distance between [x, y] and [x + 1, y]
            var s = src;
            for (var y = 0; y < h; y++)
            {
                var d = dst + y * 3;
                for (var x = 0; x < w; x++, s += 3, d += colStride)
                {
                    d[0] = lut[s[0]];
                    d[1] = lut[s[1]];
                    d[2] = lut[s[2]];
                }
            }
        }
    }
}
