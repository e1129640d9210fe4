using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

/// <summary>The core opens postgres:// galleries only through a registered provider, and says which package is missing.</summary>
[TestClass]
public sealed class FaceIndexProvidersTests
{
    private const string Url = "postgres://face:secret@localhost:5432/faces?table=people";

    [TestMethod]
    public void OpenGallery_PostgresUrlWithoutProvider_SaysWhichPackageInOneLine()
    {
        var saved = FaceIndexProviders.Exchange([]);
        try
        {
            // A postgres:// URL is never taken for a JSON file name.
            Assert.ThrowsExactly<NotSupportedException>(() => GalleryStore.OpenIndex(Url, readOnly: false));
            var read = Assert.ThrowsExactly<NotSupportedException>(() => GalleryStore.OpenRead(Url));
            var write = Assert.ThrowsExactly<NotSupportedException>(() => GalleryStore.OpenWrite("postgresql://face@localhost/faces", "mobilefacenet", 1f, 192));
            foreach (var e in new[] { read, write })
            {
                StringAssert.Contains(e.Message, "FaceNetML.Galleries.Postgres");
                StringAssert.Contains(e.Message, "PostgresGalleries.Register()");
                Assert.DoesNotContain("\n", e.Message);
                Assert.DoesNotContain("secret", e.Message);
            }
        }
        finally
        {
            FaceIndexProviders.Exchange(saved);
        }
    }

    [TestMethod]
    public void Register_PostgresProvider_HandlesItsUrlsOnceAndNothingElse()
    {
        var saved = FaceIndexProviders.Exchange([]);
        try
        {
            PostgresGalleries.Register();
            PostgresGalleries.Register();
            Assert.HasCount(1, FaceIndexProviders.Registered);
            Assert.IsInstanceOfType<PgVectorFaceIndexProvider>(FaceIndexProviders.For(Url));
            Assert.IsNotNull(FaceIndexProviders.For("POSTGRESQL://face@localhost/faces"));
            Assert.IsNull(FaceIndexProviders.For("gallery.usearch"));
            Assert.IsNull(FaceIndexProviders.MissingProviderMessage(Url));
            Assert.IsNull(FaceIndexProviders.For("gallery.json"));
        }
        finally
        {
            FaceIndexProviders.Exchange(saved);
        }
    }
}
