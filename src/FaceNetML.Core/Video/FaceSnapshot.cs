using System.Drawing;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>A face cut out of a video frame for people to look at: the square around its box with a margin, scaled to a
/// fixed side (what lies outside the frame is black), as JPEG.</summary>
public static class FaceSnapshot
{
    /// <param name="frame">The frame, before anything is painted on it.</param>
    /// <param name="box">The face's box in the frame's pixels.</param>
    /// <param name="size">Side of the picture, pixels.</param>
    /// <param name="margin">Added on every side, as a fraction of the box's longer side.</param>
    public static byte[] Jpeg(RgbImage frame, RectangleF box, int size = 112, float margin = 0.2f, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        float side = MathF.Max(MathF.Max(box.Width, box.Height), 1) * (1 + 2 * margin);
        float cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        var crop = AffineWarp.CropResize(frame, cx - side / 2, cy - side / 2, side, side, size, size);
        return ImageEncoder.EncodeJpeg(crop, quality);
    }
}
