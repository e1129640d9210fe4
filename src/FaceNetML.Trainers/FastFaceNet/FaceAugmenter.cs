using System.Numerics;
using FaceNetML.Imaging;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>Training-time augmentation of aligned crops.</summary>
public sealed record AugmentationOptions
{
    public float FlipProbability { get; init; } = 0.5f;
    /// <summary>Probability of converting to gray (three equal channels): LFW's test images are largely grayscale.</summary>
    public float GrayscaleProbability { get; init; } = 0.2f;
    /// <summary>Largest shift, as a fraction of the crop side, in x and y.</summary>
    public float ShiftFraction { get; init; } = 0.05f;
    /// <summary>Largest relative zoom in or out.</summary>
    public float ScaleJitter { get; init; } = 0.05f;

    public static AugmentationOptions None { get; } = new() { FlipProbability = 0, GrayscaleProbability = 0, ShiftFraction = 0, ScaleJitter = 0 };
}

/// <summary>Flip, small crop/scale jitter (one <see cref="AffineWarp"/> with edge replication) and random grayscale.</summary>
public static class FaceAugmenter
{
    public static RgbImage Apply(RgbImage crop, AugmentationOptions options, Random rng)
    {
        bool flip = rng.NextSingle() < options.FlipProbability;
        float scale = 1 + (rng.NextSingle() * 2 - 1) * options.ScaleJitter;
        float tx = (rng.NextSingle() * 2 - 1) * options.ShiftFraction * crop.Width;
        float ty = (rng.NextSingle() * 2 - 1) * options.ShiftFraction * crop.Height;
        bool gray = rng.NextSingle() < options.GrayscaleProbability;
        RgbImage result = crop;
        if (flip || scale != 1 || tx != 0 || ty != 0)
        {
            // Output pixel (u, v) samples the source at c + (±(u - cx), v - cy) / scale + t (pixel centres at integers).
            float cx = (crop.Width - 1) / 2f, cy = (crop.Height - 1) / 2f, f = flip ? -1 : 1;
            var map = new Matrix3x2(f / scale, 0, 0, 1 / scale, cx - cx * f / scale + tx, cy - cy / scale + ty);
            result = AffineWarp.Warp(crop, map, crop.Width, crop.Height, WarpBorder.Replicate);
        }
        if (gray) result = PixelOps.ToGray(result);
        return result;
    }
}
