using System.Runtime.InteropServices;
using SkiaSharp;

namespace FaceNetML.Imaging;

/// <summary>Encodes <see cref="RgbImage"/> as PNG or JPEG (SkiaSharp), for debugging and annotated output.</summary>
public static class ImageEncoder
{
    /// <summary>Writes the image as a lossless PNG file.</summary>
    public static void SavePng(RgbImage image, string path) => Write(path, EncodePng(image));

    /// <summary>Writes the image as a JPEG file with the given quality (1..100).</summary>
    public static void SaveJpeg(RgbImage image, string path, int quality = 90) => Write(path, EncodeJpeg(image, quality));

    /// <summary>The PNG encoding of the image.</summary>
    public static byte[] EncodePng(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>The JPEG encoding of the image (quality 1..100).</summary>
    public static byte[] EncodeJpeg(RgbImage image, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, SKEncodedImageFormat.Jpeg, quality);
    }

    private static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.Width * image.Height;
        var rgba = new byte[n * 4];
        var rgb = image.Pixels;
        for (int i = 0, s = 0, d = 0; i < n; i++, s += 3, d += 4)
        {
            rgba[d] = rgb[s];
            rgba[d + 1] = rgb[s + 1];
            rgba[d + 2] = rgb[s + 2];
            rgba[d + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), image.Width * 4);
            using var data = pixmap.Encode(format, quality)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}x{image.Height} image as {format}");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    private static void Write(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }
}
