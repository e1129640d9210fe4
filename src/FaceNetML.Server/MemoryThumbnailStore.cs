using System.Collections.Concurrent;

namespace FaceNetML.Server;

/// <summary>Thumbnails of an in-memory gallery: lost at exit, as the gallery is.</summary>
public sealed class MemoryThumbnailStore : IThumbnailStore
{
    private readonly ConcurrentDictionary<(string Person, string Face), byte[]> _jpegs = new();

    public void Put(string person, string faceId, byte[] jpeg) => _jpegs[(person, faceId)] = jpeg;

    public byte[]? Get(string person, string faceId) => _jpegs.GetValueOrDefault((person, faceId));

    public bool Has(string person, string faceId) => _jpegs.ContainsKey((person, faceId));

    public void RemoveFace(string person, string faceId) => _jpegs.TryRemove((person, faceId), out _);

    public void RemovePerson(string person)
    {
        foreach (var key in _jpegs.Keys.Where(k => k.Person == person)) _jpegs.TryRemove(key, out _);
    }

    public void Rename(string person, string to) => Merge(person, to);

    public void Merge(string person, string into)
    {
        foreach (var key in _jpegs.Keys.Where(k => k.Person == person))
            if (_jpegs.TryRemove(key, out var jpeg)) _jpegs.TryAdd((into, key.Face), jpeg);
    }

    public void Dispose() { }
}
