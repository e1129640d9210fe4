using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>One enrolled person: a name, one embedding per enrolled photo (all kept; matching uses the nearest and
/// the mean template) and where each came from.</summary>
public sealed class GalleryPerson
{
    private readonly List<float[]> _embeddings = [];
    private readonly List<string> _sources = [];
    private readonly List<bool> _gray = [];
    private float[]? _template;

    public GalleryPerson(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("a person needs a non-empty name", nameof(name));
        Name = name;
    }

    public string Name { get; }

    /// <summary>L2-normalised embeddings, one per enrolled photo.</summary>
    public IReadOnlyList<float[]> Embeddings => _embeddings;

    /// <summary>Where each embedding came from (a photo path, or any label), parallel to <see cref="Embeddings"/>.</summary>
    public IReadOnlyList<string> Sources => _sources;

    /// <summary>Whether each embedding came from a grayscale photo, parallel to <see cref="Embeddings"/>.</summary>
    public IReadOnlyList<bool> Grayscale => _gray;

    /// <summary>True when most of the person's photos are grayscale: their template is then met by a probe's grayscale embedding.</summary>
    public bool MostlyGray => 2 * _gray.Count(g => g) > _gray.Count;

    /// <summary>The mean of the person's embeddings, L2-normalised: their template.</summary>
    public float[] Template
    {
        get
        {
            if (_template is { } t) return t;
            var m = new float[_embeddings[0].Length];
            foreach (var e in _embeddings)
                for (int i = 0; i < m.Length; i++) m[i] += e[i];
            EmbeddingDistance.L2Normalize(m);
            return _template = m;
        }
    }

    /// <summary>Distance from an embedding to the person's nearest enrolled embedding.</summary>
    public float NearestDistance(ReadOnlySpan<float> embedding)
    {
        float best = float.PositiveInfinity;
        foreach (var e in _embeddings)
            best = MathF.Min(best, EmbeddingDistance.SquaredEuclidean(e, embedding));
        return MathF.Sqrt(best);
    }

    /// <summary>Distance from a probe to the person's nearest enrolled embedding, like for like: grayscale photos are met by
    /// the probe's grayscale embedding when it has one.</summary>
    public float NearestDistance(FaceProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        float best = float.PositiveInfinity;
        for (int i = 0; i < _embeddings.Count; i++)
            best = MathF.Min(best, EmbeddingDistance.SquaredEuclidean(_embeddings[i], probe.For(_gray[i])));
        return MathF.Sqrt(best);
    }

    internal void Add(float[] embedding, string source, bool gray = false)
    {
        _embeddings.Add(embedding);
        _sources.Add(source);
        _gray.Add(gray);
        _template = null;
    }
}
