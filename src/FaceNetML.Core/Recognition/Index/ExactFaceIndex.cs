using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// The in-memory backend: every embedding is compared with the query (SIMD squared Euclidean,
/// <see cref="EmbeddingDistance.SquaredEuclidean"/>) over one contiguous matrix. Exact, so it is the recall oracle of
/// the approximate backends; it suits galleries up to about 100k faces (a query reads every embedding once). The JSON
/// gallery file loads into this backend.
/// </summary>
/// <remarks>Writes are not thread-safe; concurrent <see cref="Search"/> calls are, once enrolment is done.</remarks>
public sealed class ExactFaceIndex : IFaceIndex
{
    private readonly List<GalleryPerson> _people = [];
    private readonly Dictionary<string, GalleryPerson> _byName = new(StringComparer.Ordinal);
    private readonly object _matrixLock = new();
    private GalleryInfo? _info;
    private Matrix? _matrix;

    public string Backend => "exact";
    public string Location => "memory";
    public GalleryInfo? Info => _info;
    public void Initialise(GalleryInfo info) => _info = info ?? throw new ArgumentNullException(nameof(info));

    /// <summary>The live person list (enrolment order).</summary>
    public IReadOnlyList<GalleryPerson> People => _people;

    public int PersonCount => _people.Count;
    public long FaceCount { get; private set; }

    public long ApproximateBytes => FaceCount * ((_people.Count == 0 ? 0 : _people[0].Embeddings[0].Length) * sizeof(float) + sizeof(int));

    public GalleryPerson? Person(string name) => _byName.GetValueOrDefault(name);

    public bool HasGrayFaces => _people.Any(p => p.Grayscale.Any(g => g));

    public IReadOnlyList<string> PersonNames() => [.. _people.Select(p => p.Name)];

    public int AddFaces(string person, IReadOnlyList<EnrolledFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count == 0) return 0;
        if (!_byName.TryGetValue(person, out var p))
        {
            p = new GalleryPerson(person);
            _people.Add(p);
            _byName.Add(person, p);
        }
        foreach (var f in faces) p.Add(f.Embedding, f.Source, f.Gray);
        FaceCount += faces.Count;
        _matrix = null;
        return faces.Count;
    }

    public bool Remove(string person)
    {
        if (!_byName.Remove(person, out var p)) return false;
        _people.Remove(p);
        FaceCount -= p.Embeddings.Count;
        _matrix = null;
        return true;
    }

    public bool RemoveFace(string person, string source)
    {
        if (!_byName.TryGetValue(person, out var p)) return false;
        int at = IndexOf(p.Sources, source);
        if (at < 0) return false;
        if (p.Embeddings.Count == 1) return Remove(person);
        var kept = new GalleryPerson(person);
        for (int i = 0; i < p.Embeddings.Count; i++)
            if (i != at) kept.Add(p.Embeddings[i], p.Sources[i], p.Grayscale[i]);
        Replace(p, kept);
        FaceCount--;
        return true;
    }

    public bool Rename(string person, string to)
    {
        if (!_byName.TryGetValue(person, out var p)) return false;
        if (person == to) return true;
        if (_byName.ContainsKey(to)) throw new ArgumentException($"{to}: already enrolled", nameof(to));
        var renamed = new GalleryPerson(to);
        for (int i = 0; i < p.Embeddings.Count; i++) renamed.Add(p.Embeddings[i], p.Sources[i], p.Grayscale[i]);
        Replace(p, renamed);
        return true;
    }

    public bool Merge(string person, string into)
    {
        if (person == into || !_byName.TryGetValue(person, out var from) || !_byName.TryGetValue(into, out var target)) return false;
        var merged = new GalleryPerson(into);
        for (int i = 0; i < target.Embeddings.Count; i++) merged.Add(target.Embeddings[i], target.Sources[i], target.Grayscale[i]);
        for (int i = 0; i < from.Embeddings.Count; i++)
            if (IndexOf(merged.Sources, from.Sources[i]) < 0) merged.Add(from.Embeddings[i], from.Sources[i], from.Grayscale[i]);
        Replace(target, merged);
        Remove(person);
        FaceCount = _people.Sum(x => (long)x.Embeddings.Count);
        return true;
    }

    /// <summary>Puts <paramref name="now"/> where <paramref name="was"/> stood (same enrolment position).</summary>
    private void Replace(GalleryPerson was, GalleryPerson now)
    {
        _people[_people.IndexOf(was)] = now;
        _byName.Remove(was.Name);
        _byName.Add(now.Name, now);
        _matrix = null;
    }

    private static int IndexOf(IReadOnlyList<string> sources, string source)
    {
        for (int i = 0; i < sources.Count; i++)
            if (sources[i] == source) return i;
        return -1;
    }

    public IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k)
    {
        var m = CurrentMatrix();
        int n = m.Owner.Length;
        if (k <= 0 || n == 0) return [];
        if (query.Length != m.Dimension)
            throw new ArgumentException($"query has {query.Length} values; the gallery's have {m.Dimension}", nameof(query));
        var data = m.Data.AsSpan();
        int dim = m.Dimension;
        if (k >= n)
        {
            var all = new (float D, int Row)[n];
            for (int i = 0; i < n; i++) all[i] = (EmbeddingDistance.SquaredEuclidean(data.Slice(i * dim, dim), query), i);
            Array.Sort(all, (a, b) => a.D != b.D ? a.D.CompareTo(b.D) : a.Row.CompareTo(b.Row));
            return [.. all.Select(x => new FaceMatch(m.Owner[x.Row].Name, MathF.Sqrt(x.D)))];
        }
        // Bounded max-heap of the k best rows so far.
        var heap = new PriorityQueue<int, float>(k + 1, Comparer<float>.Create((a, b) => b.CompareTo(a)));
        float worst = float.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            float d = EmbeddingDistance.SquaredEuclidean(data.Slice(i * dim, dim), query);
            if (heap.Count < k)
            {
                heap.Enqueue(i, d);
                if (heap.Count == k) heap.TryPeek(out _, out worst);
            }
            else if (d < worst)
            {
                heap.EnqueueDequeue(i, d);
                heap.TryPeek(out _, out worst);
            }
        }
        var best = new (float D, int Row)[heap.Count];
        int j = 0;
        while (heap.TryDequeue(out var row, out var d)) best[j++] = (d, row);
        Array.Sort(best, (a, b) => a.D != b.D ? a.D.CompareTo(b.D) : a.Row.CompareTo(b.Row));
        return [.. best.Select(x => new FaceMatch(m.Owner[x.Row].Name, MathF.Sqrt(x.D)))];
    }

    /// <summary>Builds the search matrix now (else the first search does).</summary>
    public void Flush() => CurrentMatrix();

    public void Dispose() { }

    private Matrix CurrentMatrix()
    {
        if (_matrix is { } m) return m;
        lock (_matrixLock)
        {
            if (_matrix is { } again) return again;
            int dim = _people.Count == 0 ? 0 : _people[0].Embeddings[0].Length;
            var data = new float[checked(FaceCount * dim)];
            var owner = new GalleryPerson[FaceCount];
            int row = 0;
            foreach (var p in _people)
                foreach (var e in p.Embeddings)
                {
                    e.CopyTo(data, row * dim);
                    owner[row++] = p;
                }
            return _matrix = new Matrix(data, owner, dim);
        }
    }

    private sealed record Matrix(float[] Data, GalleryPerson[] Owner, int Dimension);
}
