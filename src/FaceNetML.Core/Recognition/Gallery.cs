using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// A set of enrolled people, each with one or more face embeddings, and the <see cref="IdentificationRule"/> that turns
/// the evidence of a probe into a person or unknown with a calibrated confidence. Built from a folder with one sub-folder
/// per person (<see cref="GalleryEnrolment"/>) or one embedding at a time; saved and loaded as JSON with its rule
/// (<see cref="GalleryFile"/>).
/// </summary>
/// <remarks>Embeddings must come from the model named in <see cref="Model"/>; mixing models gives meaningless distances.
/// Not thread-safe for enrolment; <see cref="Identify(FaceProbe)"/> may run concurrently once enrolment is done.</remarks>
public sealed class Gallery : IDisposable
{
    private readonly IFaceIndex _index;
    private readonly List<string> _warnings = [];
    private IdentificationRule _rule;
    private IReadOnlyList<GalleryPerson>? _peopleCache;

    /// <param name="threshold">The model's verification threshold (kept for the distance-only fallback rule and the
    /// enrolment check of photos far from a person's others).</param>
    /// <param name="rule">The identification rule; default: the model's built-in rule, else nearest under <paramref name="threshold"/>.</param>
    public Gallery(string model, float threshold, IdentificationRule? rule = null) : this(new ExactFaceIndex(), model, threshold, rule)
    {
    }

    /// <summary>A gallery over any <see cref="IFaceIndex"/> backend (the identification decision is the same on each).</summary>
    public Gallery(IFaceIndex index, string model, float threshold, IdentificationRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!(threshold > 0) || !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a positive distance");
        _index = index;
        Model = model;
        Threshold = threshold;
        _rule = rule ?? IdentificationRule.Default(model, threshold);
        CheckRule(_rule);
    }

    /// <summary>A gallery over a stored index, with the model, threshold and rule stored in it.</summary>
    /// <exception cref="BadInputException">The index holds no gallery metadata, or an invalid rule.</exception>
    public static Gallery Attach(IFaceIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var info = index.Info ?? throw new BadInputException($"{index.Location}: an empty gallery (no model recorded)");
        var notes = new List<string>();
        var gallery = new Gallery(index, info.Model, info.Threshold, IdentificationRule.ParseStored(info.RuleJson, index.Location + " (rule)", info.Model, info.Threshold, notes.Add));
        notes.ForEach(gallery.Warn);
        return gallery;
    }

    /// <summary>The storage backend (exact in memory, HNSW file, or PostgreSQL).</summary>
    public IFaceIndex Index => _index;

    /// <summary>Name of the embedding model the embeddings come from.</summary>
    public string Model { get; }

    /// <summary>The model's verification threshold (Euclidean distance).</summary>
    public float Threshold { get; }

