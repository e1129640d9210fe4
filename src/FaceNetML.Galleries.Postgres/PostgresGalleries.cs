namespace FaceNetML.Recognition;

/// <summary>
/// Makes <c>postgres://user@host:port/db?table=NAME</c> gallery locations work in <see cref="GalleryStore"/> (and so in
/// every command and endpoint that takes a gallery). An application calls <see cref="Register"/> once at start-up; a
/// module initializer would not do, because nothing loads this assembly before the first gallery is opened.
/// </summary>
public static class PostgresGalleries
{
    /// <summary>Registers the PostgreSQL + pgvector provider with <see cref="FaceIndexProviders"/>; calling it again
    /// does nothing.</summary>
    public static void Register() => FaceIndexProviders.Register(new PgVectorFaceIndexProvider());
}
