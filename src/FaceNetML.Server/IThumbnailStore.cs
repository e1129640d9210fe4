namespace FaceNetML.Server;

/// <summary>
/// The JPEG face crops (about 112 px) the server makes at enrolment, keyed by (person, face id) beside the gallery:
/// <see cref="FileThumbnailStore"/> (files under the data folder), <see cref="PostgresThumbnailStore"/> (a table next to
/// a PostgreSQL gallery's tables, so servers sharing the database share them) and <see cref="MemoryThumbnailStore"/>
/// (an in-memory gallery's). Edits follow the gallery's: the server calls them under its write lock, after the gallery
/// change has committed.
/// </summary>
public interface IThumbnailStore : IDisposable
{
    /// <summary>Stores (or replaces) a face's thumbnail.</summary>
    void Put(string person, string faceId, byte[] jpeg);

    /// <summary>A face's thumbnail, or null when none is stored.</summary>
    byte[]? Get(string person, string faceId);

    /// <summary>Whether a face has a thumbnail.</summary>
    bool Has(string person, string faceId);

    /// <summary>Forgets one face's thumbnail.</summary>
    void RemoveFace(string person, string faceId);

    /// <summary>Forgets every thumbnail of a person.</summary>
    void RemovePerson(string person);

    /// <summary>Moves a person's thumbnails to a new name.</summary>
    void Rename(string person, string to);

    /// <summary>Moves a person's thumbnails to another person; a face id <paramref name="into"/> already has keeps its own.</summary>
    void Merge(string person, string into);
}
