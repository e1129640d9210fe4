using System.Net;
using System.Net.Sockets;
using FaceNetML.Contracts;
using FaceNetML.Server;

namespace FaceNetML.Tests.Server;

/// <summary>Where stream events go besides the watcher: clients of <c>/v1/events</c> with bounded buffers (a slow one is
/// dropped), and the webhook, whose queue never blocks and whose failures are counted.</summary>
[TestClass]
public sealed class EventBroadcasterTests
{
    private static StreamEventMessage Event(int track, string stream = "hall") =>
        new("appeared", stream, track, "2026-12-05T06:01:02.345Z", track, "Aaron_Guiel", 0.9f, null, null, [1, 2, 3, 4], null);

    [TestMethod]
    public async Task ASlowClientIsDropped_AReadingClientKeepsEveryEvent_AndAFilterKeepsItsStream()
    {
        var broadcaster = new EventBroadcaster(capacity: 4);
        using var slow = broadcaster.Subscribe();
        using var reading = broadcaster.Subscribe();
        using var other = broadcaster.Subscribe("door");
        var received = new List<int>();
        for (int i = 1; i <= 10; i++)
        {
            broadcaster.Publish(Event(i));
            while (reading.Reader.TryRead(out var e)) received.Add(e.Track!.Value);
        }
        CollectionAssert.AreEqual(Enumerable.Range(1, 10).ToArray(), received.ToArray());
        // The slow client got its buffer's worth, then its stream ended: no backlog beyond the capacity.
        var kept = new List<int>();
        await foreach (var e in slow.Reader.ReadAllAsync()) kept.Add(e.Track!.Value);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, kept.ToArray());
        Assert.AreEqual(1L, broadcaster.DroppedClients);
        Assert.AreEqual(2, broadcaster.Clients);
        Assert.IsFalse(other.Reader.TryRead(out _), "a client of another stream gets none of these");
        broadcaster.Publish(Event(11, "door"));
        Assert.AreEqual("door", (await other.Reader.ReadAsync()).Stream);
    }

    [TestMethod]
    public async Task AWebhookThatCannotBeReached_IsCountedAsFailed_AndAFullQueueDropsTheOldest()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        // Nothing listens on the port any more: every POST fails at once.
        using var webhook = new WebhookSender(new Uri($"http://127.0.0.1:{port}/hook"), TimeSpan.FromSeconds(2));
        int events = WebhookSender.QueueCapacity + 500;
        for (int i = 1; i <= events; i++) webhook.Enqueue(Event(i)); // never waits for the receiver
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (webhook.Failed + webhook.Dropped < events && !patience.IsCancellationRequested) await Task.Delay(50);
        Assert.AreEqual(events, webhook.Failed + webhook.Dropped, $"failed {webhook.Failed}, dropped {webhook.Dropped}");
        Assert.AreEqual(0L, webhook.Sent);
        Assert.IsGreaterThanOrEqualTo(1L, webhook.Failed);
    }
}
