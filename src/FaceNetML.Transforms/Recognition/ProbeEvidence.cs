using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// Accumulates the evidence of one probe against a <see cref="Gallery"/>: a single face, or every face of a track.
/// Each added face contributes its distance to every candidate person (their nearest embedding), a vote for its own
/// nearest person, its embedding (to a mean) and its size, detector score and embedding norm. The candidate is the
/// person with the smallest mean distance over the frames; <see cref="Decide"/> applies the gallery's
/// <see cref="IdentificationRule"/> to the accumulated <see cref="IdentificationEvidence"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// The evidence is computed above the <see cref="IFaceIndex"/> seam, the same way on every backend. Each face asks the
/// index for its <see cref="SearchDepth"/> nearest embeddings. When that covers the whole gallery (every gallery of up
/// to <see cref="SearchDepth"/> faces) every person is a candidate and the evidence is exact. Otherwise the candidates
/// are the <see cref="CandidatesPerFace"/> nearest persons of each face; a candidate's distance on a face where the
/// search did not return it is computed exactly from the person's own embeddings (fetched once per probe with
/// <see cref="IFaceIndex.Person"/>), as is the candidate's template distance and photo count. A single photo thus costs
/// one k-nearest query and one person fetch; the answer equals the exact one whenever the index returns the true
/// nearest neighbours (recall@k).
/// </remarks>
public sealed class ProbeEvidence
{
    /// <summary>Embeddings asked of the index per face (and the gallery size up to which every person is a candidate).</summary>
    public const int SearchDepth = 64;

    /// <summary>Persons taken as candidates from each face's search when it does not cover the gallery.</summary>
    public const int CandidatesPerFace = 8;

    private readonly Gallery _gallery;
    private readonly IFaceIndex _index;
    private readonly int _galleryPeople;
    private readonly long _galleryFaces;
    private readonly List<float[]> _frames = [];
    private readonly Dictionary<string, Candidate> _candidates = new(StringComparer.Ordinal);
    private readonly List<Candidate> _order = [];
    private float[]? _embeddingSum;
    private double _sizeSum, _scoreSum, _normSum;
    private int _sizeCount, _scoreCount, _normCount;

    public ProbeEvidence(Gallery gallery)
    {
        _gallery = gallery ?? throw new ArgumentNullException(nameof(gallery));
        _index = gallery.Index;
        // Counted once per probe, not per face: on PostgreSQL each count is a query, and a track adds a face per frame.
        _galleryPeople = _index.PersonCount;
        _galleryFaces = _galleryPeople > 0 ? _index.FaceCount : 0;
    }

    /// <summary>Faces added so far.</summary>
    public int Frames { get; private set; }

    public void Add(FaceProbe face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var e = face.Embedding;
        if (_gallery.Dimension is { } dim && e.Length != dim)
            throw new ArgumentException($"embedding has {e.Length} values; the gallery's have {dim}", nameof(face));
        if (_galleryPeople > 0)
        {
            long total = _galleryFaces;
            bool whole = total <= SearchDepth;
            var matches = _index.Search(e, whole ? (int)total : SearchDepth);
            // The nearest returned embedding of each person (matches come nearest first).
            var nearest = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var m in matches) nearest.TryAdd(m.Person, m.Distance);
            int taken = 0;
            foreach (var (person, _) in nearest)
            {
                if (!whole && taken++ >= CandidatesPerFace) break;
                if (!_candidates.ContainsKey(person)) NewCandidate(person);
            }
            Candidate? vote = null;
            float best = float.PositiveInfinity;
            foreach (var c in _order)
            {
                float d = nearest.TryGetValue(c.Name, out var found) ? found : c.Person(_index).NearestDistance(e);
                c.DistanceSum += d;
                if (d < best)
                {
                    best = d;
                    vote = c;
                }
            }
            if (vote is not null) vote.Votes++;
        }
        _frames.Add(e);
        _embeddingSum ??= new float[e.Length];
        for (int i = 0; i < e.Length; i++) _embeddingSum[i] += e[i];
        Accumulate(face.FaceSize, ref _sizeSum, ref _sizeCount);
        Accumulate(face.DetectorScore, ref _scoreSum, ref _scoreCount);
        Accumulate(face.EmbeddingNorm, ref _normSum, ref _normCount);
        Frames++;
    }

    private void NewCandidate(string name)
    {
        var c = new Candidate(name);
        // A person first seen on a later face: their distances on the earlier faces, computed exactly.
        foreach (var f in _frames) c.DistanceSum += c.Person(_index).NearestDistance(f);
        _candidates.Add(name, c);
        _order.Add(c);
    }

    private sealed class Candidate(string name)
    {
        private GalleryPerson? _person;
        public string Name { get; } = name;
        public double DistanceSum { get; set; }
        public int Votes { get; set; }

        public GalleryPerson Person(IFaceIndex index) =>
            _person ??= index.Person(Name) ?? throw new InvalidOperationException($"{Name} was removed from the gallery during identification");
    }

    /// <summary>The evidence for the current candidate, with the candidate's and runner-up's names; null evidence before
    /// any face is added or with an empty gallery.</summary>
    public (IdentificationEvidence? Evidence, string? Candidate, string? Second) Summarise()
    {
        if (Frames == 0 || _order.Count == 0) return (null, null, null);
        Candidate? first = null, second = null;
        foreach (var c in _order)
        {
            if (first is null || c.DistanceSum < first.DistanceSum)
            {
                second = first;
                first = c;
            }
            else if (second is null || c.DistanceSum < second.DistanceSum)
            {
                second = c;
            }
        }
        var mean = (float[])_embeddingSum!.Clone();
        EmbeddingDistance.L2Normalize(mean);
        var candidate = first!.Person(_index);
        var evidence = new IdentificationEvidence(
            NearestDistance: (float)(first.DistanceSum / Frames),
            SecondDistance: second is null ? float.PositiveInfinity : (float)(second.DistanceSum / Frames),
            TemplateDistance: EmbeddingDistance.Euclidean(mean, candidate.Template),
            CandidatePhotos: candidate.Embeddings.Count,
            GalleryPeople: _galleryPeople,
            FaceSize: Mean(_sizeSum, _sizeCount),
            DetectorScore: Mean(_scoreSum, _scoreCount),
            EmbeddingNorm: Mean(_normSum, _normCount),
            Frames: Frames,
            VoteShare: (float)first.Votes / Frames);
        return (evidence, first.Name, second?.Name);
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
