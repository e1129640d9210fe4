using System.Drawing;
using FaceNetML.Imaging;
using SkiaSharp;

namespace FaceNetML.Video;

/// <summary>
/// Draws recognised faces onto frames: each enrolled person a box in their own colour (red, yellow, green, cyan,
/// magenta, orange, blue, ... in gallery order) with a name label; unknown faces a thin grey box without label.
/// Boxes are written straight into the <see cref="RgbImage"/>; labels are rendered once per person with SkiaSharp and
/// cached. Not thread-safe (one painter per video).
/// </summary>
public sealed class BoxPainter : IDisposable
{
    /// <summary>Colours given to people in order; after these, further colours are spread around the hue circle.</summary>
    public static readonly IReadOnlyList<(string Name, byte R, byte G, byte B)> Palette =
    [
        ("red", 230, 25, 25), ("yellow", 255, 225, 25), ("green", 60, 200, 75), ("cyan", 70, 220, 240),
        ("magenta", 240, 50, 230), ("orange", 245, 130, 48), ("blue", 40, 90, 255), ("lime", 190, 240, 60),
        ("pink", 250, 160, 190), ("purple", 145, 30, 180), ("teal", 0, 150, 140), ("brown", 170, 110, 40),
    ];

    public static readonly (byte R, byte G, byte B) UnknownColour = (160, 160, 160);

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Label> _labels = new(StringComparer.Ordinal);
    private readonly SKTypeface _typeface;
    private readonly SKFont _font;

