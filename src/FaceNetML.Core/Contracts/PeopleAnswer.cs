using FaceNetML.Recognition;

namespace FaceNetML.Contracts;

/// <summary>The gallery's people (<c>GET /v1/people</c>).</summary>
/// <param name="Model">The embedding model the gallery was built with.</param>
/// <param name="People">The enrolled people, in enrolment order.</param>
public sealed record PeopleAnswer(string Model, IReadOnlyList<PersonSummary> People)
{
    public static PeopleAnswer From(Gallery gallery) => From(gallery, (_, _) => null);

    /// <summary>The gallery's people; <paramref name="thumbnail"/> gives the URL of a (person, source) face's thumbnail, or null.</summary>
    public static PeopleAnswer From(Gallery gallery, Func<string, string, string?> thumbnail)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(thumbnail);
        return new(gallery.Model, [.. gallery.People.Select(p => new PersonSummary(p.Name, p.Embeddings.Count, thumbnail(p.Name, p.Sources[0])))]);
    }
}
