using System.Threading.Channels;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>
/// <see cref="StreamWatcher"/> on real live sources: ffmpeg sends a ytf-dev clip in real time over UDP (MPEG-TS), the
/// watcher decodes it with ffmpeg and recognises it with the real models. Timeouts only keep a broken run from hanging.
/// </summary>
[TestClass]
public sealed class StreamWatcherTests
{
    private const string Clip = "Aaron_Guiel_5";
    private const string Person = "Aaron_Guiel";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static FacePipeline _pipeline = null!;
    private static Gallery _gallery = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });
        _gallery = Gallery.FromFolder(_pipeline, TestData.DataPath("ytf-dev", "gallery"));
    }

    [ClassCleanup]
    public static void Cleanup() => _pipeline?.Dispose();

    /// <summary>The next event that fits, skipping others (kept in <paramref name="seen"/>); fails when none comes in time.</summary>
    private static async Task<StreamEvent> Next(ChannelReader<StreamEvent> events, List<StreamEvent> seen, Func<StreamEvent, bool> fits, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var e = await events.ReadAsync(timeout.Token);
                seen.Add(e);
                if (fits(e)) return e;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no {what} event; got: {string.Join(", ", seen.Select(e => $"{e.Kind} {e.Person} {e.Reason}"))}");
            throw;
        }
    }

    [TestMethod]
    public async Task KillingTheSourceAndStartingItAgain_Disconnects_Reconnects_AndNamesThePersonAgain()
    {
        var crops = TestData.TempDir("stream-crops");
        int port = StreamSender.FreeUdpPort();
        var events = Channel.CreateUnbounded<StreamEvent>();
        var recognizer = new VideoRecognizer(_pipeline, _gallery);
        var watcher = new StreamWatcher(StreamSource.Parse(StreamSender.Url(port), allowFiles: false), recognizer,
            new StreamWatcherOptions { Name = "hall", CropFolder = crops, ReconnectMax = 5, StallTimeout = TimeSpan.FromSeconds(3), InitialBackoff = TimeSpan.FromSeconds(0.5) },
            e => events.Writer.TryWrite(e));
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        var seen = new List<StreamEvent>();
        var clip = TestData.DataPath("ytf-dev", Clip + ".mp4");

        StreamEvent first;
        using (var sender = StreamSender.Start(clip, port, loop: true))
        {
            first = await Next(events.Reader, seen, e => e.Kind == StreamEventKind.Appeared && e.Person == Person, $"appeared {Person}");
            Assert.AreEqual("hall", first.Stream);
            Assert.IsNotNull(first.Track);
            Assert.IsNotNull(first.Box);
            Assert.IsGreaterThan(0f, first.Confidence!.Value);
            Assert.IsTrue(File.Exists(first.Crop), $"crop {first.Crop}");
            StringAssert.StartsWith(first.Crop, crops);
            var crop = ImageDecoder.Decode(File.ReadAllBytes(first.Crop!), first.Crop!);
            Assert.IsGreaterThan(20, crop.Width, "the crop holds the face");
            Assert.AreEqual(StreamStatus.Live, watcher.Status);
            sender.Kill();
        }

        // The source is gone: the open track leaves, then the watcher says it lost the source.
        var lost = await Next(events.Reader, seen, e => e.Kind == StreamEventKind.Disconnected, "disconnected");
        StringAssert.Contains(lost.Reason, "no frame for 3 s");
        var left = seen.SingleOrDefault(e => e.Kind == StreamEventKind.Left && e.Track == first.Track);
        Assert.IsNotNull(left, "the named track left before the disconnection");
        Assert.AreEqual(Person, left.Person);
        Assert.IsLessThan(seen.IndexOf(lost), seen.IndexOf(left));

        using (StreamSender.Start(clip, port, loop: true))
        {
            await Next(events.Reader, seen, e => e.Kind == StreamEventKind.Reconnected, "reconnected");
            var again = await Next(events.Reader, seen, e => e.Kind == StreamEventKind.Appeared && e.Person == Person, $"appeared {Person} after the reconnection");
            Assert.AreNotEqual(first.Track, again.Track, "a new track after the reconnection");
            Assert.AreNotEqual(first.Crop, again.Crop);
        }
        await stop.CancelAsync();
        await run.WaitAsync(Patience); // ends without throwing
        Assert.AreEqual(StreamStatus.Stopped, watcher.Status);
        Assert.IsGreaterThanOrEqualTo(1, watcher.Reconnects);
        Assert.IsGreaterThan(0L, watcher.Processed);
        Assert.AreEqual(watcher.Events, seen.Count + events.Reader.Count);
        Assert.IsFalse(seen.Any(e => e.Kind == StreamEventKind.Dead), "never dead");
        Directory.Delete(crops, true);
    }

    [TestMethod]
    public async Task ASourceThatNeverSendsAFrame_IsDeadAfterItsAttempts_WithoutAnyDisconnection()
    {
        int port = StreamSender.FreeUdpPort();
        var events = new List<StreamEvent>();
        var watcher = new StreamWatcher(StreamSource.Parse(StreamSender.Url(port), allowFiles: false), new VideoRecognizer(_pipeline, _gallery),
            new StreamWatcherOptions { Name = "silent", ReconnectMax = 2, StallTimeout = TimeSpan.FromSeconds(1), InitialBackoff = TimeSpan.FromSeconds(0.2) },
            events.Add);
        await watcher.RunAsync().WaitAsync(Patience);
        Assert.AreEqual(StreamStatus.Dead, watcher.Status);
        Assert.IsFalse(watcher.EverLive);
        Assert.AreEqual(2, watcher.Reconnects);
        var dead = events.Single();
        Assert.AreEqual(StreamEventKind.Dead, dead.Kind);
        StringAssert.Contains(dead.Reason, "gave up after 2 reconnection attempts (no frame for 1 s)");
        // Back-off: 0.2 s doubling, capped at the maximum.
        Assert.AreEqual(TimeSpan.FromSeconds(0.8), watcher.Backoff(2));
        Assert.AreEqual(TimeSpan.FromSeconds(30), watcher.Backoff(20));
    }

    [TestMethod]
    public async Task ARefusedRtspConnection_IsDeadWithFfmpegsReason()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        var events = new List<StreamEvent>();
        var watcher = new StreamWatcher(StreamSource.Parse($"rtsp://user:pw@127.0.0.1:{port}/cam", allowFiles: false), new VideoRecognizer(_pipeline, _gallery),
            new StreamWatcherOptions { Name = "door", ReconnectMax = 0 }, events.Add);
        await watcher.RunAsync().WaitAsync(Patience);
        var dead = events.Single();
        Assert.AreEqual(StreamEventKind.Dead, dead.Kind);
        StringAssert.Contains(dead.Reason, "Connection refused");
        Assert.IsFalse(dead.Reason!.Contains("pw"), dead.Reason);
        Assert.AreEqual($"rtsp://user:***@127.0.0.1:{port}/cam", watcher.Source.Display);
    }

    [TestMethod]
    public async Task AFilePlayedInRealTime_EndsWithItsTracksLeaving_WhenReconnectingIsOff()
    {
        var events = new List<StreamEvent>();
        var watcher = new StreamWatcher(StreamSource.Parse(TestData.DataPath("ytf-dev", Clip + ".mp4"), allowFiles: true), new VideoRecognizer(_pipeline, _gallery),
            new StreamWatcherOptions { Name = "file", ReconnectMax = 0 }, events.Add);
        await watcher.RunAsync().WaitAsync(Patience);
        var kinds = events.Select(e => e.Kind).ToList();
        var appeared = events.First(e => e.Kind == StreamEventKind.Appeared && e.Person == Person);
        Assert.IsTrue(events.Any(e => e.Kind == StreamEventKind.Left && e.Track == appeared.Track), string.Join(", ", kinds));
        CollectionAssert.AreEqual(new[] { StreamEventKind.Disconnected, StreamEventKind.Dead }, kinds.TakeLast(2).ToArray(), string.Join(", ", kinds));
        Assert.AreEqual("the source ended", events[^2].Reason);
        StringAssert.Contains(events[^1].Reason, "reconnecting is off");
        // Real time: the 132 frames of the clip came at their pace; recognition kept up or dropped the oldest waiting frames.
        Assert.AreEqual(132L, watcher.Frames);
        Assert.AreEqual(watcher.Frames, watcher.Processed + watcher.Dropped);
    }
}
