using System.Numerics;

namespace FaceNetML.Imaging;

/// <summary>
/// The single resampling routine of FaceNetML: every resize, crop and alignment is an affine map from
/// output pixel centres to source coordinates, sampled bilinearly; pixels outside the source are black.
/// </summary>
public static class AffineWarp
{
    /// <summary>
    /// Builds an <paramref name="outWidth"/> x <paramref name="outHeight"/> image whose pixel (u, v) is the
    /// source sampled at <c>Vector2.Transform((u, v), outputToSource)</c> (pixel centres at integer coordinates).
    /// </summary>
    public static RgbImage Warp(RgbImage source, Matrix3x2 outputToSource, int outWidth, int outHeight) => throw new NotImplementedException();

    /// <summary>Resizes the whole image (bilinear, pixel-centre aligned like OpenCV's INTER_LINEAR).</summary>
    public static RgbImage Resize(RgbImage source, int width, int height) => throw new NotImplementedException();

    /// <summary>Crops the axis-aligned box (may extend outside the image; outside is black) and resizes it to the given size.</summary>
    public static RgbImage CropResize(RgbImage source, float x, float y, float width, float height, int outWidth, int outHeight) => throw new NotImplementedException();
}
