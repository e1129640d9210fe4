using System.Text.Json;
using FaceNetML.Recognition;
using FaceNetML.Server;
using FaceNetML.Tests.Cli;
using FaceNetML.Verification;

namespace FaceNetML.Tests.Server;

/// <summary>The HTTP API on a real Kestrel server: same numbers as the CLI, the gallery endpoints, health, metrics, OpenAPI, the key.</summary>
[TestClass]
public sealed class ServerApiTests
{
    private static FaceServer _server = null!;
    private static HttpClient _http = null!;
    private static string _gallery = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _gallery = Path.Combine(TestData.TempDir("server-gallery"), "gallery.json");
        _server = await ServerHost.StartAsync(new FaceServerOptions { GalleryPath = _gallery });
        _http = ServerHost.Client(_server);
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [TestMethod]
    [DataRow("obama.jpg", "obama2.jpg", true)]
    [DataRow("obama.jpg", "biden.jpg", false)]
    public async Task VerifyOverHttpGivesTheCliVerdictAndDistance(string a, string b, bool same)
    {
        var (status, body) = await ServerHost.Read(await _http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", a), ServerHost.Photo("b", b))));
        Assert.AreEqual(200, status, body.ToString());

        var cli = CliRunner.Run("verify", TestData.Photo(a), TestData.Photo(b), "--json");
        Assert.AreEqual(0, cli.ExitCode, cli.Stderr);
        Assert.AreEqual(cli.Json.GetProperty("same").GetBoolean(), body.GetProperty("same").GetBoolean());
        Assert.AreEqual(same, body.GetProperty("same").GetBoolean());
        Assert.AreEqual(cli.Json.GetProperty("distance").GetDouble(), body.GetProperty("distance").GetDouble(), 1e-4);
        Assert.AreEqual(cli.Json.GetProperty("threshold").GetDouble(), body.GetProperty("threshold").GetDouble(), 1e-6);
        Assert.AreEqual(cli.Json.GetProperty("model").GetString(), body.GetProperty("model").GetString());

        // And the library's own distance, unrounded.
        var results = ServerHost.Pipeline.EmbedFiles([TestData.Photo(a), TestData.Photo(b)]);
        float distance = EmbeddingDistance.Euclidean(results[0].Result!.Embedding, results[1].Result!.Embedding);
        Assert.AreEqual(distance, body.GetProperty("distance").GetDouble(), 1e-4);
        foreach (var side in new[] { "a", "b" })
        {
            var box = body.GetProperty("faces").GetProperty(side).EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.AreEqual(4, box.Length);
            Assert.IsTrue(box[2] > 50 && box[3] > 50, $"face box of {side}: {string.Join(",", box)}");
        }
    }

    [TestMethod]
    public async Task DetectFindsTwoFacesWithLandmarks()
    {
        var (status, body) = await ServerHost.Read(await _http.PostAsync("/v1/detect", ServerHost.Form(ServerHost.Photo("image", "two_people.jpg"))));
        Assert.AreEqual(200, status, body.ToString());
        var faces = body.GetProperty("faces").EnumerateArray().ToList();
        Assert.AreEqual(2, faces.Count);
        foreach (var f in faces)
        {
            Assert.AreEqual(4, f.GetProperty("box").GetArrayLength());
            Assert.AreEqual(5, f.GetProperty("landmarks").GetArrayLength());
            Assert.IsTrue(f.GetProperty("score").GetSingle() > 0.9f);
        }
    }

    [TestMethod]
    public async Task EmbedSeveralImagesKeepsTheGoodOnesAndReportsTheBadOne()
    {
        var form = ServerHost.Form(ServerHost.Photo("image", "obama.jpg"), ("image", "notes.jpg", "not an image"u8.ToArray()), ServerHost.Photo("image", "biden.jpg"));
        var (status, body) = await ServerHost.Read(await _http.PostAsync("/v1/embed", form));
        Assert.AreEqual(200, status, body.ToString());
        var rows = body.GetProperty("results").EnumerateArray().ToList();
        Assert.AreEqual(3, rows.Count);
        var library = ServerHost.Pipeline.EmbedFiles([TestData.Photo("obama.jpg")])[0].Result!.Embedding;
        var http = rows[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.AreEqual(library.Length, http.Length);
        for (int i = 0; i < http.Length; i++) Assert.AreEqual(library[i], http[i], 1e-6);
        StringAssert.Contains(rows[1].GetProperty("error").GetString(), "not a supported image");
        Assert.AreEqual(192, rows[2].GetProperty("embedding").GetArrayLength());
    }

    [TestMethod]
    public async Task PeopleAreEnrolledIdentifiedSavedAndRemoved()
    {
        foreach (var (name, photo) in new[] { ("Barack Obama", "obama.jpg"), ("Joe Biden", "biden.jpg") })
        {
            var (s, enrolled) = await ServerHost.Read(await _http.PostAsync($"/v1/people/{Uri.EscapeDataString(name)}", ServerHost.Form(ServerHost.Photo("image", photo))));
            Assert.AreEqual(200, s, enrolled.ToString());
            Assert.AreEqual(1, enrolled.GetProperty("added").GetInt32());
        }
        var (_, people) = await ServerHost.Read(await _http.GetAsync("/v1/people"));
        CollectionAssert.AreEquivalent(new[] { "Barack Obama", "Joe Biden" }, people.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList());
        Assert.AreEqual(2, Gallery.Load(_gallery).People.Count, "saved after each change");

        var (status, found) = await ServerHost.Read(await _http.PostAsync("/v1/identify", ServerHost.Form(ServerHost.Photo("image", "obama2.jpg"))));
        Assert.AreEqual(200, status, found.ToString());
        var face = found.GetProperty("faces").EnumerateArray().Single();
        Assert.AreEqual("Barack Obama", face.GetProperty("person").GetString(), face.ToString());
        Assert.IsTrue(face.GetProperty("confidence").GetSingle() is > 0 and <= 1);

        // The same answer as the library's identification against the saved gallery.
        var image = FaceNetML.Imaging.ImageDecoder.Decode(TestData.Photo("obama2.jpg"));
        var expected = Gallery.Load(_gallery).Identify(FaceProbe.From(ServerHost.Pipeline.EmbedAll(image).Single()));
        Assert.AreEqual(expected.Confidence, face.GetProperty("confidence").GetSingle(), 1e-4);

        Assert.AreEqual(200, (int)(await _http.DeleteAsync($"/v1/people/{Uri.EscapeDataString("Joe Biden")}")).StatusCode);
        await ServerHost.AssertError(await _http.DeleteAsync($"/v1/people/{Uri.EscapeDataString("Joe Biden")}"), 404, "not enrolled");
        Assert.AreEqual("Barack Obama", Gallery.Load(_gallery).People.Single().Name);
        await ServerHost.AssertError(await _http.PostAsync("/v1/people/nobody", ServerHost.Form(("image", "blank.png", ServerHost.BlankPng()))), 422, "no face");
    }

    [TestMethod]
    public async Task HealthMetricsAndOpenApiAnswer()
    {
        await ServerHost.AssertHealthy(_http);
        await _http.PostAsync("/v1/detect", ServerHost.Form(ServerHost.Photo("image", "obama.jpg")));
        var metrics = await _http.GetStringAsync("/metrics");
        StringAssert.Contains(metrics, "facenetml_inference_seconds_count{endpoint=\"detect\"}");
        StringAssert.Contains(metrics, "http_requests_received_total");
        using var openApi = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        foreach (var p in new[] { "/v1/verify", "/v1/detect", "/v1/embed", "/v1/identify", "/v1/people", "/v1/people/{name}", "/health" })
            Assert.IsTrue(paths.TryGetProperty(p, out _), p);
        var page = await _http.GetStringAsync("/");
        StringAssert.Contains(page, "verify-run");
    }

    [TestMethod]
    public async Task AKeyedServerRefusesRequestsWithoutTheKey()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { ApiKey = "s3cret-key" });
        using var http = ServerHost.Client(server);
        await ServerHost.AssertError(await http.GetAsync("/v1/people"), 401, "missing API key");
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/people") { Headers = { { "X-API-Key", "guess" } } };
        await ServerHost.AssertError(await http.SendAsync(wrong), 401, "wrong API key");
        var right = new HttpRequestMessage(HttpMethod.Get, "/v1/people") { Headers = { { "X-API-Key", "s3cret-key" } } };
        Assert.AreEqual(200, (int)(await http.SendAsync(right)).StatusCode);
        await ServerHost.AssertHealthy(http);
    }

    [TestMethod]
    public async Task WithEverySlotBusyAndTheQueueFullARequestGets429()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { InferenceSlots = 1, QueueLimit = 0 });
        using var http = ServerHost.Client(server);
        HttpContent Pair() => ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg"));
        var busy = await server.Service.Gate.EnterAsync(CancellationToken.None); // the one slot, held as a long request would
        var response = await http.PostAsync("/v1/verify", Pair());
        Assert.AreEqual("1", response.Headers.RetryAfter?.ToString());
        await ServerHost.AssertError(response, 429, "overloaded");
        await ServerHost.AssertHealthy(http);
        busy.Dispose();
        Assert.AreEqual(200, (int)(await http.PostAsync("/v1/verify", Pair())).StatusCode);
    }

    [TestMethod]
    public async Task ARequestOverItsTimeLimitGets503AndTheServerGoesOn()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(1) });
        using var http = ServerHost.Client(server);
        await ServerHost.AssertError(await http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg"))), 503, "timed out");
        await ServerHost.AssertHealthy(http);
    }
}
