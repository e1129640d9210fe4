using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>One enrolled person: a name and every embedding of their photos (all kept; matching uses the nearest).</summary>
public sealed class GalleryPerson
{
    private readonly List<float[]> _embeddings = [];
    private readonly List<string> _sources = [];

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

    internal void Add(float[] embedding, string source)
    {
        _embeddings.Add(embedding);
        _sources.Add(source);
    }
}

/// <summary>The answer of <see cref="Gallery.Identify"/>: the nearest enrolled person when nearer than the threshold.</summary>
/// <param name="Person">The identified person, or null (unknown) when no embedding lies under the threshold.</param>
/// <param name="Distance">Euclidean distance to the nearest gallery embedding (of <see cref="Nearest"/>); +inf for an empty gallery.</param>
/// <param name="Nearest">The person owning the nearest embedding, even when above the threshold; null for an empty gallery.</param>
public readonly record struct Identification(string? Person, float Distance, string? Nearest)
{
    public bool IsKnown => Person is not null;
}

/// <summary>
/// A set of enrolled people, each with one or more face embeddings. Built from a folder with one sub-folder per
/// person (<c>gallery/&lt;Name&gt;/*.jpg</c>, colour or grayscale) or enrolled one embedding at a time; saved and
/// loaded as JSON (<c>gallery.json</c>). <see cref="Identify"/> returns the person owning the nearest embedding when
/// its Euclidean distance is under <see cref="Threshold"/> (the embedding model's default), otherwise unknown.
/// </summary>
/// <remarks>Embeddings must come from the model named in <see cref="Model"/>; mixing models gives meaningless distances.
/// Not thread-safe for enrolment; <see cref="Identify"/> may run concurrently once enrolment is done.</remarks>
public sealed class Gallery
{
    private readonly List<GalleryPerson> _people = [];
    private readonly Dictionary<string, GalleryPerson> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    public Gallery(string model, float threshold)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!(threshold > 0) || !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a positive distance");
        Model = model;
        Threshold = threshold;
    }

    /// <summary>Name of the embedding model the embeddings come from.</summary>
    public string Model { get; }

    /// <summary>Euclidean distance under which the nearest embedding identifies its person.</summary>
    public float Threshold { get; set; }

    /// <summary>Enrolled people, in enrolment order (folders: ordinal name order). The order fixes colours in video output.</summary>
    public IReadOnlyList<GalleryPerson> People => _people;

    /// <summary>Photos skipped while building (unreadable, or no face): one line each.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public int EmbeddingCount => _people.Sum(p => p.Embeddings.Count);

    public GalleryPerson? this[string name] => _byName.GetValueOrDefault(name);

    /// <summary>Adds one embedding of a person (enrolling them if new). The vector is copied and L2-normalised.</summary>
    public GalleryPerson Add(string person, ReadOnlySpan<float> embedding, string source = "")
    {
        if (embedding.IsEmpty)
            throw new ArgumentException("empty embedding", nameof(embedding));
        var first = _people.SelectMany(p => p.Embeddings).FirstOrDefault();
        if (first is not null && first.Length != embedding.Length)
            throw new ArgumentException($"embedding has {embedding.Length} values; the gallery's have {first.Length}", nameof(embedding));
        var copy = embedding.ToArray();
        if (!(EmbeddingDistance.L2Normalize(copy) > 0))
            throw new ArgumentException("embedding has zero norm", nameof(embedding));
        if (!_byName.TryGetValue(person, out var p))
        {
            p = new GalleryPerson(person);
            _people.Add(p);
            _byName.Add(person, p);
        }
        p.Add(copy, source);
        return p;
    }

    /// <summary>Removes a person; false when not enrolled.</summary>
    public bool Remove(string person)
    {
        if (!_byName.Remove(person, out var p)) return false;
        _people.Remove(p);
        return true;
    }

    /// <summary>The nearest enrolled person, known when their nearest embedding is under <see cref="Threshold"/>.</summary>
    public Identification Identify(ReadOnlySpan<float> embedding)
    {
        string? nearest = null;
        float best = float.PositiveInfinity;
        foreach (var p in _people)
        {
            foreach (var e in p.Embeddings)
            {
                if (e.Length != embedding.Length)
                    throw new ArgumentException($"embedding has {embedding.Length} values; the gallery's have {e.Length}", nameof(embedding));
                float d = EmbeddingDistance.SquaredEuclidean(e, embedding);
                if (d < best)
                {
                    best = d;
                    nearest = p.Name;
                }
            }
        }
        float distance = MathF.Sqrt(best);
        return new Identification(distance < Threshold ? nearest : null, distance, nearest);
    }

    /// <summary>Distance from the embedding to the nearest embedding of one person (+inf when not enrolled).</summary>
    public float DistanceTo(string person, ReadOnlySpan<float> embedding)
    {
        if (!_byName.TryGetValue(person, out var p)) return float.PositiveInfinity;
        float best = float.PositiveInfinity;
        foreach (var e in p.Embeddings)
            best = MathF.Min(best, EmbeddingDistance.SquaredEuclidean(e, embedding));
        return MathF.Sqrt(best);
    }

    /// <summary>
    /// Builds a gallery from <paramref name="folder"/>: one sub-folder per person (its name is the person's name),
    /// one or more photos each. The face of each photo is the centred-and-large one (<see cref="FaceSelection.Primary"/>);
    /// photos that cannot be read or show no face are skipped and listed in <see cref="Warnings"/>.
    /// </summary>
    /// <exception cref="BadInputException">The folder is missing, has no person sub-folders, or no usable photo at all.</exception>
    public static Gallery FromFolder(FacePipeline pipeline, string folder, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: gallery folder not found");
        var people = Directory.GetDirectories(folder).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        var photos = people
            .SelectMany(d => Directory.GetFiles(d).Where(ImageDecoder.IsImageFile)
                .OrderBy(f => f, StringComparer.Ordinal).Select(f => (Person: Path.GetFileName(d), Path: f)))
            .ToList();
        if (photos.Count == 0)
            throw new BadInputException($"{folder}: no photos found (expected one sub-folder per person holding .jpg/.png photos)");

        var results = new (float[]? Embedding, string? Error)[photos.Count];
        int done = 0;
        Parallel.For(0, photos.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, pipeline.Options.Parallelism) }, i =>
        {
            results[i] = EmbedPhoto(pipeline, photos[i].Path);
            onProgress?.Invoke(Interlocked.Increment(ref done), photos.Count);
        });

        var gallery = new Gallery(pipeline.Model.Name, pipeline.Threshold);
        for (int i = 0; i < photos.Count; i++)
        {
            if (results[i].Embedding is { } e) gallery.Add(photos[i].Person, e, photos[i].Path);
            else gallery._warnings.Add(results[i].Error!);
        }
        if (gallery.People.Count == 0)
            throw new BadInputException($"{folder}: no usable face in any of {photos.Count} photos ({gallery._warnings[0]})");
        foreach (var person in people.Select(Path.GetFileName).Where(n => gallery[n!] is null))
            gallery._warnings.Add($"{person}: no usable photo, not enrolled");
        return gallery;
    }

    /// <summary>Loads a gallery: a <c>.json</c> file saved by <see cref="Save"/>, or a folder (then built with <paramref name="pipeline"/>;
    /// a folder holding <c>gallery.json</c> but no person sub-folders loads that file).</summary>
    public static Gallery Open(FacePipeline pipeline, string path, Action<int, int>? onProgress = null)
    {
        if (File.Exists(path)) return Load(path);
        if (Directory.Exists(path) && Directory.GetDirectories(path).Length == 0 && File.Exists(Path.Combine(path, "gallery.json")))
            return Load(Path.Combine(path, "gallery.json"));
        return FromFolder(pipeline, path, onProgress);
    }

    private static (float[]?, string?) EmbedPhoto(FacePipeline pipeline, string path)
    {
        try
        {
            var image = ImageDecoder.Decode(path);
            var face = FaceSelection.Primary(pipeline.Detect(image), image.Width, image.Height);
            if (face is null) return (null, $"{path}: no face found, skipped");
            return (pipeline.Embedder.Embed(pipeline.Aligner.Align(image, face)), null);
        }
        catch (BadInputException e)
        {
            return (null, e.Message + ", skipped");
        }
    }

    /// <summary>Writes the gallery as JSON (model, threshold, people with their embeddings and sources).</summary>
    public void Save(string path)
    {
        var dto = new GalleryFile
        {
            Format = FormatName,
            Model = Model,
            Threshold = Threshold,
            People = _people.Select(p => new PersonFile { Name = p.Name, Sources = [.. p.Sources], Embeddings = [.. p.Embeddings] }).ToList(),
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(dto, JsonOptions));
    }

    /// <summary>Reads a gallery written by <see cref="Save"/>.</summary>
    /// <exception cref="BadInputException">Missing file, malformed JSON, or inconsistent embeddings.</exception>
    public static Gallery Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: gallery file not found");
        GalleryFile? dto;
        try
        {
            dto = JsonSerializer.Deserialize<GalleryFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not a gallery JSON file ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (dto is null || dto.Model is null || dto.People is null)
            throw new BadInputException($"{path}: not a gallery JSON file (needs model, threshold, people)");
        try
        {
            var gallery = new Gallery(dto.Model, dto.Threshold);
            foreach (var p in dto.People)
            {
                if (p.Name is null || p.Embeddings is null) throw new ArgumentException("a person without name or embeddings");
                for (int i = 0; i < p.Embeddings.Count; i++)
                    gallery.Add(p.Name, p.Embeddings[i], p.Sources is { } s && i < s.Count ? s[i] : "");
            }
            return gallery;
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"{path}: invalid gallery ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private const string FormatName = "facenetml-gallery/1";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed class GalleryFile
    {
        public string? Format { get; set; }
        public string? Model { get; set; }
        public float Threshold { get; set; }
        public List<PersonFile>? People { get; set; }
    }

    private sealed class PersonFile
    {
        public string? Name { get; set; }
        public List<string>? Sources { get; set; }
        public List<float[]>? Embeddings { get; set; }
    }
}
