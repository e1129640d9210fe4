using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using FaceNetML.Server;
using FaceNetML.Tests.Video;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FaceNetML.Tests.Server;

/// <summary>
/// Live streams on a real server: a UDP source fed by ffmpeg in real time is added with <c>POST /v1/streams</c>, its
/// events are read as server-sent events from <c>GET /v1/events</c> and received by a webhook (a small Kestrel app of
/// the test), with the real models. Timeouts only keep a broken run from hanging.
/// </summary>
[TestClass]
public sealed class StreamApiTests
{
    private const string Person = "Aaron_Guiel";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>A webhook receiver on a free loopback port: every JSON body POSTed to <c>/hook</c>.</summary>
    private sealed class HookReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private HookReceiver(WebApplication app) => _app = app;

        public Channel<JsonElement> Received { get; } = Channel.CreateUnbounded<JsonElement>();

        public string Url => new Uri(new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook").ToString();

        public static async Task<HookReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new HookReceiver(app);
            app.MapPost("/hook", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body);
                receiver.Received.Writer.TryWrite(body.RootElement.Clone());
                return Results.NoContent();
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<JsonElement> Next(IAsyncEnumerator<JsonElement> events, List<string> seen, Func<JsonElement, bool> fits, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (await events.MoveNextAsync().AsTask().WaitAsync(timeout.Token).ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
        {
            seen.Add(events.Current.ToString());
            if (fits(events.Current)) return events.Current;
        }
        Assert.Fail($"no {what}; got:\n{string.Join("\n", seen)}");
        return default;
    }

    private static async IAsyncEnumerable<JsonElement> Sse(Stream body)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
            yield return JsonDocument.Parse(item.Data).RootElement.Clone();
    }

    private static async IAsyncEnumerable<JsonElement> Hooks(ChannelReader<JsonElement> reader)
    {
        await foreach (var e in reader.ReadAllAsync()) yield return e;
    }

    private static bool AppearedPerson(JsonElement e) =>
        e.GetProperty("type").GetString() == "appeared" && e.GetProperty("person").GetString() == Person;

    [TestMethod]
    public async Task AStreamAddedOverHttp_SendsItsEventsToEventSourceClientsAndTheWebhook()
    {
        await using var hook = await HookReceiver.StartAsync();
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { Webhook = hook.Url, AllowFileStreams = true, StreamReconnectMax = 0 });
        using var http = ServerHost.Client(server);
        var photo = Directory.GetFiles(TestData.DataPath("ytf-dev", "gallery", Person))[0];
        var enrolled = await http.PostAsync($"/v1/people/{Person}", ServerHost.Form(("image", Path.GetFileName(photo), File.ReadAllBytes(photo))));
        Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());

        // Refusals: a scheme ffmpeg must not be pointed at, a name that cannot be a path, not JSON.
        await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/streams", new { url = "ftp://example.com/cam", name = "bad" }), 422, "unsupported stream scheme 'ftp'");
        await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/streams", new { url = "udp://127.0.0.1:5000", name = "../x" }), 400, "stream name");
        await ServerHost.AssertError(await http.PostAsync("/v1/streams", new StringContent("udp://127.0.0.1:5000")), 415, "application/json");

