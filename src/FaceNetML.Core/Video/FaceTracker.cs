using System.Drawing;
using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Video;

/// <summary>Settings of <see cref="FaceTracker"/>.</summary>
public sealed record FaceTrackerOptions
{
    /// <summary>Smallest IoU between a track's predicted box and a detection for them to be the same face (default 0.3).</summary>
    public float MinIou { get; init; } = 0.3f;

    /// <summary>Largest embedding distance for an association that relies on IoU, as a multiple of the model's
    /// verification threshold (default 1.227: 1.35 for MobileFaceNet's 1.10, well above same-person distances).</summary>
    public float MaxDistanceRatio { get; init; } = 1.35f / 1.10f;

    /// <summary>Embedding distance, as a multiple of the model's verification threshold, under which a detection near
    /// (but not overlapping enough with) a track still joins it (fast motion between detection frames; default 0.818:
    /// 0.9 for MobileFaceNet). The centres must lie within two box sizes.</summary>
    public float RescueDistanceRatio { get; init; } = 0.9f / 1.10f;

    /// <summary>Detection rounds a track survives unmatched before it is dropped (default 2).</summary>
    public int MaxMissedDetections { get; init; } = 2;

    /// <summary>Weight of older identity votes after each new observation (default 0.9; 1 = never forget).</summary>
    public float VoteDecay { get; init; } = 0.9f;

    /// <summary>Weight of the newest embedding in a track's running embedding (default 0.3).</summary>
    public float EmbeddingMomentum { get; init; } = 0.3f;

    /// <summary>Observations a track needs before it may carry a name (default 2): lone false detections stay unnamed.</summary>
    public int MinHitsToName { get; init; } = 2;

    /// <summary>Move carried boxes with the velocity seen between detections (default true).</summary>
    public bool PredictMotion { get; init; } = true;

    public void Validate()
    {
        if (!(MinIou > 0 && MinIou <= 1)) throw new ArgumentOutOfRangeException(nameof(MinIou), MinIou, "must lie in (0, 1]");
        if (!(MaxDistanceRatio > 0) || !float.IsFinite(MaxDistanceRatio)) throw new ArgumentOutOfRangeException(nameof(MaxDistanceRatio), MaxDistanceRatio, "must be positive");
        if (!(RescueDistanceRatio >= 0) || !float.IsFinite(RescueDistanceRatio)) throw new ArgumentOutOfRangeException(nameof(RescueDistanceRatio), RescueDistanceRatio, "must be >= 0");
        if (MinHitsToName < 1) throw new ArgumentOutOfRangeException(nameof(MinHitsToName), MinHitsToName, "must be at least 1");
        if (MaxMissedDetections < 0) throw new ArgumentOutOfRangeException(nameof(MaxMissedDetections), MaxMissedDetections, "must be >= 0");
        if (!(VoteDecay > 0 && VoteDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(VoteDecay), VoteDecay, "must lie in (0, 1]");
        if (!(EmbeddingMomentum > 0 && EmbeddingMomentum <= 1)) throw new ArgumentOutOfRangeException(nameof(EmbeddingMomentum), EmbeddingMomentum, "must lie in (0, 1]");
    }
}

/// <summary>One face seen by the detector in a frame: the probe (embedding, size, detector score, norm) and the gallery's
/// answer for it alone.</summary>
public sealed record FaceObservation(RectangleF Box, FaceProbe Probe, Identification Identity)
{
    public float[] Embedding => Probe.Embedding;
}

/// <summary>A face followed across frames. With a gallery, its <see cref="Person"/> is decided by the gallery's rule on
/// the evidence accumulated over all its observations (<see cref="ProbeEvidence"/>); without one, by decayed votes of its
/// observations' identities. Either way one bad frame does not flip the identity.</summary>
public sealed class FaceTrack
{
    private readonly Dictionary<string, float> _votes = new(StringComparer.Ordinal);
    private float _unknownVotes;
    private readonly ProbeEvidence? _evidence;

    internal FaceTrack(int id, int frame, FaceObservation first, Gallery? gallery)
    {
        Id = id;
        Box = first.Box;
        LastDetectedBox = first.Box;
        LastDetectedFrame = frame;
        Embedding = (float[])first.Embedding.Clone();
        LastObservation = first;
        if (gallery is not null)
        {
            _evidence = new ProbeEvidence(gallery);
            _evidence.Add(first.Probe);
        }
    }

    public int Id { get; }

    /// <summary>The box in the current frame (detected, or carried from the last detection).</summary>
    public RectangleF Box { get; internal set; }

    /// <summary>Running (L2-normalised) embedding of the face: recent observations weigh most (used to associate).</summary>
    public float[] Embedding { get; private set; }

