using System.Security.Cryptography;
using System.Text;

namespace FaceNetML.Server;

/// <summary>
/// Thumbnails as files: <c>FOLDER/HASH/ID.jpg</c>, where HASH is the SHA-256 of the person's name (hex) and ID the face
/// id (hex). Neither a person's name nor an upload's file name becomes part of a path, so every file stays inside the
/// folder whatever they hold ("../x", slashes, unicode, any length). Each file is written to a temporary name and moved
/// into place.
/// </summary>
public sealed class FileThumbnailStore : IThumbnailStore
{
    public FileThumbnailStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder that holds every thumbnail.</summary>
    public string Folder { get; }

    public void Put(string person, string faceId, byte[] jpeg)
    {
        var path = FilePath(person, faceId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, jpeg);
        File.Move(temp, path, overwrite: true);
    }

    public byte[]? Get(string person, string faceId)
    {
        if (!IsFaceId(faceId)) return null;
        try { return File.ReadAllBytes(FilePath(person, faceId)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }

    public bool Has(string person, string faceId) => IsFaceId(faceId) && File.Exists(FilePath(person, faceId));

    public void RemoveFace(string person, string faceId)
    {
        if (!IsFaceId(faceId)) return;
        File.Delete(FilePath(person, faceId));
        var folder = PersonFolder(person);
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    public void RemovePerson(string person)
    {
        var folder = PersonFolder(person);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    public void Rename(string person, string to) => Merge(person, to);

    public void Merge(string person, string into)
    {
        var from = PersonFolder(person);
        if (!Directory.Exists(from)) return;
        var target = PersonFolder(into);
        if (!Directory.Exists(target))
        {
            Directory.Move(from, target);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(from, "*.jpg"))
        {
            var there = Path.Combine(target, Path.GetFileName(file));
            if (!File.Exists(there)) File.Move(file, there);
        }
        Directory.Delete(from, recursive: true);
    }

    public void Dispose() { }

    /// <summary>The file of a face's thumbnail: always inside <see cref="Folder"/>.</summary>
    public string FilePath(string person, string faceId)
    {
        if (!IsFaceId(faceId)) throw new ArgumentException($"not a face id: {faceId}", nameof(faceId));
        return Path.Combine(PersonFolder(person), faceId + ".jpg");
    }

    private string PersonFolder(string person) =>
        Path.Combine(Folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(person))));

    /// <summary>Face ids are 16 lowercase hex digits (<see cref="Recognition.FaceId"/>).</summary>
    public static bool IsFaceId(string? id) => id is { Length: 16 } && id.All(char.IsAsciiHexDigitLower);
}
