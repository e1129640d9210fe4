using System.Security.Cryptography;
using System.Text;

namespace FaceNetML.Recognition;

/// <summary>The stable id of a stored face: the first 16 hex digits of the SHA-256 of its source. A person's sources are
/// unique (every backend keeps one face per (person, source)), so the id names one face of that person on every backend
/// and survives a restart, a rename and a merge.</summary>
public static class FaceId
{
    public static string Of(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
    }

    /// <summary>The source of <paramref name="person"/>'s face with id <paramref name="id"/>, or null.</summary>
    public static string? SourceOf(GalleryPerson person, string id)
    {
        ArgumentNullException.ThrowIfNull(person);
        return person.Sources.FirstOrDefault(s => Of(s) == id);
    }
}
