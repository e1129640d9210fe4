namespace FaceNetML.Imaging;

/// <summary>
/// A decoded picture as 8-bit RGB, interleaved, row-major, no padding: the one pixel format every stage
/// (detection, alignment, embedding, video) reads. Grayscale sources arrive here as three equal channels.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    public int Width { get; }
    public int Height { get; }

    /// <summary>RGB bytes, <c>(y * Width + x) * 3 + channel</c>.</summary>
    public byte[] Pixels { get; }

    public int Stride => Width * 3;
}
