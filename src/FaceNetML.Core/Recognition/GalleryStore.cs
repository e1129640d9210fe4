using FaceNetML.Imaging;
using FaceNetML.Pipeline;

namespace FaceNetML.Recognition;

/// <summary>
/// Opens a gallery from the string users give as <c>--gallery</c>, through one <see cref="IFaceIndex"/> per kind of
/// location: a JSON gallery file (<see cref="JsonFaceIndex"/>), a <c>.usearch</c> path (embedded HNSW,
/// <see cref="USearchFaceIndex"/>; <c>PATH.usearch?scalar=i8&amp;m=24&amp;ef_add=128&amp;ef=256&amp;rerank=64</c> picks the
/// storage and graph of a new one and the search of this open: <see cref="HnswOptions"/>), or a location served
/// by a registered <see cref="IFaceIndexProvider"/> (such as a <c>postgres://user@host:port/db?table=NAME</c> URL with
/// FaceNetML.Galleries.Postgres). A folder of people (one sub-folder of photos per person, or photos named after their
/// people) is enrolled in memory. Every
/// command that takes a gallery opens it here, so opening, adding, removing, saving and counting have one code path.
/// </summary>
public static class GalleryStore
{
    /// <summary>The backend that holds <paramref name="location"/>: opened to read or to write (a missing JSON or HNSW
    /// file opened to write is a new, empty store).</summary>
    /// <exception cref="BadInputException">Unreadable, unreachable or invalid store.</exception>
    /// <exception cref="NotSupportedException">A <c>postgres://</c> URL and no PostgreSQL provider registered.</exception>
    public static IFaceIndex OpenIndex(string location, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (Provider(location) is { } provider) return provider.Open(location, readOnly);
        if (HnswPath(location) is { } h) return USearchFaceIndex.Open(h.Path, readOnly, h.Scalar, h.Options);
        return JsonFaceIndex.Open(location, readOnly);
    }

    /// <summary>Opens a gallery to read: a stored gallery (<see cref="OpenIndex"/>), or a folder of people enrolled in
    /// memory with <paramref name="pipeline"/> (a folder holding only <c>gallery.json</c> opens that file).</summary>
    /// <exception cref="BadInputException">Missing, unreadable or invalid gallery; a folder without a pipeline.</exception>
    /// <exception cref="NotSupportedException">A <c>postgres://</c> URL and no PostgreSQL provider registered.</exception>
    public static Gallery OpenRead(string location, FacePipeline? pipeline = null, Action<int, int>? onProgress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (IsPeopleFolder(location))
        {
            if (pipeline is null) throw new BadInputException($"{location}: a folder of people needs the face pipeline to be enrolled");
            return GalleryEnrolment.FromFolder(pipeline, location, onProgress);
        }
        return Attach(OpenIndex(Directory.Exists(location) ? Path.Combine(location, "gallery.json") : location, readOnly: true));
    }

    /// <summary>Whether <see cref="OpenRead"/> enrols <paramref name="location"/> in memory: a folder of people
    /// (<see cref="GalleryEnrolment.GalleryPhotos"/>), not a stored gallery (a file, a URL, or a folder holding only
    /// <c>gallery.json</c>), so the model it is embedded with is the caller's choice.</summary>
    public static bool IsPeopleFolder(string location) =>
        Directory.Exists(location)
        && !(Directory.GetDirectories(location).Length == 0 && File.Exists(Path.Combine(location, "gallery.json"))
             && !Directory.GetFiles(location).Any(ImageDecoder.IsImageFile));

    /// <summary>Opens (creating when missing) a gallery to write into. Refuses, before writing anything, a gallery built
    /// with another model or embedding length.</summary>
    /// <exception cref="BadInputException">A folder, unreachable, wrong schema, or another model.</exception>
    /// <exception cref="NotSupportedException">A <c>postgres://</c> URL and no PostgreSQL provider registered.</exception>
    public static Gallery OpenWrite(string location, string model, float threshold, int dimension, IdentificationRule? rule = null)
    {
        var index = OpenIndex(location, readOnly: false);
        try
        {
            if (index.Info is { } info)
            {
                if (info.Model != model) throw new BadInputException($"{index.Location}: the gallery was built with model '{info.Model}', not '{model}'");
                if (info.Dimension != dimension) throw new BadInputException($"{index.Location}: the gallery's embeddings have {info.Dimension} values; model '{model}' gives {dimension}");
                return Attach(index);
            }
            return new Gallery(index, model, threshold, rule);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing gallery to change it (remove people, add more of its model's faces).</summary>
    /// <exception cref="BadInputException">No gallery there, or an invalid one.</exception>
    public static Gallery OpenExisting(string location)
    {
        var index = OpenIndex(location, readOnly: false);
        try
        {
            return Attach(index);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private static Gallery Attach(IFaceIndex index)
    {
        var gallery = Gallery.Attach(index);
        if (index is JsonFaceIndex json)
            foreach (var note in json.Notes) gallery.Warn(note);
        return gallery;
    }

    /// <summary>Copies every person of <paramref name="source"/> into <paramref name="target"/>, one unit (transaction)
    /// per person. Returns the faces added (a stored target skips faces it already holds).</summary>
    public static long CopyInto(Gallery source, Gallery target, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var names = source.Index.PersonNames();
        long added = 0;
        for (int i = 0; i < names.Count; i++)
        {
            if (source.Index.Person(names[i]) is { } p)
                added += target.AddPerson(p.Name, [.. p.Embeddings.Select((e, j) => (e, p.Sources[j], p.Grayscale[j]))]);
            onProgress?.Invoke(i + 1, names.Count);
        }
        target.Flush();
        return added;
    }

    /// <summary>The registered provider for <paramref name="location"/>; null when none serves it and it is not a
    /// location whose provider is missing.</summary>
    private static IFaceIndexProvider? Provider(string location) =>
        FaceIndexProviders.For(location)
        ?? (FaceIndexProviders.MissingProviderMessage(location) is { } missing ? throw new NotSupportedException(missing) : null);

    private static (string Path, string? Scalar, HnswOptions Options)? HnswPath(string location)
    {
        int q = location.IndexOf(".usearch?", StringComparison.OrdinalIgnoreCase);
        if (q >= 0)
        {
            var path = location[..(q + ".usearch".Length)];
            var query = location[(q + ".usearch?".Length)..];
            string? scalar = null;
            var options = new HnswOptions();
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv[0] == "scalar" && kv.Length == 2) scalar = kv[1];
                else if (kv.Length == 2 && options.With(kv[0], kv[1]) is { } set) options = set;
                else throw new BadInputException($"{location}: unknown option '{pair}' (use {HnswOptions.LocationKeys})");
            }
            return (path, scalar, options);
        }
        return location.EndsWith(".usearch", StringComparison.OrdinalIgnoreCase) ? (location, null, new HnswOptions()) : null;
    }
}