    /// <summary>Distance behind <see cref="Person"/>: with a gallery, the mean over the track of the distance to the
    /// candidate; else of the latest observation.</summary>
    public float Distance => Identity.Distance;

    /// <summary>The identity decided for the track, or null (unknown).</summary>
    public string? Person => Identity.Person;

    /// <summary>With a gallery: the rule's calibrated confidence in <see cref="Identification.Nearest"/>. Without: the
    /// share of the (decayed) votes held by <see cref="Person"/> (or by "unknown").</summary>
    public float Confidence => Identity.Confidence;

    /// <summary>The whole decision: person, confidence, distance, nearest and runner-up.</summary>
    public Identification Identity { get; private set; } = Identification.Nobody;

    public FaceObservation LastObservation { get; private set; }
    public RectangleF LastDetectedBox { get; private set; }
    public int LastDetectedFrame { get; private set; }

    /// <summary>Observations joined so far.</summary>
    public int Hits { get; private set; } = 1;

    /// <summary>Detection rounds since the track was last matched (0: matched in the latest round).</summary>
    public int Misses { get; internal set; }

    /// <summary>True when the track's box comes from the detector in the current frame.</summary>
    public bool DetectedNow { get; internal set; } = true;

    internal PointF Velocity { get; private set; }

    /// <summary>Names the track from the evidence of all its observations.</summary>
    internal void Identify(int minHits)
    {
        var id = _evidence!.Decide();
        Identity = Hits >= minHits ? id : id with { Person = null };
    }

    internal void Vote(FaceObservation o, float decay, int minHits)
    {
        foreach (var k in _votes.Keys.ToList()) _votes[k] *= decay;
        _unknownVotes *= decay;
        if (o.Identity.Person is { } p) _votes[p] = _votes.GetValueOrDefault(p) + 1;
        else _unknownVotes += 1;
        float total = _unknownVotes + _votes.Values.Sum();
        var best = _votes.OrderByDescending(kv => kv.Value).FirstOrDefault();
        if (best.Key is not null && best.Value >= _unknownVotes && Hits >= minHits)
            Identity = o.Identity with { Person = best.Key, Confidence = best.Value / total };
        else
            Identity = o.Identity with { Person = null, Confidence = _unknownVotes / total };
    }

    internal void Observe(int frame, FaceObservation o, FaceTrackerOptions options)
    {
        int gap = frame - LastDetectedFrame;
        if (gap > 0)
        {
            var c0 = Centre(LastDetectedBox);
            var c1 = Centre(o.Box);
            var v = new PointF((c1.X - c0.X) / gap, (c1.Y - c0.Y) / gap);
            Velocity = Hits == 1 ? v : new PointF(0.5f * (Velocity.X + v.X), 0.5f * (Velocity.Y + v.Y));
        }
        var m = options.EmbeddingMomentum;
        var e = new float[Embedding.Length];
        for (int i = 0; i < e.Length; i++) e[i] = (1 - m) * Embedding[i] + m * o.Embedding[i];
        EmbeddingDistance.L2Normalize(e);
        Embedding = e;
        Box = o.Box;
        LastDetectedBox = o.Box;
        LastDetectedFrame = frame;
        LastObservation = o;
        _evidence?.Add(o.Probe);
        Hits++;
        Misses = 0;
        DetectedNow = true;
    }

    internal void Carry(int frame, bool predictMotion)
    {
        DetectedNow = false;
        if (!predictMotion) return;
        int gap = frame - LastDetectedFrame;
        // Never extrapolate beyond a few frames: a stale velocity drifts.
        gap = Math.Min(gap, 5);
        var b = LastDetectedBox;
        Box = new RectangleF(b.X + Velocity.X * gap, b.Y + Velocity.Y * gap, b.Width, b.Height);
    }

    internal static PointF Centre(RectangleF b) => new(b.X + b.Width / 2, b.Y + b.Height / 2);
}

/// <summary>
/// Keeps face identities stable across video frames. On detection frames (<see cref="Update"/>) detections join
/// existing tracks by IoU with the track's predicted box (gated by embedding distance), or, for fast motion, by a
/// close embedding near the track; the rest start new tracks; tracks unmatched for more than
/// <see cref="FaceTrackerOptions.MaxMissedDetections"/> rounds end. Between detection frames (<see cref="Carry"/>)
/// boxes are carried forward (moved with their velocity). Its embedding distances scale with the model's verification
/// threshold, so every model (MobileFaceNet, dlib-resnet, a fusion) associates on its own scale. With a gallery, a track is named by the gallery's rule on the
/// evidence of all its frames; without, by a decayed vote of its observations' identities. A track needs
/// <see cref="FaceTrackerOptions.MinHitsToName"/> observations before it carries a name.
/// </summary>
public sealed class FaceTracker
{
    private readonly List<FaceTrack> _tracks = [];
    private int _nextId = 1;

