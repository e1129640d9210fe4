using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// Accumulates the evidence of one probe against a <see cref="Gallery"/>: a single face, or every face of a track.
/// Each added face contributes its distance to every enrolled person (their nearest embedding), a vote for its own
/// nearest person, its embedding (to a mean) and its size, detector score and embedding norm. The candidate is the
/// person with the smallest mean distance over the frames; <see cref="Decide"/> applies the gallery's
/// <see cref="IdentificationRule"/> to the accumulated <see cref="IdentificationEvidence"/>. O(gallery embeddings)
/// per added face; not thread-safe.
/// </summary>
public sealed class ProbeEvidence
{
    private readonly Gallery _gallery;
    private readonly IReadOnlyList<GalleryPerson> _people;
    private readonly double[] _distanceSum;
    private readonly int[] _votes;
    private float[]? _embeddingSum;
    private double _sizeSum, _scoreSum, _normSum;
    private int _sizeCount, _scoreCount, _normCount;

    public ProbeEvidence(Gallery gallery)
    {
        _gallery = gallery ?? throw new ArgumentNullException(nameof(gallery));
        _people = [.. gallery.People];
        _distanceSum = new double[_people.Count];
        _votes = new int[_people.Count];
    }

    /// <summary>Faces added so far.</summary>
    public int Frames { get; private set; }

    public void Add(FaceProbe face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var e = face.Embedding;
        if (_gallery.Dimension is { } dim && e.Length != dim)
            throw new ArgumentException($"embedding has {e.Length} values; the gallery's have {dim}", nameof(face));
        int nearest = -1;
        float best = float.PositiveInfinity;
        for (int i = 0; i < _people.Count; i++)
        {
            float d = _people[i].NearestDistance(e);
            _distanceSum[i] += d;
            if (d < best)
            {
                best = d;
                nearest = i;
            }
        }
        if (nearest >= 0) _votes[nearest]++;
        _embeddingSum ??= new float[e.Length];
        for (int i = 0; i < e.Length; i++) _embeddingSum[i] += e[i];
        Accumulate(face.FaceSize, ref _sizeSum, ref _sizeCount);
        Accumulate(face.DetectorScore, ref _scoreSum, ref _scoreCount);
        Accumulate(face.EmbeddingNorm, ref _normSum, ref _normCount);
        Frames++;
    }

    /// <summary>The evidence for the current candidate, with the candidate's and runner-up's names; null evidence before
    /// any face is added or with an empty gallery.</summary>
    public (IdentificationEvidence? Evidence, string? Candidate, string? Second) Summarise()
    {
        if (Frames == 0 || _people.Count == 0) return (null, null, null);
        int first = -1, second = -1;
        for (int i = 0; i < _people.Count; i++)
        {
            if (first < 0 || _distanceSum[i] < _distanceSum[first])
            {
                second = first;
                first = i;
            }
            else if (second < 0 || _distanceSum[i] < _distanceSum[second])
            {
                second = i;
            }
        }
        var mean = (float[])_embeddingSum!.Clone();
        EmbeddingDistance.L2Normalize(mean);
        var candidate = _people[first];
        var evidence = new IdentificationEvidence(
            NearestDistance: (float)(_distanceSum[first] / Frames),
            SecondDistance: second < 0 ? float.PositiveInfinity : (float)(_distanceSum[second] / Frames),
            TemplateDistance: EmbeddingDistance.Euclidean(mean, candidate.Template),
            CandidatePhotos: candidate.Embeddings.Count,
            GalleryPeople: _people.Count,
            FaceSize: Mean(_sizeSum, _sizeCount),
            DetectorScore: Mean(_scoreSum, _scoreCount),
            EmbeddingNorm: Mean(_normSum, _normCount),
            Frames: Frames,
            VoteShare: (float)_votes[first] / Frames);
        return (evidence, candidate.Name, second < 0 ? null : _people[second].Name);
    }

    /// <summary>The gallery rule's decision on the evidence so far.</summary>
    public Identification Decide() => Decide(_gallery.Rule);

    /// <summary>A given rule's decision on the evidence so far.</summary>
    public Identification Decide(IdentificationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var (evidence, candidate, second) = Summarise();
        if (evidence is null) return Identification.Nobody;
        float confidence = rule.Confidence(evidence);
        return new Identification(confidence >= rule.Threshold ? candidate : null, confidence, evidence.NearestDistance, candidate, second, evidence.SecondDistance);
    }

    private static void Accumulate(float value, ref double sum, ref int count)
    {
        if (!float.IsFinite(value)) return;
        sum += value;
        count++;
    }

    private static float Mean(double sum, int count) => count == 0 ? float.NaN : (float)(sum / count);
}
