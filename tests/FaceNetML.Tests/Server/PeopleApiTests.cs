using System.Net.Http.Json;
using FaceNetML.Server;
using SkiaSharp;

namespace FaceNetML.Tests.Server;

/// <summary>
/// People with their faces on a persistent server (real Kestrel, real models, the embedded index in a data folder):
/// enrolment keeps a thumbnail per face; a new server over the same folder has the people and thumbnails; one face is
/// removed, a person renamed (409 on a taken name) and merged; an in-memory gallery is reported as not persistent;
/// /docs is Scalar's API reference.
/// </summary>
[TestClass]
public sealed class PeopleApiTests
{
    private static FaceServerOptions Persistent(string data) => new() { GalleryPath = Path.Combine(data, "gallery.usearch"), DataFolder = data };

    [TestMethod]
    public async Task PeopleAndThumbnailsSurviveARestartAndEditsFollow()
    {
        var data = TestData.TempDir("people-restart");
        await using (var server = await ServerHost.StartAsync(Persistent(data)))
        {
            using var http = ServerHost.Client(server);
            // Two uploads with one file name are two faces.
            var (status, body) = await ServerHost.Read(await http.PostAsync("/v1/people/Barack%20Obama", ServerHost.Form(
                ("image", "photo.jpg", File.ReadAllBytes(TestData.Photo("obama.jpg"))), ("image", "photo.jpg", File.ReadAllBytes(TestData.Photo("obama2.jpg"))))));
            Assert.AreEqual(200, status, body.ToString());
            Assert.AreEqual(2, body.GetProperty("embeddings").GetInt32());
            (status, body) = await ServerHost.Read(await http.PostAsync("/v1/people/Biden", ServerHost.Form(ServerHost.Photo("image", "biden.jpg"))));
            Assert.AreEqual(200, status, body.ToString());
        }

        await using (var server = await ServerHost.StartAsync(Persistent(data)))
        {
            using var http = ServerHost.Client(server);
            var (status, person) = await ServerHost.Read(await http.GetAsync("/v1/people/Barack%20Obama"));
            Assert.AreEqual(200, status, person.ToString());
            Assert.AreEqual("Barack Obama", person.GetProperty("name").GetString());
            var faces = person.GetProperty("faces").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "photo.jpg", "photo (2).jpg" }, faces.Select(f => f.GetProperty("source").GetString()).ToList());
            foreach (var face in faces)
            {
                var url = face.GetProperty("thumbnail").GetString()!;
                Assert.AreEqual($"/v1/people/Barack%20Obama/faces/{face.GetProperty("id").GetString()}/thumbnail", url);
                var response = await http.GetAsync(url);
                Assert.AreEqual(200, (int)response.StatusCode);
                Assert.AreEqual("image/jpeg", response.Content.Headers.ContentType?.MediaType);
                using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
                Assert.IsNotNull(bitmap, "the thumbnail is not a decodable image");
                Assert.IsTrue(bitmap.Width is >= 100 and <= 124 && bitmap.Height is >= 100 and <= 124, $"{bitmap.Width}x{bitmap.Height}");
            }
            var (_, people) = await ServerHost.Read(await http.GetAsync("/v1/people"));
            var obama = people.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Barack Obama");
            Assert.AreEqual(faces[0].GetProperty("thumbnail").GetString(), obama.GetProperty("thumbnail").GetString());
            await ServerHost.AssertError(await http.GetAsync("/v1/people/Nobody"), 404, "not enrolled");
            await ServerHost.AssertError(await http.GetAsync("/v1/people/Biden/faces/0123456789abcdef/thumbnail"), 404, "no thumbnail");

            // Remove one face: the person keeps the other, and the removed thumbnail is gone.
            string removedId = faces[1].GetProperty("id").GetString()!;
            (status, person) = await ServerHost.Read(await http.DeleteAsync($"/v1/people/Barack%20Obama/faces/{removedId}"));
            Assert.AreEqual(200, status, person.ToString());
            Assert.AreEqual(1, person.GetProperty("faces").GetArrayLength());
            Assert.AreEqual(404, (int)(await http.GetAsync(faces[1].GetProperty("thumbnail").GetString())).StatusCode);
            await ServerHost.AssertError(await http.DeleteAsync($"/v1/people/Barack%20Obama/faces/{removedId}"), 404, "no face");

            // Rename: 409 on a taken name; then the person and thumbnail answer under the new name.
            await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/people/Barack%20Obama/rename", new { to = "Biden" }), 409, "already enrolled");
            await ServerHost.AssertError(await http.PostAsync("/v1/people/Barack%20Obama/rename", new StringContent("to=x")), 415, "application/json");
            (status, person) = await ServerHost.Read(await http.PostAsJsonAsync("/v1/people/Barack%20Obama/rename", new { to = "Obama" }));
            Assert.AreEqual(200, status, person.ToString());
            Assert.AreEqual("Obama", person.GetProperty("name").GetString());
            var thumbnail = person.GetProperty("faces")[0].GetProperty("thumbnail").GetString()!;
            StringAssert.StartsWith(thumbnail, "/v1/people/Obama/faces/");
            Assert.AreEqual(200, (int)(await http.GetAsync(thumbnail)).StatusCode);
            await ServerHost.AssertError(await http.GetAsync("/v1/people/Barack%20Obama"), 404, "not enrolled");

