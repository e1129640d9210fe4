using FaceNetML.Imaging;

namespace FaceNetML.Tests.Imaging;

[TestClass]
public class ImageDecoderTests
{
    [TestMethod]
    public void DecodesRealJpeg()
    {
        var image = ImageDecoder.Decode(TestData.Photo("obama.jpg"));
        Assert.AreEqual(910, image.Width);
        Assert.AreEqual(1137, image.Height);
        Assert.AreEqual(910 * 1137 * 3, image.Pixels.Length);
        AssertNotFlat(image);
    }

    [TestMethod]
    public void DecodesRgbaPngDroppingAlpha()
    {
        var image = ImageDecoder.Decode(TestData.DataPath("photos", "edge-cases", "32bit.png"));
        Assert.AreEqual(626, image.Width);
        Assert.AreEqual(1200, image.Height);
        AssertNotFlat(image);
    }

    [TestMethod]
    public void GrayscaleJpegComesOutAsThreeEqualChannels()
    {
        var image = ImageDecoder.Decode(TestData.DataPath("lfw-dev", "images", "Aaron_Patterson", "Aaron_Patterson_0001.jpg"));
        Assert.AreEqual(250, image.Width);
        Assert.AreEqual(250, image.Height);
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3)
        {
            if (p[i] != p[i + 1] || p[i] != p[i + 2])
                Assert.Fail($"pixel {i / 3} is not gray: {p[i]},{p[i + 1]},{p[i + 2]}");
        }
        AssertNotFlat(image);
    }

    [TestMethod]
    public void PngRoundTripIsLossless()
    {
        var image = RandomImage(31, 17, seed: 3);
        var dir = TestData.TempDir("png-roundtrip");
        try
        {
            var path = Path.Combine(dir, "out.png");
            ImageEncoder.SavePng(image, path);
            var back = ImageDecoder.Decode(path);
            Assert.AreEqual(image.Width, back.Width);
            Assert.AreEqual(image.Height, back.Height);
            CollectionAssert.AreEqual(image.Pixels, back.Pixels);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void JpegRoundTripIsClose()
    {
        var image = Quadrants(64, 32);
        var dir = TestData.TempDir("jpeg-roundtrip");
        try
        {
            var path = Path.Combine(dir, "out.jpg");
            ImageEncoder.SaveJpeg(image, path, quality: 95);
            var back = ImageDecoder.Decode(path);
            Assert.AreEqual(64, back.Width);
            Assert.AreEqual(32, back.Height);
            AssertColour(back, 16, 8, Red);
            AssertColour(back, 48, 24, Yellow);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void FromBgra32SwapsToRgbAndDropsAlpha()
    {
        byte[] bgra = [1, 2, 3, 4, 10, 20, 30, 0];
        var image = ImageDecoder.FromBgra32(bgra, 2, 1);
        CollectionAssert.AreEqual(new byte[] { 3, 2, 1, 30, 20, 10 }, image.Pixels);
        Assert.ThrowsExactly<ArgumentException>(() => ImageDecoder.FromBgra32(bgra, 3, 1));
    }

    // ---- errors: one line each ------------------------------------------------------------------------

    [TestMethod]
    public void MissingFileIsOneLineError()
    {
        var dir = TestData.TempDir("missing");
        try
        {
            var path = Path.Combine(dir, "nope.jpg");
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(path));
            AssertOneLine(e, path, "file not found");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ZeroByteFileIsOneLineError()
    {
        WithFile("photo.jpg", [], path =>
        {
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(path));
            AssertOneLine(e, path, "zero-byte file");
            Assert.IsInstanceOfType<BadInputException>(e);
        });
    }

    [TestMethod]
    public void TextFileIsOneLineError()
    {
        WithFile("notes.jpg", "this is not an image\nsecond line\n"u8.ToArray(), path =>
        {
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(path));
            AssertOneLine(e, path, "not a supported image");
        });
    }

    [TestMethod]
    public void TruncatedJpegIsOneLineError()
    {
        var bytes = File.ReadAllBytes(TestData.Photo("obama.jpg"));
        WithFile("truncated.jpg", bytes[..(bytes.Length * 3 / 10)], path =>
        {
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(path));
            AssertOneLine(e, path, "corrupt or truncated");
        });
    }

    [TestMethod]
    public void HeaderOnlyJpegIsOneLineError()
    {
        var bytes = File.ReadAllBytes(TestData.Photo("obama.jpg"));
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, 40), "head.jpg"));
        AssertOneLine(e, "head.jpg", null);
    }

    [TestMethod]
    public void EmptySpanIsOneLineError()
    {
        var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty, "x.png"));
        AssertOneLine(e, "x.png", "zero-byte file");
    }

    // ---- EXIF orientation ----------------------------------------------------------------------------

    // Stored grid  A B / C D  (A = red, B = green, C = blue, D = yellow), 64x32 pixels.
    // Expected display grid per EXIF orientation (top-left, top-right, bottom-left, bottom-right).
    [TestMethod]
    [DataRow(1, "ABCD")]
    [DataRow(2, "BADC")] // mirrored horizontally
    [DataRow(3, "DCBA")] // rotated 180
    [DataRow(4, "CDAB")] // mirrored vertically
    [DataRow(5, "ACBD")] // transposed
    [DataRow(6, "CADB")] // rotate 90 clockwise to view
    [DataRow(7, "DBCA")] // transverse
    [DataRow(8, "BDAC")] // rotate 90 counter-clockwise to view
    public void ExifOrientationIsApplied(int orientation, string expected)
    {
        var jpeg = WithExifOrientation(ImageEncoder.EncodeJpeg(Quadrants(64, 32), 95), orientation);
        var image = ImageDecoder.Decode(jpeg, $"exif{orientation}.jpg");
        var swapped = orientation >= 5;
        Assert.AreEqual(swapped ? 32 : 64, image.Width);
        Assert.AreEqual(swapped ? 64 : 32, image.Height);
        int w = image.Width, h = image.Height;
        AssertColour(image, w / 4, h / 4, ColourOf(expected[0]));
        AssertColour(image, 3 * w / 4, h / 4, ColourOf(expected[1]));
        AssertColour(image, w / 4, 3 * h / 4, ColourOf(expected[2]));
        AssertColour(image, 3 * w / 4, 3 * h / 4, ColourOf(expected[3]));
    }

    /// <summary>Inserts an APP1 Exif segment holding only an Orientation tag right after SOI.</summary>
    internal static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        Assert.IsTrue(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at 8
            0x00, 0x01,                                             // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,          // Orientation, SHORT, count 1
            0x00, (byte)orientation, 0x00, 0x00,                    // value (left-justified)
            0x00, 0x00, 0x00, 0x00,                                 // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static readonly byte[] Red = [230, 20, 20], Green = [20, 200, 20], Blue = [20, 20, 230], Yellow = [230, 230, 20];

    private static byte[] ColourOf(char c) => c switch { 'A' => Red, 'B' => Green, 'C' => Blue, _ => Yellow };

    internal static RgbImage Quadrants(int w, int h)
    {
        var image = new RgbImage(w, h);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var c = (x < w / 2, y < h / 2) switch
            {
                (true, true) => Red,
                (false, true) => Green,
                (true, false) => Blue,
                _ => Yellow,
            };
            c.CopyTo(image.Pixels, (y * w + x) * 3);
        }
        return image;
    }

    internal static RgbImage RandomImage(int w, int h, int seed)
    {
        var image = new RgbImage(w, h);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    private static void AssertColour(RgbImage image, int x, int y, byte[] expected)
    {
        var o = (y * image.Width + x) * 3;
        for (var c = 0; c < 3; c++)
        {
            var actual = image.Pixels[o + c];
            if (Math.Abs(actual - expected[c]) > 12)
                Assert.Fail($"pixel ({x},{y}) = {image.Pixels[o]},{image.Pixels[o + 1]},{image.Pixels[o + 2]}, expected about {expected[0]},{expected[1]},{expected[2]}");
        }
    }

    private static void AssertNotFlat(RgbImage image)
    {
        int min = 255, max = 0;
        foreach (var b in image.Pixels)
        {
            min = Math.Min(min, b);
            max = Math.Max(max, b);
        }
        Assert.IsGreaterThan(100, max - min, $"image looks flat: values {min}..{max}");
    }

    private static void AssertOneLine(Exception e, string path, string? fragment)
    {
        Assert.IsFalse(e.Message.Contains('\n') || e.Message.Contains('\r'), $"message spans lines: {e.Message}");
        Assert.StartsWith(path + ": ", e.Message);
        if (fragment != null)
            Assert.Contains(fragment, e.Message);
    }

    private static void WithFile(string name, byte[] content, Action<string> test)
    {
        var dir = TestData.TempDir("decode-errors");
        try
        {
            var path = Path.Combine(dir, name);
            File.WriteAllBytes(path, content);
            test(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
