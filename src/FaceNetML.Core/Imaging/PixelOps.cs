namespace FaceNetML.Imaging;

/// <summary>Whole-image pixel operations that need no resampling: mirror, grayscale, and the grayscale test.</summary>
public static class PixelOps
{
    /// <summary>A left-right mirrored copy (flip-augmented enrolment, training augmentation).</summary>
    public static RgbImage Mirror(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var src = image.Pixels;
        var dst = new byte[src.Length];
        int w = image.Width, stride = image.Stride;
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * stride;
            for (int x = 0; x < w; x++)
            {
                int s = row + x * 3, d = row + (w - 1 - x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>
    /// Whether a photo is grayscale: its pixels' channels differ by at most <paramref name="tolerance"/> grey levels on
    /// average (a grayscale JPEG decoded to RGB, or one saved as colour with slight chroma noise).
    /// </summary>
    public static bool IsGray(RgbImage image, float tolerance = 2f)
    {
        ArgumentNullException.ThrowIfNull(image);
        var p = image.Pixels;
        long spread = 0;
        for (int i = 0; i < p.Length; i += 3)
        {
            int r = p[i], g = p[i + 1], b = p[i + 2];
            spread += Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b));
        }
        return spread <= tolerance * (p.Length / 3);
    }

    /// <summary>A grayscale copy as three equal channels (ITU-R BT.601 luma), like a grayscale photo decoded to RGB.</summary>
    public static RgbImage ToGray(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var p = (byte[])image.Pixels.Clone();
        for (int i = 0; i < p.Length; i += 3)
        {
            byte y = (byte)Math.Clamp((int)MathF.Round(0.299f * p[i] + 0.587f * p[i + 1] + 0.114f * p[i + 2]), 0, 255);
            p[i] = p[i + 1] = p[i + 2] = y;
        }
        return new RgbImage(image.Width, image.Height, p);
    }
}