    private readonly Gallery? _gallery;
    private readonly float _maxDistance, _rescueDistance;

    /// <param name="verificationThreshold">The embedding model's verification threshold: the scale of its distances.</param>
    /// <param name="gallery">Names tracks from the evidence of their frames; null: tracks vote with their observations' identities.</param>
    public FaceTracker(float verificationThreshold, FaceTrackerOptions? options = null, Gallery? gallery = null)
    {
        if (!(verificationThreshold > 0) || !float.IsFinite(verificationThreshold))
            throw new ArgumentOutOfRangeException(nameof(verificationThreshold), verificationThreshold, "must be a positive distance");
        Options = options ?? new FaceTrackerOptions();
        Options.Validate();
        _gallery = gallery;
        _maxDistance = Options.MaxDistanceRatio * verificationThreshold;
        _rescueDistance = Options.RescueDistanceRatio * verificationThreshold;
    }

    /// <summary>A tracker on the gallery's model scale that names tracks from the gallery.</summary>
    public FaceTracker(Gallery gallery, FaceTrackerOptions? options = null) : this(gallery.Threshold, options, gallery)
    {
    }

    public FaceTrackerOptions Options { get; }

    /// <summary>Every live track, including ones missed in the latest detection round.</summary>
    public IReadOnlyList<FaceTrack> Tracks => _tracks;

    /// <summary>Tracks matched in the latest detection round: the faces to report in the current frame.</summary>
    public IEnumerable<FaceTrack> Visible => _tracks.Where(t => t.Misses == 0);

    /// <summary>A detection frame: associates observations to tracks, starts and ends tracks; returns the visible tracks.</summary>
    public IReadOnlyList<FaceTrack> Update(int frame, IReadOnlyList<FaceObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        foreach (var t in _tracks) t.Carry(frame, Options.PredictMotion);

        var candidates = new List<(float Score, int T, int O)>();
        for (int ti = 0; ti < _tracks.Count; ti++)
        {
            var t = _tracks[ti];
            for (int oi = 0; oi < observations.Count; oi++)
            {
                var o = observations[oi];
                float iou = VideoEvaluation.Iou(t.Box, o.Box);
                float d = EmbeddingDistance.Euclidean(t.Embedding, o.Embedding);
                bool byIou = iou >= Options.MinIou && d < _maxDistance;
                bool byLook = d < _rescueDistance && Near(t.Box, o.Box);
                if (!byIou && !byLook) continue;
                candidates.Add((iou + MathF.Max(0, 1 - d / _maxDistance), ti, oi));
            }
        }
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var trackUsed = new bool[_tracks.Count];
        var obsUsed = new bool[observations.Count];
        foreach (var (_, ti, oi) in candidates)
        {
            if (trackUsed[ti] || obsUsed[oi]) continue;
            trackUsed[ti] = obsUsed[oi] = true;
            _tracks[ti].Observe(frame, observations[oi], Options);
            Name(_tracks[ti], observations[oi]);
        }
        for (int ti = 0; ti < trackUsed.Length; ti++)
            if (!trackUsed[ti]) _tracks[ti].Misses++;
        _tracks.RemoveAll(t => t.Misses > Options.MaxMissedDetections);
        for (int oi = 0; oi < observations.Count; oi++)
        {
            if (obsUsed[oi]) continue;
            var t = new FaceTrack(_nextId++, frame, observations[oi], _gallery);
            Name(t, observations[oi]);
            _tracks.Add(t);
        }
        return Visible.ToList();
    }

    private void Name(FaceTrack t, FaceObservation o)
    {
        if (_gallery is not null) t.Identify(Options.MinHitsToName);
        else t.Vote(o, Options.VoteDecay, Options.MinHitsToName);
    }

    /// <summary>A frame without detection: carries the visible tracks' boxes forward and returns them.</summary>
    public IReadOnlyList<FaceTrack> Carry(int frame)
    {
        foreach (var t in _tracks) t.Carry(frame, Options.PredictMotion);
        return Visible.ToList();
    }

    /// <summary>Forgets every track (a new video, or a scene cut).</summary>
    public void Reset() => _tracks.Clear();

    private static bool Near(RectangleF a, RectangleF b)
    {
        var ca = FaceTrack.Centre(a);
        var cb = FaceTrack.Centre(b);
        float size = MathF.Max(MathF.Max(a.Width, a.Height), MathF.Max(b.Width, b.Height));
        float dx = ca.X - cb.X, dy = ca.Y - cb.Y;
        float ratio = MathF.Max(a.Width, b.Width) / MathF.Max(1e-3f, MathF.Min(a.Width, b.Width));
        return dx * dx + dy * dy <= 4 * size * size && ratio < 2;
    }
}
