namespace FaceNetML.Recognition;

/// <summary>
/// The JSON gallery file (<see cref="GalleryFile"/>, <c>facenetml-gallery/2</c>) as a backend: the faces live in memory
/// (searched exactly, as <see cref="ExactFaceIndex"/>) and <see cref="Flush"/> writes the whole file (to a temporary file,
/// then moved into place). Opening, adding, removing and counting go through <see cref="IFaceIndex"/> as on every other
/// backend; like them, adding a (person, source) the file already holds adds nothing.
/// </summary>
public sealed class JsonFaceIndex : IFaceIndex
{
    private readonly ExactFaceIndex _faces;
    private readonly bool _readOnly;
    private GalleryInfo? _info;
    private bool _dirty;

    private JsonFaceIndex(string path, bool readOnly, ExactFaceIndex faces, GalleryInfo? info, IReadOnlyList<string> notes)
    {
        Location = path;
        _readOnly = readOnly;
        _faces = faces;
        _info = info;
        Notes = notes;
    }

    /// <summary>Opens a gallery file; a missing file opened to write is a new, empty gallery written on the first flush.</summary>
    /// <exception cref="BadInputException">Missing (to read), unreadable or invalid file, or a folder.</exception>
    public static JsonFaceIndex Open(string path, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new BadInputException($"{path}: is a folder, not a gallery file");
        if (!File.Exists(path))
        {
            if (readOnly) throw new BadInputException($"{path}: no such gallery file");
            return new JsonFaceIndex(path, readOnly, new ExactFaceIndex(), null, []);
        }
        var loaded = GalleryFile.Load(path);
        var info = new GalleryInfo(loaded.Model, loaded.Threshold, loaded.Dimension ?? 0, loaded.Rule.ToJson());
        return new JsonFaceIndex(path, readOnly, (ExactFaceIndex)loaded.Index, info, loaded.Warnings);
    }

    public string Backend => "json";

    /// <summary>The gallery file.</summary>
    public string Location { get; }

    public GalleryInfo? Info => _info;

    /// <summary>Notes from reading the file (for example an older rule format replaced by the model's current rule).</summary>
    public IReadOnlyList<string> Notes { get; }

    public void Initialise(GalleryInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        ThrowIfReadOnly();
        if (_info is not null) throw new InvalidOperationException($"{Location}: already initialised");
        _info = info;
        _dirty = true;
    }

    public int PersonCount => _faces.PersonCount;
    public long FaceCount => _faces.FaceCount;
    public bool HasGrayFaces => _faces.HasGrayFaces;
    public long ApproximateBytes => File.Exists(Location) ? new FileInfo(Location).Length : _faces.ApproximateBytes;

    /// <summary>The people in file order.</summary>
    public IReadOnlyList<GalleryPerson> People => _faces.People;

    public IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k) => _faces.Search(query, k);
    public GalleryPerson? Person(string name) => _faces.Person(name);
    public IReadOnlyList<string> PersonNames() => _faces.PersonNames();

    public int AddFaces(string person, IReadOnlyList<EnrolledFace> faces)
    {
        ThrowIfReadOnly();
        var known = _faces.Person(person);
        var fresh = known is null ? faces : faces.Where(f => f.Source.Length == 0 || !known.Sources.Contains(f.Source)).ToList();
        if (fresh.Count == 0) return 0;
        int added = _faces.AddFaces(person, fresh);
        _dirty = true;
        return added;
    }

    public bool Remove(string person)
    {
        ThrowIfReadOnly();
        bool removed = _faces.Remove(person);
        _dirty |= removed;
        return removed;
    }

    public bool RemoveFace(string person, string source) => Change(() => _faces.RemoveFace(person, source));

    public bool Rename(string person, string to) => Change(() => _faces.Rename(person, to));

    public bool Merge(string person, string into) => Change(() => _faces.Merge(person, into));

    private bool Change(Func<bool> change)
    {
        ThrowIfReadOnly();
        bool changed = change();
        _dirty |= changed;
        return changed;
    }

    /// <summary>Writes the file when something changed. A gallery emptied of people removes its file (the format holds
    /// at least one person).</summary>
    public void Flush()
    {
        _faces.Flush();
        if (_readOnly || !_dirty || _info is null) return;
        if (_faces.PersonCount > 0) GalleryFile.Write(Location, _info, _faces.People);
        else if (File.Exists(Location)) File.Delete(Location);
        _dirty = false;
    }

    public void Dispose() => _faces.Dispose();

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
    }
}
