using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// Accumulates the evidence of one probe against a <see cref="Gallery"/>: a single face, or every face of a track.
/// Each added face contributes its distance to every candidate person (their nearest embedding), a vote for its own
/// nearest person, its embedding (to a mean) and its size, detector score and embedding norm. The candidate is the
/// person with the smallest mean distance over the frames; <see cref="Decide()"/> applies the gallery's
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
/// Like for like: when the gallery holds grayscale photos and the face brings its grayscale embedding
/// (<see cref="FaceProbe.GrayEmbedding"/>), the index is searched with both embeddings, and every candidate's distance is
/// computed exactly from their own photos, each met by the probe embedding of its kind.
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
    private readonly List<FaceProbe> _frames = [];
    private readonly Dictionary<string, Candidate> _candidates = new(StringComparer.Ordinal);
    private readonly List<Candidate> _order = [];
    private float[]? _embeddingSum, _graySum;
    private readonly bool _likeForLike;
    private double _sizeSum, _scoreSum, _normSum, _sharpSum;
    private int _sizeCount, _scoreCount, _normCount, _sharpCount;

    public ProbeEvidence(Gallery gallery)
    {
        _gallery = gallery ?? throw new ArgumentNullException(nameof(gallery));
        _index = gallery.Index;
        // Counted once per probe, not per face: on PostgreSQL each count is a query, and a track adds a face per frame.
        _galleryPeople = _index.PersonCount;
        _galleryFaces = _galleryPeople > 0 ? _index.FaceCount : 0;
        _likeForLike = _galleryPeople > 0 && gallery.HasGrayFaces;
    }

    /// <summary>Faces added so far.</summary>
    public int Frames { get; private set; }

    public void Add(FaceProbe face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var e = face.Embedding;
        if (_gallery.Dimension is { } dim && e.Length != dim)
            throw new ArgumentException($"embedding has {e.Length} values; the gallery's have {dim}", nameof(face));
        if (face.GrayEmbedding is { } g && g.Length != e.Length)
            throw new ArgumentException($"grayscale embedding has {g.Length} values; the colour one has {e.Length}", nameof(face));
        if (_galleryPeople > 0)
        {
            long total = _galleryFaces;
            bool whole = total <= SearchDepth;
            bool likeForLike = _likeForLike && face.GrayEmbedding is not null;
            int k = whole ? (int)total : SearchDepth;
            // The nearest returned embedding of each person (matches come nearest first). Like for like, the search
            // distances of one query are not every face's distance: they only propose candidates.
            var nearest = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var m in _index.Search(e, k)) nearest.TryAdd(m.Person, m.Distance);
            var proposed = nearest.Keys.Take(whole ? int.MaxValue : CandidatesPerFace).ToList();
            if (likeForLike)
            {
                var grayNearest = new Dictionary<string, float>(StringComparer.Ordinal);
                foreach (var m in _index.Search(face.GrayEmbedding, k)) grayNearest.TryAdd(m.Person, m.Distance);
                proposed.AddRange(grayNearest.Keys.Take(whole ? int.MaxValue : CandidatesPerFace));
            }
            foreach (var person in proposed)
                if (!_candidates.ContainsKey(person)) NewCandidate(person);
            Candidate? vote = null;
            float best = float.PositiveInfinity;
            foreach (var c in _order)
            {
                float d = !likeForLike && nearest.TryGetValue(c.Name, out var found) ? found : c.Person(_index).NearestDistance(face);
                c.Add(d);
                if (d < best)
                {
                    best = d;
                    vote = c;
                }
            }
            if (vote is not null) vote.Votes++;
        }
        _frames.Add(face);
        _embeddingSum ??= new float[e.Length];
        for (int i = 0; i < e.Length; i++) _embeddingSum[i] += e[i];
        Accumulate(face.FaceSize, ref _sizeSum, ref _sizeCount);
        Accumulate(face.DetectorScore, ref _scoreSum, ref _scoreCount);
        Accumulate(face.EmbeddingNorm, ref _normSum, ref _normCount);
        Accumulate(face.Sharpness, ref _sharpSum, ref _sharpCount);
        if (face.GrayEmbedding is { } gray)
        {
            _graySum ??= new float[gray.Length];
            for (int i = 0; i < gray.Length; i++) _graySum[i] += gray[i];
        }
        Frames++;
    }

    private void NewCandidate(string name)
    {
        var c = new Candidate(name);
        // A person first seen on a later face: their distances on the earlier faces, computed exactly.
        foreach (var f in _frames) c.Add(c.Person(_index).NearestDistance(f));
        _candidates.Add(name, c);
        _order.Add(c);
    }

    private sealed class Candidate(string name)
    {
        private GalleryPerson? _person;
        public string Name { get; } = name;

        /// <summary>The candidate's distance on each frame, in frame order.</summary>
        private readonly List<float> _distances = [];

        /// <summary>The sum of <see cref="Add"/>ed distances, kept as they come (Summarise runs after every frame).</summary>
        public double DistanceSum { get; private set; }

        public void Add(float distance)
        {
            _distances.Add(distance);
            DistanceSum += distance;
        }
        public int Votes { get; set; }

        /// <summary>Mean of the best quarter of the per-frame distances (at least one).</summary>
        public float BestDistance()
        {
            var sorted = _distances.Order().ToList();
            int k = Math.Max(1, sorted.Count / 4);
            return (float)sorted.Take(k).Average(d => (double)d);
        }

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
        var candidate = first!.Person(_index);
        // The track's mean embedding meets the template like for like (a mostly grayscale person: the grayscale mean).
        var mean = (float[])(_likeForLike && candidate.MostlyGray && _graySum is not null ? _graySum : _embeddingSum!).Clone();
        EmbeddingDistance.L2Normalize(mean);
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
            VoteShare: (float)first.Votes / Frames,
            BestDistance: first.BestDistance(),
            Sharpness: Mean(_sharpSum, _sharpCount));
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
        var (confidence, named, reason) = rule.Decide(evidence);
        return new Identification(named ? candidate : null, confidence, evidence.NearestDistance, candidate, second, evidence.SecondDistance, reason);
    }

    private static void Accumulate(float value, ref double sum, ref int count)
    {
        if (!float.IsFinite(value)) return;
        sum += value;
        count++;
    }

    private static float Mean(double sum, int count) => count == 0 ? float.NaN : (float)(sum / count);
}
