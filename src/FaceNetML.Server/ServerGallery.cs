using FaceNetML.Contracts;
using FaceNetML.Recognition;
using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>
/// The server's one gallery, guarded by a reader-writer lock (identification reads, enrolment and removal write:
/// <see cref="Gallery"/> is not safe to change while it is read). Any gallery location works, opened through
/// <see cref="Recognition.GalleryStore"/>: a JSON file is saved after every change (an emptied gallery removes the file);
/// a <c>.usearch</c> file or a <c>postgres://</c> URL stores each enrolment as one unit itself. Without a location (or
/// with <c>:memory:</c>) the gallery lives in memory. Beside it, the faces' thumbnails (<see cref="IThumbnailStore"/>):
/// files under the data folder (or <c>GALLERY.thumbnails/</c> beside a gallery file), a table next to a PostgreSQL
/// gallery's tables, or memory.
/// </summary>
public sealed class ServerGallery : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Gallery _gallery;

    /// <summary>The gallery location meaning an in-memory gallery.</summary>
    public const string Memory = ":memory:";

    public ServerGallery(string? path, string model, float threshold, int embeddingSize, string? dataFolder = null)
    {
        if (path == Memory) path = null;
        Path = path;
        _gallery = path is not null ? Recognition.GalleryStore.OpenWrite(path, model, threshold, embeddingSize) : new Gallery(model, threshold);
        try
        {
            _gallery.CheckModel(model, embeddingSize);
            Thumbnails = path is null ? new MemoryThumbnailStore()
                : PostgresUrl.Looks(path) ? new PostgresThumbnailStore(path)
                : new FileThumbnailStore(dataFolder is not null ? System.IO.Path.Combine(dataFolder, "thumbnails") : path + ".thumbnails");
        }
        catch
        {
            _gallery.Dispose();
            throw;
        }
        ServerMetrics.People.Set(_gallery.PersonCount);
    }

    /// <summary>The gallery file, or null for an in-memory gallery.</summary>
    public string? Path { get; }

    /// <summary>The faces' thumbnails; change them only inside <see cref="Change{T}"/>.</summary>
    public IThumbnailStore Thumbnails { get; }

    /// <summary>The backend, location and persistence reported by <c>/health</c>.</summary>
    public GallerySummary Summary => Path is null
        ? new("memory", "memory", false)
        : new(_gallery.Index.Backend, _gallery.Index.Location, true);

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
            ServerMetrics.People.Set(_gallery.PersonCount);
            return result;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Makes the change durable where the backend does not already (a JSON file is written whole).</summary>
    private void Save()
    {
        if (!_gallery.Index.DurableWrites) _gallery.Flush();
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
        Thumbnails.Dispose();
        _gallery.Dispose();
        _lock.Dispose();
    }
}
