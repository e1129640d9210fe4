using System.Runtime.InteropServices;
using SkiaSharp;

namespace FaceNetML.Imaging;

/// <summary>Decodes image files (JPEG, PNG, WebP, BMP, GIF) into <see cref="RgbImage"/> with EXIF orientation applied.</summary>
/// <remarks>
/// Decoding goes through <see cref="SKCodec"/> to RGBA8888 / unpremultiplied (grayscale sources come out as
/// three equal channels, alpha is dropped), then the EXIF orientation is applied so that the returned
/// pixels are upright. A partially decoded image (<see cref="SKCodecResult.IncompleteInput"/>, e.g. a
/// truncated JPEG) is an error: a clear message beats a half-grey face.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>The default pixel budget: 50 megapixels.</summary>
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>The largest budget that can be set: 2^28 pixels, whose RGBA still fits one array.</summary>
    public const long LargestMaxPixels = 1L << 28;

    private static long _maxPixels = DefaultMaxPixels;

    /// <summary>
    /// The pixel budget: images whose header declares more pixels are refused before any pixel is decoded
    /// (default <see cref="DefaultMaxPixels"/>). A decoded image costs 7 bytes per pixel (RGBA from the codec,
    /// then RGB), so the default bounds decoding at about 350 MB. Process-wide; the CLI sets it from <c>--max-megapixels</c>.
    /// </summary>
    public static long MaxPixels
    {
        get => Interlocked.Read(ref _maxPixels);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, LargestMaxPixels);
            Interlocked.Exchange(ref _maxPixels, value);
        }
    }

    /// <summary>Files larger than this are refused unread: 8 bytes per budget pixel (an uncompressed 16-bit RGBA
    /// image), at least 64 MiB.</summary>
    public static long MaxFileBytes => Math.Max(64L << 20, MaxPixels * 8);

    /// <summary>File extensions of the formats <see cref="Decode(string)"/> reads (case-insensitive).</summary>
    public static IReadOnlySet<string> FileExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"], StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the path's extension is one of <see cref="FileExtensions"/>: what folder scans pick up.</summary>
    public static bool IsImageFile(string path) => FileExtensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Decodes a file. Throws <see cref="ImageDecodeException"/> with a one-line reason for missing, empty,
    /// corrupt, unreadable or too large files, and for paths that are not regular files (devices, FIFOs,
    /// sockets), which are refused without being opened.
    /// </summary>
    public static RgbImage Decode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = OneLine(path);
        if (Directory.Exists(path))
            throw new ImageDecodeException($"{name}: is a directory, not an image file");
        if (!File.Exists(path))
            throw new ImageDecodeException($"{name}: file not found");
        var kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown))
            throw new ImageDecodeException($"{name}: not a regular file ({FileKinds.Describe(kind)})");
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long length = stream.Length;
            if (length > MaxFileBytes)
                throw new ImageDecodeException($"{name}: file too large ({length / 1e6:F0} MB; images up to {MaxFileBytes / 1e6:F0} MB are read)", overBudget: true);
            bytes = new byte[length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"{name}: cannot read file ({OneLine(e.Message)})", e);
        }
        return Decode(bytes, name);
    }

    /// <summary>Decodes encoded bytes; <paramref name="sourceName"/> is used in error messages.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName = "image")
    {
        var name = OneLine(sourceName ?? "image");
        if (encoded.IsEmpty)
            throw new ImageDecodeException($"{name}: not a supported image (zero-byte file)");

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec == null)
            throw new ImageDecodeException($"{name}: not a supported image (unrecognised format)");

        var info = codec.Info;
        int w = info.Width, h = info.Height;
        if (w <= 0 || h <= 0)
            throw new ImageDecodeException($"{name}: corrupt or truncated image data (size {w}x{h})");
        long budget = MaxPixels;
        if ((long)w * h > budget)
            throw new ImageDecodeException($"{name}: image too large ({w}x{h} = {(long)w * h / 1e6:0.#} megapixels; the budget is {budget / 1e6:0.#})", overBudget: true);

        // Keep the codec's colour space so no colour conversion happens; only the pixel format changes.
        var target = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul, info.ColorSpace);
        // The RGBA scratch lives outside the GC heap and is freed as soon as the RGB image is made: a garbage
        // 4-byte-per-pixel array per large photo otherwise stays until the next full collection, which doubled
        // the peak memory of a batch of large photos.
        nuint bytes = checked((nuint)w * (nuint)h * 4);
        unsafe
        {
            void* rgba = NativeMemory.Alloc(bytes);
            try
            {
                var result = codec.GetPixels(target, (IntPtr)rgba);
                switch (result)
                {
                    case SKCodecResult.Success:
                        break;
                    case SKCodecResult.IncompleteInput:
                    case SKCodecResult.ErrorInInput:
                    case SKCodecResult.InvalidInput:
                        throw new ImageDecodeException($"{name}: corrupt or truncated image data");
                    default:
                        throw new ImageDecodeException($"{name}: cannot decode image ({result})");
                }
                return Orient(new ReadOnlySpan<byte>(rgba, checked((int)bytes)), w, h, codec.EncodedOrigin);
            }
            finally
            {
                NativeMemory.Free(rgba);
            }
        }
    }

    /// <summary>Converts BGRA32 pixels (the layout of ML.NET's <c>MLImage.Pixels</c>) to RGB, dropping alpha.</summary>
    public static RgbImage FromBgra32(ReadOnlySpan<byte> bgra, int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        var n = checked(width * height);
        if (bgra.Length < n * 4)
            throw new ArgumentException($"expected {n * 4} bytes for {width}x{height} BGRA32, got {bgra.Length}", nameof(bgra));
        var rgb = new byte[n * 3];
        for (int i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3)
        {
            rgb[d] = bgra[s + 2];
            rgb[d + 1] = bgra[s + 1];
            rgb[d + 2] = bgra[s];
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>
    /// Drops alpha and applies the EXIF orientation: display pixel (dx, dy) reads stored pixel
    /// <c>start + dx * stepX + dy * stepY</c> (in pixels of the stored w x h image).
    /// </summary>
    private static RgbImage Orient(ReadOnlySpan<byte> rgba, int w, int h, SKEncodedOrigin origin)
    {
        // Display size: the four "transposing" orientations swap width and height.
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int dw = swap ? h : w, dh = swap ? w : h;
        int start, stepX, stepY;
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: // 2: mirrored horizontally
                start = w - 1; stepX = -1; stepY = w; break;
            case SKEncodedOrigin.BottomRight: // 3: rotated 180
                start = h * w - 1; stepX = -1; stepY = -w; break;
            case SKEncodedOrigin.BottomLeft: // 4: mirrored vertically
                start = (h - 1) * w; stepX = 1; stepY = -w; break;
            case SKEncodedOrigin.LeftTop: // 5: transposed
                start = 0; stepX = w; stepY = 1; break;
            case SKEncodedOrigin.RightTop: // 6: needs a 90 degree clockwise rotation
                start = (h - 1) * w; stepX = -w; stepY = 1; break;
            case SKEncodedOrigin.RightBottom: // 7: transverse
                start = h * w - 1; stepX = -w; stepY = -1; break;
            case SKEncodedOrigin.LeftBottom: // 8: needs a 90 degree counter-clockwise rotation
                start = w - 1; stepX = w; stepY = -1; break;
            default: // 1: upright
                start = 0; stepX = 1; stepY = w; break;
        }

        var rgb = new byte[dw * dh * 3];
        var src = rgba;
        var d = 0;
        for (var y = 0; y < dh; y++)
        {
            var s = start + y * stepY;
            for (var x = 0; x < dw; x++, s += stepX, d += 3)
            {
                var o = s * 4;
                rgb[d] = src[o];
                rgb[d + 1] = src[o + 1];
                rgb[d + 2] = src[o + 2];
            }
        }
        return new RgbImage(dw, dh, rgb);
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}

/// <summary>An image could not be read or decoded; the message is one line fit for a user.</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null, bool overBudget = false) : BadInputException(message, inner)
{
    /// <summary>True when the image was refused for its size (pixel budget or file size), not for its content:
    /// the HTTP server answers 413 for these and 415 for the rest.</summary>
    public bool OverBudget { get; } = overBudget;
}
