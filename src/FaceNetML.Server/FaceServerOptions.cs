using FaceNetML.Pipeline;

namespace FaceNetML.Server;

/// <summary>Where <c>facenetml serve</c> listens and the limits it keeps. The pixel budget is the decoder's
/// process-wide <see cref="Imaging.ImageDecoder.MaxPixels"/> (<c>--max-megapixels</c>, default 50 MP).</summary>
public sealed record FaceServerOptions
{
    /// <summary>Address to listen on (default loopback only).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (tests, <c>bench serve</c>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Gallery for identify and <c>/v1/people</c>: any location <see cref="Recognition.GalleryStore"/> opens (a JSON
    /// or <c>.usearch</c> file, a <c>postgres://</c> URL). Null or <c>:memory:</c>: an in-memory gallery, lost at exit.</summary>
    public string? GalleryPath { get; init; }

    /// <summary>The data folder whose <c>thumbnails/</c> holds the faces' thumbnails of a file gallery (null: a
    /// <c>GALLERY.thumbnails</c> folder beside the gallery file).</summary>
    public string? DataFolder { get; init; }

    /// <summary>When set, every <c>/v1/</c> request needs it in <c>X-API-Key</c> (or <c>Authorization: Bearer</c>); else 401.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest request body, bytes (Kestrel and the multipart reader); beyond it, 413.</summary>
    public long MaxBodyBytes { get; init; } = 32L << 20;

    /// <summary>Requests running inference at once.</summary>
    public int InferenceSlots { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Requests that may wait for a slot; one more gets 429.</summary>
    public int QueueLimit { get; init; } = 64;

    /// <summary>Longest a request may take from the end of its upload to its answer (waiting for a slot included); beyond it,
    /// 503. A slow upload is bounded by Kestrel's minimum data rate instead: answering before the body is read would reset
    /// the client's connection mid-send rather than give it the 503.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Limits, workers, queue and retention of the video jobs (<c>/v1/videos</c>).</summary>
    public VideoJobOptions Videos { get; init; } = new();

    /// <summary>Model, detector and store of the one warm pipeline.</summary>
    public FacePipelineOptions Pipeline { get; init; } = new() { Parallelism = 1 };

    /// <summary>An http(s) URL that receives every stream event as a JSON POST (<see cref="WebhookSender"/>); null: none.</summary>
    public string? Webhook { get; init; }

    /// <summary>Whether <c>POST /v1/streams</c> may name a local file (played in real time); off by default, since a
    /// client could otherwise make the server read its disk.</summary>
    public bool AllowFileStreams { get; init; }

    /// <summary>Reconnection attempts of a watched stream before it is dead (<see cref="Video.StreamWatcherOptions.ReconnectMax"/>).</summary>
    public int StreamReconnectMax { get; init; } = 10;
}
