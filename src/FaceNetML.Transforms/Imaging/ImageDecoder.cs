namespace FaceNetML.Imaging;

/// <summary>Decodes image files (JPEG, PNG, WebP, BMP, GIF) into <see cref="RgbImage"/> with EXIF orientation applied.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes a file. Throws <see cref="ImageDecodeException"/> with a one-line reason for missing, empty or corrupt files.</summary>
    public static RgbImage Decode(string path) => throw new NotImplementedException();

    /// <summary>Decodes encoded bytes; <paramref name="sourceName"/> is used in error messages.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName = "image") => throw new NotImplementedException();

    /// <summary>Converts BGRA32 pixels (the layout of ML.NET's <c>MLImage.Pixels</c>) to RGB, dropping alpha.</summary>
    public static RgbImage FromBgra32(ReadOnlySpan<byte> bgra, int width, int height) => throw new NotImplementedException();
}

/// <summary>An image could not be read or decoded; the message is one line fit for a user.</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null) : BadInputException(message, inner);
