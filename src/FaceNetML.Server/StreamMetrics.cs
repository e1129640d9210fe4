using Prometheus;

namespace FaceNetML.Server;

/// <summary>The Prometheus metrics of watched streams, server-sent event clients and the webhook (beside
/// <see cref="ServerMetrics"/>). Frame counters are brought up to the watchers' own counts before each scrape.</summary>
public static class StreamMetrics
{
    public static readonly Counter Frames = Metrics.CreateCounter("facenetml_stream_frames_total",
        "Frames decoded from a watched stream", new CounterConfiguration { LabelNames = ["stream"] });

    public static readonly Counter Dropped = Metrics.CreateCounter("facenetml_stream_dropped_frames_total",
        "Frames of a watched stream dropped because recognition was behind", new CounterConfiguration { LabelNames = ["stream"] });

    public static readonly Counter Events = Metrics.CreateCounter("facenetml_stream_events_total",
        "Events of a watched stream, by type", new CounterConfiguration { LabelNames = ["stream", "type"] });

    public static readonly Gauge EventClients = Metrics.CreateGauge("facenetml_event_clients", "Clients reading GET /v1/events");

    public static readonly Counter SlowClients = Metrics.CreateCounter("facenetml_event_clients_dropped_total",
        "Clients of GET /v1/events dropped because their buffer of events was full");

    public static readonly Counter Webhook = Metrics.CreateCounter("facenetml_webhook_posts_total",
        "Events for the webhook, by result: sent, failed (an error status, a timeout, no connection) or dropped (the queue was full)",
        new CounterConfiguration { LabelNames = ["result"] });

    /// <summary>Forgets a removed stream's series.</summary>
    public static void Remove(string stream)
    {
        Frames.RemoveLabelled(stream);
        Dropped.RemoveLabelled(stream);
        foreach (var type in Enum.GetValues<Video.StreamEventKind>())
            Events.RemoveLabelled(stream, Contracts.StreamEventMessage.Name(type));
    }
}