            // Merge: Biden's face goes to Obama; Biden is gone; a missing person is 404.
            await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/people/Biden/merge", new { into = "Nobody" }), 404, "Nobody: not enrolled");
            (status, person) = await ServerHost.Read(await http.PostAsJsonAsync("/v1/people/Biden/merge", new { into = "Obama" }));
            Assert.AreEqual(200, status, person.ToString());
            Assert.AreEqual("Obama", person.GetProperty("name").GetString());
            var merged = person.GetProperty("faces").EnumerateArray().ToList();
            CollectionAssert.AreEquivalent(new[] { "photo.jpg", "biden.jpg" }, merged.Select(f => f.GetProperty("source").GetString()).ToList());
            foreach (var f in merged) Assert.AreEqual(200, (int)(await http.GetAsync(f.GetProperty("thumbnail").GetString())).StatusCode);
            await ServerHost.AssertError(await http.GetAsync("/v1/people/Biden"), 404, "not enrolled");

            // Removing the last faces removes the person: 200 with no faces.
            foreach (var f in merged)
                (status, person) = await ServerHost.Read(await http.DeleteAsync($"/v1/people/Obama/faces/{f.GetProperty("id").GetString()}"));
            Assert.AreEqual(200, status);
            Assert.AreEqual(0, person.GetProperty("faces").GetArrayLength());
            await ServerHost.AssertError(await http.GetAsync("/v1/people/Obama"), 404, "not enrolled");
        }
        Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(data, "thumbnails"), "*", SearchOption.AllDirectories).Any(), "thumbnails of removed faces are deleted");
    }

    [TestMethod]
    public async Task BoxPicksTheFaceAndNonImagesAre415()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { GalleryPath = ServerGallery.Memory });
        using var http = ServerHost.Client(server);
        var (_, health) = await ServerHost.Read(await http.GetAsync("/health"));
        Assert.AreEqual("memory", health.GetProperty("gallery").GetProperty("backend").GetString());
        Assert.AreEqual("memory", health.GetProperty("gallery").GetProperty("location").GetString());
        Assert.IsFalse(health.GetProperty("gallery").GetProperty("persistent").GetBoolean());

        // two_people.jpg: the box around one face enrols that face; the other box, the other person.
        var faces = ServerHost.Pipeline.Detect(FaceNetML.Imaging.ImageDecoder.Decode(TestData.Photo("two_people.jpg")));
        Assert.AreEqual(2, faces.Count);
        var ordered = faces.OrderBy(f => f.Box.X).ToList();
        foreach (var (name, face) in new[] { ("Left", ordered[0]), ("Right", ordered[1]) })
        {
            var form = ServerHost.Form(ServerHost.Photo("image", "two_people.jpg"));
            form.Add(new StringContent(FormattableString.Invariant($"{face.Box.X + 5},{face.Box.Y + 5},{face.Box.Width - 10},{face.Box.Height - 10}")), "box");
            var (status, body) = await ServerHost.Read(await http.PostAsync($"/v1/people/{name}", form));
            Assert.AreEqual(200, status, body.ToString());
            Assert.AreEqual(0, body.GetProperty("warnings").GetArrayLength(), body.ToString());
        }
        var embeddings = ordered.Select(f => ServerHost.Pipeline.EmbedFace(FaceNetML.Imaging.ImageDecoder.Decode(TestData.Photo("two_people.jpg")), f).Embedding).ToList();
        var (_, identified) = await ServerHost.Read(await http.PostAsync("/v1/identify", ServerHost.Form(ServerHost.Photo("image", "two_people.jpg"))));
        var named = identified.GetProperty("faces").EnumerateArray().OrderBy(f => f.GetProperty("box")[0].GetDouble()).Select(f => f.GetProperty("nearest").GetString()).ToList();
        CollectionAssert.AreEqual(new[] { "Left", "Right" }, named, identified.ToString());
        Assert.AreEqual(2, embeddings.Count);

        var bad = ServerHost.Form(ServerHost.Photo("image", "obama.jpg"));
        bad.Add(new StringContent("1,2,three,4"), "box");
        await ServerHost.AssertError(await http.PostAsync("/v1/people/Obama", bad), 400, "box must be");
        await ServerHost.AssertError(await http.PostAsync("/v1/people/Obama", ServerHost.Form(("image", "notes.jpg", "not an image"u8.ToArray()))), 415, "not a supported image");
        await ServerHost.AssertError(await http.PostAsync("/v1/people/Obama", ServerHost.Form(("image", "a.jpg", "not an image"u8.ToArray()), ("image", "b.jpg", "nor this"u8.ToArray()))), 415, "not a supported image");
        await ServerHost.AssertError(await http.PostAsync("/v1/people/Left/merge", new StringContent("<into/>", System.Text.Encoding.UTF8, "application/xml")), 415, "application/json");
    }

    [TestMethod]
    public async Task DocsIsScalarOverTheOpenApiDocumentWithoutAKey()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { ApiKey = "secret" });
        using var http = ServerHost.Client(server);
        var response = await http.GetAsync("/docs");
        Assert.AreEqual(200, (int)response.StatusCode);
        Assert.AreEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        StringAssert.Contains(html, "scalar");
        // Scalar resolves the document's URL against the site's root: /openapi/v1.json, open without a key too.
        StringAssert.Contains(html, "\"url\":\"openapi/v1.json\"");
        Assert.AreEqual(200, (int)(await http.GetAsync("/openapi/v1.json")).StatusCode);
        // The script the page loads is served by the server itself.
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]*scalar[^\"]*\\.js)\"");
        Assert.IsTrue(script.Success, html);
        var js = await http.GetAsync(new Uri(new Uri(server.Address, "/docs/"), script.Groups[1].Value));
        Assert.AreEqual(200, (int)js.StatusCode);
        Assert.AreEqual(401, (int)(await http.GetAsync("/v1/people")).StatusCode);
    }
}
