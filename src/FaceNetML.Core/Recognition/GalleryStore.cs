using FaceNetML.Pipeline;

namespace FaceNetML.Recognition;

/// <summary>
/// Opens a gallery from the string users give as <c>--gallery</c>: a JSON gallery file (or a folder of people, built
/// in memory), a <c>.usearch</c> path (embedded HNSW; <c>PATH.usearch?scalar=i8</c> picks the storage of a new one), or
/// a location served by a registered <see cref="IFaceIndexProvider"/> (such as a
/// <c>postgres://user@host:port/db?table=NAME</c> URL with FaceNetML.Galleries.Postgres). Every command that takes a
/// gallery opens it here.
/// </summary>
public static class GalleryStore
{
    /// <summary>True for a location held by a stored backend (HNSW file, or a provider's such as PostgreSQL; also a
    /// <c>postgres://</c> URL whose provider is not registered, which then fails to open with a message that says so),
    /// false for JSON or folders.</summary>
    public static bool IsIndexed(string location) =>
        FaceIndexProviders.For(location) is not null || FaceIndexProviders.MissingProviderMessage(location) is not null || HnswPath(location) is not null;

    /// <summary>Opens a gallery to read: JSON file, <c>.usearch</c> or a provider's location such as a PostgreSQL URL
    /// (a folder too, when <paramref name="pipeline"/> is given, enrolled in memory).</summary>
    /// <exception cref="BadInputException">Missing, unreadable or invalid gallery.</exception>
    /// <exception cref="NotSupportedException">A <c>postgres://</c> URL and no PostgreSQL provider registered.</exception>
    public static Gallery OpenRead(string location, FacePipeline? pipeline = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (Provider(location) is { } provider) return Gallery.Attach(provider.Open(location, readOnly: true));
        if (HnswPath(location) is { } h) return Gallery.Attach(USearchFaceIndex.Open(h.Path, readOnly: true));
        if (pipeline is not null) return Gallery.Open(pipeline, location);
        return GalleryFile.Load(location);
    }

    /// <summary>Opens (creating when missing) a stored gallery to write into. Refuses, before writing anything, a
    /// gallery built with another model or embedding length.</summary>
    /// <exception cref="BadInputException">Not a stored location, unreachable, wrong schema, or another model.</exception>
    /// <exception cref="NotSupportedException">A <c>postgres://</c> URL and no PostgreSQL provider registered.</exception>
    public static Gallery OpenWrite(string location, string model, float threshold, int dimension, IdentificationRule? rule = null)
    {
        IFaceIndex index = Provider(location) is { } provider ? provider.Open(location, readOnly: false)
            : HnswPath(location) is { } h ? USearchFaceIndex.Open(h.Path, readOnly: false, h.Scalar)
            : throw new ArgumentException($"{location}: not a .usearch path or postgres:// URL", nameof(location));
        try
        {
            if (index.Info is { } info)
            {
                if (info.Model != model) throw new BadInputException($"{index.Location}: the gallery was built with model '{info.Model}', not '{model}'");
                if (info.Dimension != dimension) throw new BadInputException($"{index.Location}: the gallery's embeddings have {info.Dimension} values; model '{model}' gives {dimension}");
                return Gallery.Attach(index);
            }
            var gallery = new Gallery(index, model, threshold, rule);
            return gallery;
        }
        catch
        {
            index.Dispose();
            throw;
        }
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

    private static (string Path, string Scalar)? HnswPath(string location)
    {
        int q = location.IndexOf(".usearch?", StringComparison.OrdinalIgnoreCase);
        if (q >= 0)
        {
            var path = location[..(q + ".usearch".Length)];
            var query = location[(q + ".usearch?".Length)..];
            var scalar = "f32";
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv[0] == "scalar" && kv.Length == 2) scalar = kv[1];
                else throw new BadInputException($"{location}: unknown option '{pair}' (only scalar=f32|f16|i8)");
            }
            return (path, scalar);
        }
        return location.EndsWith(".usearch", StringComparison.OrdinalIgnoreCase) ? (location, "f32") : null;
    }
}
