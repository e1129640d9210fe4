using System.Drawing;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>
/// Turns the tracks of a stream, frame after frame, into <see cref="StreamEventKind.Appeared"/> and
/// <see cref="StreamEventKind.Left"/> events. A track appears once it has a name, or once it has been detected
/// <c>unknownAfter</c> times without one (person null); an unknown track named later appears again with its name. A track
/// that appeared leaves when the tracker drops it, or when the source stops (<see cref="EndAll"/>); tracks that never
/// appeared (a lone false detection) leave silently. Each track keeps its largest detected face; with a crop folder it is
/// written as <c>FOLDER/RUN-tID.jpg</c> when the track appears and again, if a larger face came, when it leaves.
/// Not thread-safe: one stream, in frame order.
/// </summary>
public sealed class TrackAnnouncer
{
    /// <summary>Margin added around a face box on each side for its crop, as a share of the box size.</summary>
    public const float CropMargin = 0.2f;

    /// <summary>Longest side of a written crop, pixels (larger faces are scaled down).</summary>
    public const int MaxCropSide = 256;

    private readonly string _stream;
    private readonly string? _cropFolder;
    private readonly string _run;
    private readonly int _unknownAfter;
    private readonly Action<StreamEvent> _raise;
    private readonly Dictionary<int, TrackState> _tracks = [];

    /// <param name="stream">The stream's name, put in every event.</param>
    /// <param name="cropFolder">Where crops are written (created when needed); null: none.</param>
    /// <param name="unknownAfter">Detections after which an unnamed track appears as unknown.</param>
    /// <param name="raise">Receives the events, in order.</param>
    public TrackAnnouncer(string stream, string? cropFolder, int unknownAfter, Action<StreamEvent> raise)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(unknownAfter, 1);
        _stream = stream;
        _cropFolder = cropFolder;
        _unknownAfter = unknownAfter;
        _raise = raise ?? throw new ArgumentNullException(nameof(raise));
        // Crops of two runs over the same folder never overwrite each other (track ids start at 1 in each run).
        _run = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Tracks followed now (appeared or not).</summary>
    public int OpenTracks => _tracks.Count;

    /// <summary>One processed frame: its detections (<see cref="VideoRecognizer.Step"/>) and the ids of the tracks the
    /// tracker still holds (a track missing from them has ended).</summary>
    public void Observe(RgbImage frame, double seconds, IReadOnlyList<VideoDetection> found, IEnumerable<int> liveTracks)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(liveTracks);
        foreach (var d in found)
        {
            if (d.TrackId <= 0) continue;
            if (!_tracks.TryGetValue(d.TrackId, out var t)) _tracks[d.TrackId] = t = new TrackState(d.TrackId);
            if (d.Detected)
            {
                t.Detections++;
                t.LastBox = d.Box;
                float size = MathF.Min(d.Box.Width, d.Box.Height);
                if (size > t.BestSize && Crop(frame, d.Box) is { } crop)
                {
                    t.BestSize = size;
                    t.BestCrop = crop;
                    t.CropWritten = false;
                }
            }
            if (d.Person == t.Person && float.IsFinite(d.Identity.Confidence)) t.BestConfidence = MathF.Max(t.BestConfidence, d.Identity.Confidence);
            bool named = d.Person is not null && (!t.Announced || t.Person is null);
            bool unknown = !t.Announced && d.Person is null && d.Detected && t.Detections >= _unknownAfter;
            if (named || unknown)
            {
                t.Announced = true;
                t.Person = d.Person;
                t.BestConfidence = float.IsFinite(d.Identity.Confidence) ? d.Identity.Confidence : 0;
                _raise(Event(StreamEventKind.Appeared, t, seconds, d.Box));
            }
        }
        var live = liveTracks.ToHashSet();
        foreach (var t in _tracks.Values.Where(t => !live.Contains(t.Id)).ToList()) End(t, seconds);
    }

    /// <summary>The source stopped: every track ends (those that appeared get <see cref="StreamEventKind.Left"/>).</summary>
    public void EndAll(double seconds)
    {
        foreach (var t in _tracks.Values.OrderBy(t => t.Id).ToList()) End(t, seconds);
    }

    private void End(TrackState t, double seconds)
    {
        _tracks.Remove(t.Id);
        if (t.Announced) _raise(Event(StreamEventKind.Left, t, seconds, t.LastBox));
    }

    private StreamEvent Event(StreamEventKind kind, TrackState t, double seconds, RectangleF box) =>
        new(kind, _stream, DateTimeOffset.UtcNow, seconds)
        {
            Track = t.Id, Person = t.Person, Confidence = t.BestConfidence, Crop = WriteCrop(t), Box = box,
        };

    /// <summary>Writes the track's best crop if it is newer than the file; returns the file (null without a crop folder).</summary>
    private string? WriteCrop(TrackState t)
    {
        if (_cropFolder is null || t.BestCrop is null) return t.CropPath;
        if (t.CropWritten) return t.CropPath;
        var path = Path.Combine(_cropFolder, $"{_run}-t{t.Id}.jpg");
        // Written aside and moved over the old crop: a reader (a server serving the file) never sees half a JPEG.
        try
        {
            Directory.CreateDirectory(_cropFolder);
            var part = path + ".part";
            File.WriteAllBytes(part, ImageEncoder.EncodeJpeg(t.BestCrop, 90));
            File.Move(part, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk costs the crop, not the watch: the event goes out with the last crop written.
            return t.CropPath;
        }
        t.CropPath = path;
        t.CropWritten = true;
        return path;
    }

    /// <summary>The face with a margin, clipped to the frame, at most <see cref="MaxCropSide"/> pixels on its longest side;
    /// null when nothing of it lies in the frame.</summary>
    public static RgbImage? Crop(RgbImage frame, RectangleF box)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var grown = RectangleF.Inflate(box, box.Width * CropMargin, box.Height * CropMargin);
        var area = RectangleF.Intersect(grown, new RectangleF(0, 0, frame.Width, frame.Height));
        if (!(area.Width >= 1 && area.Height >= 1)) return null;
        float scale = MathF.Min(1, MaxCropSide / MathF.Max(area.Width, area.Height));
        int w = Math.Max(1, (int)MathF.Round(area.Width * scale)), h = Math.Max(1, (int)MathF.Round(area.Height * scale));
        return AffineWarp.CropResize(frame, area.X, area.Y, area.Width, area.Height, w, h);
    }

    private sealed class TrackState(int id)
    {
        public int Id { get; } = id;
        public int Detections { get; set; }
        public bool Announced { get; set; }
        public string? Person { get; set; }
        public float BestConfidence { get; set; }
        public float BestSize { get; set; }
        public RgbImage? BestCrop { get; set; }
        public bool CropWritten { get; set; }
        public string? CropPath { get; set; }
        public RectangleF LastBox { get; set; }
    }
}
