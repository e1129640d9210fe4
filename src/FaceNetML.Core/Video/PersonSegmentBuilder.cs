using System.Drawing;

namespace FaceNetML.Video;

/// <summary>
/// Turns a video's named faces, frame by frame, into <see cref="PersonSegment"/>s: a person's segment goes on while they
/// are named again within <see cref="MaxGapFrames"/> frames, else a new one starts. Frames go in decode order, while the
/// video is read (<see cref="Add"/> says which segments just found a more confident face, so that the caller can cut it
/// out of the frame in hand) or afterwards from the detections (<see cref="From"/>). Not thread-safe.
/// </summary>
public sealed class PersonSegmentBuilder
{
    private readonly List<Open> _segments = [];
    private readonly Dictionary<string, int> _current = new(StringComparer.Ordinal);

    private sealed class Open(string person, int frame)
    {
        public string Person { get; } = person;
        public int First { get; } = frame;
        public int Last { get; set; } = frame;
        public bool HasBest { get; set; }
        public float Best { get; set; } = float.NaN;
        public int BestFrame { get; set; } = frame;
        public RectangleF BestBox { get; set; }
    }

    /// <param name="frameRate">Frames per second of the video (for the times in seconds).</param>
    /// <param name="maxGapFrames">Longest run of frames without the person that still continues their segment.</param>
    public PersonSegmentBuilder(double frameRate, int maxGapFrames)
    {
        if (!(frameRate > 0) || !double.IsFinite(frameRate))
            throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "frame rate must be positive");
        ArgumentOutOfRangeException.ThrowIfNegative(maxGapFrames);
        FrameRate = frameRate;
        MaxGapFrames = maxGapFrames;
    }

    public double FrameRate { get; }
    public int MaxGapFrames { get; }

    /// <summary>The gap used by the command line and the server: one second, and never less than the detector's step.</summary>
    public static int DefaultGap(double frameRate, int every) => Math.Max(Math.Max(1, every), (int)Math.Round(frameRate));

    /// <summary>Adds one frame's detections (frames in increasing order); returns the segments (as indexes into
    /// <see cref="Segments"/>) whose most confident face is now a detection of this frame, with that detection.</summary>
    public IReadOnlyList<(int Segment, VideoDetection Detection)> Add(int frame, IEnumerable<VideoDetection> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var improved = new List<(int, VideoDetection)>();
        foreach (var d in detections)
        {
            if (d.Person is not { } person) continue;
            if (!_current.TryGetValue(person, out int index) || frame - _segments[index].Last > MaxGapFrames + 1)
            {
                _current[person] = index = _segments.Count;
                _segments.Add(new Open(person, frame));
            }
            var segment = _segments[index];
            segment.Last = Math.Max(segment.Last, frame);
            // The best face is a box the detector found in this frame (a carried box may have drifted off the face).
            float confidence = d.Identity.Nearest is null || !float.IsFinite(d.Identity.Confidence) ? float.NaN : d.Identity.Confidence;
            if (d.Detected && (!segment.HasBest || Rank(confidence) > Rank(segment.Best)))
            {
                segment.HasBest = true;
                segment.Best = confidence;
                segment.BestFrame = frame;
                segment.BestBox = d.Box;
                improved.Add((index, d));
            }
        }
        return improved;
    }

    /// <summary>The segments so far, in the order they started.</summary>
    public IReadOnlyList<PersonSegment> Segments =>
    [
        .. _segments.Select(s => new PersonSegment(s.Person, s.First, s.Last, s.First / FrameRate, (s.Last + 1) / FrameRate,
            s.Best, s.BestFrame, s.BestBox)),
    ];

    /// <summary>A confidence to compare: an unknown one ranks below every known one.</summary>
    private static float Rank(float confidence) => float.IsNaN(confidence) ? -1 : confidence;

    /// <summary>The segments of a finished video's detections.</summary>
    public static IReadOnlyList<PersonSegment> From(IEnumerable<VideoDetection> detections, double frameRate, int maxGapFrames)
    {
        ArgumentNullException.ThrowIfNull(detections);
        var builder = new PersonSegmentBuilder(frameRate, maxGapFrames);
        foreach (var frame in detections.GroupBy(d => d.Frame).OrderBy(g => g.Key))
            builder.Add(frame.Key, frame);
        return builder.Segments;
    }
}
