namespace FaceNetML.Recognition;

/// <summary>Opens <c>postgres://</c> and <c>postgresql://</c> gallery locations as a <see cref="PgVectorFaceIndex"/>.</summary>
public sealed class PgVectorFaceIndexProvider : IFaceIndexProvider
{
    public bool Handles(string location) => PostgresUrl.Looks(location);

    public IFaceIndex Open(string location, bool readOnly) => PgVectorFaceIndex.Open(location, readOnly);
}
