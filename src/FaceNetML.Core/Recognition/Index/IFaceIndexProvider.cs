namespace FaceNetML.Recognition;

/// <summary>
/// A stored gallery backend that lives in its own package (such as PostgreSQL + pgvector in
/// FaceNetML.Galleries.Postgres): it recognises the locations it serves and opens them as an <see cref="IFaceIndex"/>.
/// <see cref="GalleryStore"/> asks the providers in <see cref="FaceIndexProviders"/> before its built-in backends.
/// </summary>
public interface IFaceIndexProvider
{
    /// <summary>True when <paramref name="location"/> (a <c>--gallery</c> string) is one this backend serves.</summary>
    bool Handles(string location);

    /// <summary>Opens the gallery at <paramref name="location"/>; unless <paramref name="readOnly"/>, a missing store
    /// is created on the first write.</summary>
    /// <exception cref="BadInputException">Bad location, unreachable store, or (read-only) no such gallery.</exception>
    IFaceIndex Open(string location, bool readOnly);
}