    /// <param name="people">Everyone who may be labelled, in the order that assigns colours (usually the gallery's).</param>
    /// <param name="thickness">Line width of enrolled people's boxes (unknown faces are 1 pixel).</param>
    /// <param name="fontSize">Label text height in pixels.</param>
    public BoxPainter(IEnumerable<string> people, int thickness = 3, float fontSize = 14)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        foreach (var p in people)
            _index.TryAdd(p, _index.Count);
        Thickness = thickness;
        _typeface = LoadTypeface();
        _font = new SKFont(_typeface, fontSize) { Edging = SKFontEdging.Antialias };
    }

    public int Thickness { get; }

    /// <summary>The colour of a person (unknown and null: grey). People not given to the constructor get the next free colour.</summary>
    public (byte R, byte G, byte B) ColourOf(string? person)
    {
        if (person is null) return UnknownColour;
        if (!_index.TryGetValue(person, out int i)) _index[person] = i = _index.Count;
        if (i < Palette.Count) return (Palette[i].R, Palette[i].G, Palette[i].B);
        var c = SKColor.FromHsv((i * 137.508f) % 360, 85, 95);
        return (c.Red, c.Green, c.Blue);
    }

    /// <summary>Draws every detection (unknown faces first, so names stay on top).</summary>
    public void Paint(RgbImage image, IEnumerable<VideoDetection> detections)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        foreach (var d in detections.OrderBy(d => d.Person is null ? 0 : 1))
            Paint(image, d.Box, d.Person, d.Identity.Nearest is null ? float.NaN : d.Identity.Confidence);
    }

    /// <summary>Draws one box: thick and labelled for a person (with the confidence beside the name when it is
    /// finite), thin grey for null (unknown).</summary>
    public void Paint(RgbImage image, RectangleF box, string? person, float confidence = float.NaN)
    {
        var colour = ColourOf(person);
        int x0 = (int)MathF.Round(box.Left), y0 = (int)MathF.Round(box.Top);
        int x1 = (int)MathF.Round(box.Right) - 1, y1 = (int)MathF.Round(box.Bottom) - 1;
        int t = person is null ? 1 : Thickness;
        for (int k = 0; k < t; k++)
            Rectangle(image, x0 - k, y0 - k, x1 + k, y1 + k, colour);
        if (person is null) return;

        var text = person.Replace('_', ' ');
        if (float.IsFinite(confidence)) text += " " + confidence.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var label = LabelOf(text, colour);
        int lx = x0 - (t - 1);
        int ly = y0 - (t - 1) - label.Height;
        if (ly < 0) ly = y1 + t; // no room above: below the box
        if (ly + label.Height > image.Height) ly = Math.Max(0, y0); // nor below: inside the top
        lx = Math.Clamp(lx, 0, Math.Max(0, image.Width - label.Width));
        Blit(image, label, lx, ly);
    }

    private static void Rectangle(RgbImage image, int x0, int y0, int x1, int y1, (byte R, byte G, byte B) c)
    {
        HLine(image, x0, x1, y0, c);
        HLine(image, x0, x1, y1, c);
        VLine(image, x0, y0, y1, c);
        VLine(image, x1, y0, y1, c);
    }

    private static void HLine(RgbImage image, int x0, int x1, int y, (byte R, byte G, byte B) c)
    {
        if (y < 0 || y >= image.Height) return;
        x0 = Math.Max(0, x0);
        x1 = Math.Min(image.Width - 1, x1);
        var px = image.Pixels;
        for (int x = x0, i = (y * image.Width + x0) * 3; x <= x1; x++, i += 3)
        {
            px[i] = c.R;
            px[i + 1] = c.G;
            px[i + 2] = c.B;
        }
    }

    private static void VLine(RgbImage image, int x, int y0, int y1, (byte R, byte G, byte B) c)
    {
        if (x < 0 || x >= image.Width) return;
        y0 = Math.Max(0, y0);
        y1 = Math.Min(image.Height - 1, y1);
        var px = image.Pixels;
        for (int y = y0; y <= y1; y++)
        {
            int i = (y * image.Width + x) * 3;
            px[i] = c.R;
            px[i + 1] = c.G;
            px[i + 2] = c.B;
        }
    }

    /// <summary>A label: the name in black or white (whichever reads better) on the person's colour, as premultiplied RGBA.</summary>
    private sealed record Label(int Width, int Height, byte[] Rgba);

    private Label LabelOf(string text, (byte R, byte G, byte B) c)
    {
        if (_labels.TryGetValue(text, out var cached)) return cached;
        using var paint = new SKPaint { Typeface = _typeface, TextSize = _font.Size, IsAntialias = true };
        float textWidth = paint.MeasureText(text);
        paint.GetFontMetrics(out var metrics);
        int pad = 3;
        int w = Math.Max(1, (int)MathF.Ceiling(textWidth) + 2 * pad);
        int h = Math.Max(1, (int)MathF.Ceiling(metrics.Descent - metrics.Ascent) + 2);
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(c.R, c.G, c.B));
            bool dark = 0.299 * c.R + 0.587 * c.G + 0.114 * c.B > 140;
            paint.Color = dark ? SKColors.Black : SKColors.White;
            canvas.DrawText(text, pad, 1 - metrics.Ascent, paint);
        }
        var label = new Label(w, h, bitmap.Bytes);
        _labels[text] = label;
        return label;
    }

    private static void Blit(RgbImage image, Label label, int x0, int y0)
    {
        var px = image.Pixels;
        for (int y = 0; y < label.Height; y++)
        {
            int iy = y0 + y;
            if (iy < 0 || iy >= image.Height) continue;
            for (int x = 0; x < label.Width; x++)
            {
                int ix = x0 + x;
                if (ix < 0 || ix >= image.Width) continue;
                int s = (y * label.Width + x) * 4, d = (iy * image.Width + ix) * 3;
                int a = label.Rgba[s + 3];
                // Premultiplied source over the frame.
                px[d] = (byte)(label.Rgba[s] + px[d] * (255 - a) / 255);
                px[d + 1] = (byte)(label.Rgba[s + 1] + px[d + 1] * (255 - a) / 255);
                px[d + 2] = (byte)(label.Rgba[s + 2] + px[d + 2] * (255 - a) / 255);
            }
        }
    }

    /// <summary>A sans-serif face with glyphs: the platform default, else a common system font file.</summary>
    private static SKTypeface LoadTypeface()
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif" })
        {
            var tf = SKTypeface.FromFamilyName(family, SKFontStyle.Bold);
            if (tf is not null && tf.GlyphCount > 0) return tf;
            tf?.Dispose();
        }
        foreach (var file in new[]
        {
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/System/Library/Fonts/Helvetica.ttc", @"C:\Windows\Fonts\arial.ttf",
        })
        {
            if (!File.Exists(file)) continue;
            var tf = SKTypeface.FromFile(file);
            if (tf is not null && tf.GlyphCount > 0) return tf;
            tf?.Dispose();
        }
        return SKTypeface.Default;
    }

    public void Dispose()
    {
        _font.Dispose();
        if (!ReferenceEquals(_typeface, SKTypeface.Default)) _typeface.Dispose();
    }
}
