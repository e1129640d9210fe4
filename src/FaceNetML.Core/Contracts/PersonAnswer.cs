using FaceNetML.Recognition;

namespace FaceNetML.Contracts;

/// <summary>One person with their faces (<c>GET /v1/people/{name}</c> and the answers of the person's edits).</summary>
/// <param name="Name">The person's name.</param>
/// <param name="Faces">The stored faces in enrolment order; empty when the last face was removed.</param>
public sealed record PersonAnswer(string Name, IReadOnlyList<PersonFace> Faces)
{
    /// <summary>The person's faces; <paramref name="thumbnail"/> gives the URL of a face's thumbnail (by source), or null.
    /// A null <paramref name="person"/> (no longer enrolled) has no faces.</summary>
    public static PersonAnswer From(string name, GalleryPerson? person, Func<string, string?> thumbnail)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        if (person is null) return new(name, []);
        return new(person.Name, [.. person.Sources.Select((s, i) => new PersonFace(FaceId.Of(s), s, person.Grayscale[i], thumbnail(s)))]);
    }
}
