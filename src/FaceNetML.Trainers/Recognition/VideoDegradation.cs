using FaceNetML.Imaging;

namespace FaceNetML.Trainers.Recognition;

/// <summary>One way a photo is made to look like a video frame: the face's shorter side after shrinking, then a Gaussian
/// blur (sigma in pixels of the small frame), Gaussian sensor noise (sigma in grey levels) and JPEG compression.</summary>
public sealed record VideoDegradation(float FaceSide, float BlurSigma, float NoiseSigma, int JpegQuality)
{
    /// <summary>Face sides drawn (pixels): the range where video faces are small enough to matter.</summary>
    public const float SmallestFace = 12, LargestFace = 64;

    /// <summary>
    /// A random degradation whose face side is drawn log-uniformly from stratum <paramref name="level"/> of
    /// <paramref name="levels"/> equal log-width strata of [<see cref="SmallestFace"/>, <see cref="LargestFace"/>]; blur
    /// sigma 0-1.2, noise sigma 0-8, JPEG quality 20-60.
    /// </summary>
    public static VideoDegradation Draw(int level, int levels, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (levels < 1 || level < 0 || level >= levels) throw new ArgumentOutOfRangeException(nameof(level), level, $"must lie in [0, {levels})");
        double lo = Math.Log(SmallestFace), width = (Math.Log(LargestFace) - lo) / levels;
        float side = (float)Math.Exp(lo + width * (level + rng.NextDouble()));
        return new VideoDegradation(side, 1.2f * rng.NextSingle(), 8f * rng.NextSingle(), 20 + rng.Next(41));
    }

    /// <summary>
    /// The whole photo shrunk so that a face whose shorter side is <paramref name="faceSide"/> pixels becomes
    /// <see cref="FaceSide"/> (area-averaged: halvings, then one bilinear step, as a camera's scaler would), blurred,
    /// noised and JPEG-compressed. A face already smaller is not enlarged.
    /// </summary>
    public RgbImage Apply(RgbImage photo, float faceSide, Random rng)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(rng);
        float scale = faceSide > 0 ? MathF.Min(1, FaceSide / faceSide) : 1;
        int w = Math.Max(1, (int)MathF.Round(photo.Width * scale)), h = Math.Max(1, (int)MathF.Round(photo.Height * scale));
        var image = photo;
        while (image.Width >= 2 * w && image.Height >= 2 * h)
            image = AffineWarp.Resize(image, Math.Max(1, image.Width / 2), Math.Max(1, image.Height / 2));
        if (image.Width != w || image.Height != h) image = AffineWarp.Resize(image, w, h);
        if (BlurSigma > 0.05f) image = Blur(image, BlurSigma);
        if (NoiseSigma > 0.05f) image = Noise(image, NoiseSigma, rng);
        return ImageDecoder.Decode(ImageEncoder.EncodeJpeg(image, JpegQuality), sourceName: "degraded frame");
    }

    /// <summary>Separable Gaussian blur with replicated edges.</summary>
    internal static RgbImage Blur(RgbImage image, float sigma)
    {
        int radius = Math.Max(1, (int)MathF.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) sum += kernel[i + radius] = MathF.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        int w = image.Width, h = image.Height;
        var src = image.Pixels;
        var tmp = new float[src.Length];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        for (int c = 0; c < 3; c++)
        {
            float v = 0;
            for (int k = -radius; k <= radius; k++) v += kernel[k + radius] * src[(y * w + Math.Clamp(x + k, 0, w - 1)) * 3 + c];
            tmp[(y * w + x) * 3 + c] = v;
        }
        var dst = new byte[src.Length];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        for (int c = 0; c < 3; c++)
        {
            float v = 0;
            for (int k = -radius; k <= radius; k++) v += kernel[k + radius] * tmp[(Math.Clamp(y + k, 0, h - 1) * w + x) * 3 + c];
            dst[(y * w + x) * 3 + c] = (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
        }
        return new RgbImage(w, h, dst);
    }

    /// <summary>Independent Gaussian noise on every channel of every pixel (Box-Muller).</summary>
    internal static RgbImage Noise(RgbImage image, float sigma, Random rng)
    {
        var p = (byte[])image.Pixels.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            p[i] = (byte)Math.Clamp((int)Math.Round(p[i] + sigma * n), 0, 255);
        }
        return new RgbImage(image.Width, image.Height, p);
    }
}