        using var events = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/events"), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(200, (int)events.StatusCode);
        Assert.AreEqual("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        await using var sse = Sse(await events.Content.ReadAsStreamAsync()).GetAsyncEnumerator();

        int port = StreamSender.FreeUdpPort();
        var (status, added) = await ServerHost.Read(await http.PostAsJsonAsync("/v1/streams", new { url = StreamSender.Url(port), name = "hall" }));
        Assert.AreEqual(200, status, added.ToString());
        Assert.AreEqual("hall", added.GetProperty("name").GetString());
        Assert.IsTrue(added.GetProperty("status").GetString() is "connecting" or "live", added.ToString());
        await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/streams", new { url = StreamSender.Url(port), name = "hall" }), 409, "already watched");

        var seen = new List<string>();
        using var sender = StreamSender.Start(TestData.DataPath("ytf-dev", "Aaron_Guiel_5.mp4"), port, loop: true);
        var appeared = await Next(sse, seen, AppearedPerson, $"appeared {Person} on /v1/events");
        Assert.AreEqual("hall", appeared.GetProperty("stream").GetString());
        var cropUrl = appeared.GetProperty("cropUrl").GetString()!;
        StringAssert.StartsWith(cropUrl, "/v1/streams/hall/crops/");
        var crop = await http.GetAsync(cropUrl);
        Assert.AreEqual(200, (int)crop.StatusCode);
        Assert.AreEqual("image/jpeg", crop.Content.Headers.ContentType?.MediaType);
        Assert.IsGreaterThan(20, FaceNetML.Imaging.ImageDecoder.Decode(await crop.Content.ReadAsByteArrayAsync(), "crop").Width);

        await using var hooks = Hooks(hook.Received.Reader).GetAsyncEnumerator();
        var posted = await Next(hooks, [], AppearedPerson, $"appeared {Person} at the webhook");
        Assert.AreEqual(appeared.GetProperty("track").GetInt32(), posted.GetProperty("track").GetInt32());

        var (_, list) = await ServerHost.Read(await http.GetAsync("/v1/streams"));
        var hall = list.GetProperty("streams").EnumerateArray().Single();
        Assert.AreEqual("live", hall.GetProperty("status").GetString(), hall.ToString());
        Assert.IsGreaterThan(0L, hall.GetProperty("frames").GetInt64());
        Assert.AreEqual("udp://127.0.0.1:" + port, hall.GetProperty("url").GetString());

        // The receiver has the event before the sender has its answer: wait for the sender to count it.
        string metrics;
        using (var patience = new CancellationTokenSource(Patience))
            while (!(metrics = await http.GetStringAsync("/metrics")).Contains("facenetml_webhook_posts_total{result=\"sent\"}") && !patience.IsCancellationRequested)
                await Task.Delay(100);
        StringAssert.Contains(metrics, "facenetml_stream_frames_total{stream=\"hall\"}");
        StringAssert.Contains(metrics, "facenetml_stream_dropped_frames_total{stream=\"hall\"}");
        StringAssert.Contains(metrics, "facenetml_stream_events_total{stream=\"hall\",type=\"appeared\"}");
        StringAssert.Contains(metrics, "facenetml_webhook_posts_total{result=\"sent\"}");
        StringAssert.Contains(metrics, "facenetml_event_clients ");

        // A source ffmpeg cannot read, with no reconnection allowed: dead, and /health says so.
        var (deadStatus, _) = await ServerHost.Read(await http.PostAsJsonAsync("/v1/streams", new { url = Path.Combine(TestData.RepoRoot, "README.md"), name = "broken" }));
        Assert.AreEqual(200, deadStatus);
        var dead = await Next(sse, seen, e => e.GetProperty("type").GetString() == "dead" && e.GetProperty("stream").GetString() == "broken", "dead event of 'broken'");
        Assert.IsFalse(string.IsNullOrEmpty(dead.GetProperty("reason").GetString()));
        var (_, health) = await ServerHost.Read(await http.GetAsync("/health"));
        CollectionAssert.AreEqual(new[] { "broken" }, health.GetProperty("deadStreams").EnumerateArray().Select(s => s.GetString()).ToArray(), health.ToString());

        var (removedStatus, removed) = await ServerHost.Read(await http.DeleteAsync("/v1/streams/hall"));
        Assert.AreEqual(200, removedStatus, removed.ToString());
        Assert.AreEqual("hall", removed.GetProperty("name").GetString());
        await ServerHost.AssertError(await http.DeleteAsync("/v1/streams/hall"), 404, "no stream named 'hall'");
        await http.DeleteAsync("/v1/streams/broken");
        var (_, after) = await ServerHost.Read(await http.GetAsync("/v1/streams"));
        Assert.AreEqual(0, after.GetProperty("streams").GetArrayLength());
        await ServerHost.AssertHealthy(http);
    }

    [TestMethod]
    public async Task FilesAreRefusedUnlessAllowed_AndTheKeyGuardsTheStreams()
    {
        var keyFile = Path.Combine(TestData.TempDir("stream-key"), "key.txt");
        await File.WriteAllTextAsync(keyFile, "k3y\n");
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { ApiKey = ApiKeyCheck.ReadKeyFile(keyFile) });
        using var http = ServerHost.Client(server);
        await ServerHost.AssertError(await http.GetAsync("/v1/streams"), 401, "missing API key");
        await ServerHost.AssertError(await http.GetAsync("/v1/events"), 401, "missing API key");
        http.DefaultRequestHeaders.Add("X-API-Key", "k3y");
        await ServerHost.AssertError(await http.PostAsJsonAsync("/v1/streams", new { url = TestData.DataPath("ytf-dev", "Aaron_Guiel_5.mp4"), name = "file" }), 422,
            "local files are not allowed");
        await ServerHost.AssertError(await http.GetAsync("/v1/streams/file/crops/..%2F..%2Fetc%2Fpasswd"), 404, "no crop");

        // EventSource cannot send headers: the event stream takes the key in the query.
        using var anonymous = ServerHost.Client(server);
        using var events = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/events?key=k3y"), HttpCompletionOption.ResponseHeadersRead);
        Assert.AreEqual(200, (int)events.StatusCode);
        Assert.AreEqual("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        await ServerHost.AssertError(await anonymous.GetAsync("/v1/streams?key=k3y"), 401, "missing API key");
    }
}