    /// <summary>The rule that decides identities (its model must be <see cref="Model"/>).</summary>
    public IdentificationRule Rule
    {
        get => _rule;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckRule(value);
            _rule = value;
        }
    }

    /// <summary>Enrolled people, in enrolment order (folders: ordinal name order). The order fixes colours in video output.
    /// On a database or HNSW backend this reads every person: counts come from <see cref="PersonCount"/> and
    /// <see cref="EmbeddingCount"/>, which every backend answers without reading the people.</summary>
    public IReadOnlyList<GalleryPerson> People => _index switch
    {
        ExactFaceIndex exact => exact.People,
        JsonFaceIndex json => json.People,
        _ => _peopleCache ??= [.. _index.PersonNames().Select(n => _index.Person(n)).OfType<GalleryPerson>()],
    };

    public int PersonCount => _index.PersonCount;

    /// <summary>One line per enrolment photo that was skipped or looks doubtful (no face, several faces, tiny face,
    /// far from the person's other photos).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public int EmbeddingCount => checked((int)_index.FaceCount);

    /// <summary>Length of the embeddings, or null while empty (a stored backend knows it from its creation).</summary>
    public int? Dimension => _index.Info?.Dimension is > 0 and var d ? d
        : _index is ExactFaceIndex { People.Count: > 0 } x ? x.People[0].Embeddings[0].Length : null;

    public GalleryPerson? this[string name] => _index.Person(name);

    /// <summary>Adds one embedding of a person (enrolling them if new). The vector is copied and L2-normalised.</summary>
    /// <exception cref="ArgumentException">Empty, wrong length, non-finite or zero-norm embedding.</exception>
    public GalleryPerson Add(string person, ReadOnlySpan<float> embedding, string source = "", bool gray = false)
    {
        AddPerson(person, [(embedding.ToArray(), source, gray)]);
        return _index.Person(person)!;
    }

    /// <summary>Whether any enrolled face came from a grayscale photo: probes must then bring their grayscale embedding
    /// (<see cref="FaceProbe.GrayEmbedding"/>) to be compared like for like. Colour galleries pay nothing.</summary>
    public bool HasGrayFaces => _hasGray ??= _index.HasGrayFaces;

    private bool? _hasGray;

    /// <inheritdoc cref="AddPerson(string, IReadOnlyList{ValueTuple{float[], string, bool}})"/>
    public int AddPerson(string person, IReadOnlyList<(float[] Embedding, string Source)> faces) =>
        AddPerson(person, faces.Select(f => (f.Embedding, f.Source, false)).ToList());

    /// <summary>Adds several embeddings of one person as one unit (one transaction on PostgreSQL): all are stored or
    /// none. Each vector is copied and L2-normalised. Returns the faces added (stored backends skip a source the
    /// person already has).</summary>
    /// <exception cref="ArgumentException">Empty, wrong length, non-finite or zero-norm embedding (nothing is added).</exception>
    public int AddPerson(string person, IReadOnlyList<(float[] Embedding, string Source, bool Gray)> faces)
    {
        if (string.IsNullOrWhiteSpace(person)) throw new ArgumentException("a person needs a non-empty name", nameof(person));
        var checkedFaces = new List<EnrolledFace>(faces.Count);
        int? dim = Dimension;
        foreach (var (embedding, source, gray) in faces)
        {
            if (embedding is null || embedding.Length == 0)
                throw new ArgumentException("empty embedding", nameof(faces));
            dim ??= embedding.Length;
            if (dim != embedding.Length)
                throw new ArgumentException($"embedding has {embedding.Length} values; the gallery's have {dim}", nameof(faces));
            var copy = (float[])embedding.Clone();
            foreach (var v in copy)
                if (!float.IsFinite(v)) throw new ArgumentException($"embedding of {person} has a non-finite value ({v})", nameof(faces));
            float norm = EmbeddingDistance.L2Normalize(copy);
            if (!(norm > 0) || !float.IsFinite(norm) || copy.Any(v => !float.IsFinite(v)))
                throw new ArgumentException($"embedding of {person} has zero or overflowing norm", nameof(faces));
            checkedFaces.Add(new EnrolledFace(copy, source ?? "", Gray: gray));
        }
        if (_index.Info is null && _index is not ExactFaceIndex && dim is int d)
            _index.Initialise(new GalleryInfo(Model, Threshold, d, _rule.ToJson()));
        _peopleCache = null;
        _hasGray = null;
        return _index.AddFaces(person, checkedFaces);
    }

    /// <summary>Removes a person; false when not enrolled.</summary>
    public bool Remove(string person)
    {
        _peopleCache = null;
        _hasGray = null;
        return _index.Remove(person);
    }

    /// <summary>Removes one face of a person (stored from <paramref name="source"/>); the last face removes the person.
    /// False when not stored.</summary>
    public bool RemoveFace(string person, string source) => Edit(() => _index.RemoveFace(person, source));

    /// <summary>Renames a person; false when not enrolled.</summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is already enrolled.</exception>
    public bool Rename(string person, string to)
    {
        if (string.IsNullOrWhiteSpace(to)) throw new ArgumentException("a person needs a non-empty name", nameof(to));
        return Edit(() => _index.Rename(person, to));
    }

    /// <summary>Moves a person's faces into another enrolled person; false when either is missing.</summary>
    public bool Merge(string person, string into) => Edit(() => _index.Merge(person, into));

    private bool Edit(Func<bool> edit)
    {
        _peopleCache = null;
        _hasGray = null;
        return edit();
    }

    /// <summary>A copy in memory (same rule): a fixed view for work that runs while this gallery changes.</summary>
    public Gallery Copy() => Without(null);

    /// <summary>A copy without one person (same rule): the leave-one-out gallery of open-set tests.</summary>
    public Gallery Without(string? person)
    {
        var copy = new Gallery(Model, Threshold, Rule);
        foreach (var p in People.Where(p => p.Name != person))
            for (int i = 0; i < p.Embeddings.Count; i++) copy.Add(p.Name, p.Embeddings[i], p.Sources[i], p.Grayscale[i]);
        return copy;
    }

    /// <summary>Refuses a gallery that cannot be matched with a model's embeddings (another model, or another length).</summary>
    /// <exception cref="BadInputException">The gallery holds another model's embeddings.</exception>
    public void CheckModel(string model, int embeddingSize)
    {
        if (!string.Equals(Model, model, StringComparison.Ordinal))
            throw new BadInputException($"the gallery was built with model '{Model}', not '{model}'");
        if (Dimension is { } d && d != embeddingSize)
            throw new BadInputException($"the gallery's embeddings have {d} values; model '{model}' gives {embeddingSize}");
    }

    /// <summary>Identifies one face with the gallery's rule.</summary>
    public Identification Identify(FaceProbe face)
    {
        var evidence = new ProbeEvidence(this);
        evidence.Add(face);
        return evidence.Decide();
    }

    /// <summary>Identifies one face known only by its embedding (size, detector score and norm count as typical).</summary>
    public Identification Identify(ReadOnlySpan<float> embedding) => Identify(new FaceProbe(embedding.ToArray()));

    /// <summary>Distance from the embedding to the nearest embedding of one person (+inf when not enrolled).</summary>
    public float DistanceTo(string person, ReadOnlySpan<float> embedding) =>
        _index.Person(person) is { } p ? p.NearestDistance(embedding) : float.PositiveInfinity;

    internal void Warn(string message) => _warnings.Add(message);

    /// <summary>Opens a gallery to read (<see cref="GalleryStore.OpenRead"/>): a JSON file, a <c>.usearch</c> index, a
    /// <c>postgres://</c> URL, or a folder of people enrolled with <paramref name="pipeline"/> (a folder holding only
    /// <c>gallery.json</c> loads that file).</summary>
    public static Gallery Open(FacePipeline pipeline, string path, Action<int, int>? onProgress = null) =>
        GalleryStore.OpenRead(path, pipeline, onProgress);

    /// <inheritdoc cref="GalleryEnrolment.FromFolder"/>
    public static Gallery FromFolder(FacePipeline pipeline, string folder, Action<int, int>? onProgress = null) =>
        GalleryEnrolment.FromFolder(pipeline, folder, onProgress);

    /// <inheritdoc cref="GalleryFile.Save"/>
    public void Save(string path) => GalleryFile.Save(this, path);

    /// <inheritdoc cref="GalleryFile.Load"/>
    public static Gallery Load(string path) => GalleryFile.Load(path);

    /// <summary>Makes the backend's changes durable (saves the HNSW and vector files; builds the HNSW index of a newly
    /// loaded PostgreSQL table; a no-op in memory).</summary>
    public void Flush() => _index.Flush();

    /// <summary>Flushes and closes the backend.</summary>
    public void Dispose()
    {
        _index.Flush();
        _index.Dispose();
    }

    private void CheckRule(IdentificationRule rule)
    {
        if (!string.Equals(rule.Model, Model, StringComparison.Ordinal))
            throw new ArgumentException($"the identification rule was calibrated for model '{rule.Model}', the gallery holds '{Model}' embeddings");
    }
}
