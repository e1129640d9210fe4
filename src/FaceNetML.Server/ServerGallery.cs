using FaceNetML.Recognition;
using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>
/// The server's one gallery, guarded by a reader-writer lock (identification reads, enrolment and removal write:
/// <see cref="Gallery"/> is not safe to change while it is read). Any gallery location works: a JSON file is loaded at
/// start when present and saved after every change (an emptied gallery removes the file: the format holds at least one
/// person); a <c>.usearch</c> file or a <c>postgres://</c> URL stores each enrolment as one unit itself.
/// </summary>
public sealed class ServerGallery : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Gallery _gallery;
    private readonly bool _stored;

    public ServerGallery(string? path, string model, float threshold, int embeddingSize)
    {
        Path = path;
        _stored = path is not null && Recognition.GalleryStore.IsIndexed(path);
        // A .usearch file or postgres:// gallery keeps each change itself; a JSON file is rewritten after each change.
        _gallery = _stored ? Recognition.GalleryStore.OpenWrite(path!, model, threshold, embeddingSize)
            : path is not null && File.Exists(path) ? Gallery.Load(path) : new Gallery(model, threshold);
        _gallery.CheckModel(model, embeddingSize);
        ServerMetrics.People.Set(_gallery.People.Count);
    }

    /// <summary>The gallery file, or null for an in-memory gallery.</summary>
    public string? Path { get; }

    /// <summary>Runs a read (identification, listing) under the read lock.</summary>
    public T Read<T>(Func<Gallery, T> read)
    {
        _lock.EnterReadLock();
        try { return read(_gallery); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Changes the gallery under the write lock and saves it.</summary>
    public T Change<T>(Func<Gallery, T> change)
    {
        _lock.EnterWriteLock();
        try
        {
            var result = change(_gallery);
            Save();
            ServerMetrics.People.Set(_gallery.People.Count);
            return result;
        }
        finally { _lock.ExitWriteLock(); }
    }

    private void Save()
    {
        if (Path is null || _stored) return;
        if (_gallery.People.Count > 0) _gallery.Save(Path);
        else if (File.Exists(Path)) File.Delete(Path);
    }

    /// <summary>Refuses names that cannot be a person's: empty, over 100 characters, control characters, slashes.</summary>
    public static string CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ApiException(StatusCodes.Status400BadRequest, "a person needs a non-empty name");
        name = name.Trim();
        if (name.Length > 100) throw new ApiException(StatusCodes.Status400BadRequest, "a person's name has at most 100 characters");
        if (name.Any(char.IsControl) || name.Contains('/') || name.Contains('\\'))
            throw new ApiException(StatusCodes.Status400BadRequest, "a person's name may not hold control characters or slashes");
        return name;
    }

    public void Dispose()
    {
        _gallery.Dispose();
        _lock.Dispose();
    }
}
