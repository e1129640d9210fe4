using FaceNetML.Server;
using FaceNetML.Tests.Recognition;
using SkiaSharp;

namespace FaceNetML.Tests.Server;

/// <summary>Two servers over one PostgreSQL gallery (PGlite with pgvector): what one enrols, with its thumbnails, the
/// other lists and serves; edits made on one are seen by the other.</summary>
[TestClass]
public sealed class SharedPostgresGalleryTests
{
    [TestMethod]
    public async Task TwoServersShareThePeopleAndTheirThumbnails()
    {
        using var pg = new PgliteServer();
        var url = pg.Url("shared");
        await using var a = await ServerHost.StartAsync(new FaceServerOptions { GalleryPath = url });
        await using var b = await ServerHost.StartAsync(new FaceServerOptions { GalleryPath = url });
        using var httpA = ServerHost.Client(a);
        using var httpB = ServerHost.Client(b);
        var (_, health) = await ServerHost.Read(await httpB.GetAsync("/health"));
        Assert.AreEqual("pgvector", health.GetProperty("gallery").GetProperty("backend").GetString());
        Assert.IsTrue(health.GetProperty("gallery").GetProperty("persistent").GetBoolean());

        var (status, body) = await ServerHost.Read(await httpA.PostAsync("/v1/people/Obama", ServerHost.Form(ServerHost.Photo("image", "obama.jpg"), ServerHost.Photo("image", "obama2.jpg"))));
        Assert.AreEqual(200, status, body.ToString());
        var (_, person) = await ServerHost.Read(await httpB.GetAsync("/v1/people/Obama"));
        Assert.AreEqual(2, person.GetProperty("faces").GetArrayLength(), person.ToString());
        foreach (var face in person.GetProperty("faces").EnumerateArray())
        {
            var response = await httpB.GetAsync(face.GetProperty("thumbnail").GetString());
            Assert.AreEqual(200, (int)response.StatusCode);
            using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.IsNotNull(bitmap);
            Assert.AreEqual(PeopleEndpoints.ThumbnailSize, bitmap.Width);
        }

        (status, person) = await ServerHost.Read(await httpB.PostAsync("/v1/people/Obama/rename", System.Net.Http.Json.JsonContent.Create(new { to = "Barack Obama" })));
        Assert.AreEqual(200, status, person.ToString());
        var (_, seen) = await ServerHost.Read(await httpA.GetAsync("/v1/people/Barack%20Obama"));
        var thumbnail = seen.GetProperty("faces")[0].GetProperty("thumbnail").GetString()!;
        Assert.AreEqual(200, (int)(await httpA.GetAsync(thumbnail)).StatusCode);
    }
}
