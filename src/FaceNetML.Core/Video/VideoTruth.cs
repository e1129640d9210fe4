using System.Drawing;
using System.Globalization;
using System.Text;
using FaceNetML.Recognition;

namespace FaceNetML.Video;

/// <summary>One labelled box: who is where in which frame (frame = 0-based decode order; box = top-left + size in pixels).</summary>
public sealed record TruthBox(int Frame, string Person, RectangleF Box);

/// <summary>
/// One face found in one video frame. <see cref="Person"/> is null for an unknown face. <see cref="Distance"/> is the
/// Euclidean distance from the face's embedding to the nearest gallery embedding of the reported person (of the
/// nearest person when unknown). <see cref="Detected"/> is false on frames where the tracker carried the box
/// without running the detector.
/// </summary>
public sealed record VideoDetection(int Frame, string? Person, RectangleF Box, float Distance, int TrackId = 0, bool Detected = true, Identification Identity = default)
{
    /// <summary>The label written for unknown faces in CSV files.</summary>
    public const string UnknownLabel = "unknown";

    public string Label => Person ?? UnknownLabel;

    /// <summary>Writes <c>frame,person,x,y,width,height,distance</c> rows (unknown faces as <c>unknown</c>).</summary>
    public static void WriteCsv(string path, IEnumerable<VideoDetection> detections)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine("frame,person,x,y,width,height,distance,confidence,reason");
        foreach (var d in detections)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{d.Frame},{Csv(d.Label)},{d.Box.X:0.#},{d.Box.Y:0.#},{d.Box.Width:0.#},{d.Box.Height:0.#},{Number(d.Distance)},{(d.Identity.Nearest is null ? "" : Number(d.Identity.Confidence))},{Csv(d.Person is null ? d.Identity.Reason ?? "" : "")}"));
    }

    private static string Number(float v) => float.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";

    internal static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}

/// <summary>Per-frame ground truth of a video, read from <c>frame,person,x,y,width,height</c> CSV (header optional).</summary>
public sealed class VideoTruth
{
    private readonly Dictionary<int, List<TruthBox>> _byFrame = [];

    public VideoTruth(IEnumerable<TruthBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        foreach (var b in boxes)
        {
            if (!_byFrame.TryGetValue(b.Frame, out var list)) _byFrame[b.Frame] = list = [];
            list.Add(b);
            Count++;
        }
        People = _byFrame.Values.SelectMany(l => l).Select(b => b.Person).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public int Count { get; }

    /// <summary>Everyone labelled somewhere in the video.</summary>
    public IReadOnlyList<string> People { get; }

    /// <summary>Frames with at least one labelled box.</summary>
    public IEnumerable<int> Frames => _byFrame.Keys;

    public IReadOnlyList<TruthBox> InFrame(int frame) => _byFrame.TryGetValue(frame, out var l) ? l : [];

    public IEnumerable<TruthBox> All => _byFrame.Values.SelectMany(l => l);

    /// <summary>Reads a truth CSV. Throws <see cref="BadInputException"/> naming the first bad line.</summary>
    public static VideoTruth Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: truth file not found");
        var boxes = new List<TruthBox>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(',');
            if (lineNo == 1 && f.Length > 0 && f[0].Trim().Equals("frame", StringComparison.OrdinalIgnoreCase)) continue;
            if (f.Length < 6
                || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var frame) || frame < 0
                || !TryFloat(f[2], out var x) || !TryFloat(f[3], out var y) || !TryFloat(f[4], out var w) || !TryFloat(f[5], out var h)
                || w <= 0 || h <= 0 || f[1].Trim().Length == 0)
                throw new BadInputException($"{path}:{lineNo}: expected 'frame,person,x,y,width,height', got '{(line.Length > 80 ? line[..80] + "..." : line)}'");
            boxes.Add(new TruthBox(frame, f[1].Trim().Trim('"'), new RectangleF(x, y, w, h)));
        }
        return new VideoTruth(boxes);
    }

    private static bool TryFloat(string s, out float v) =>
        float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && float.IsFinite(v);
}
