namespace FaceNetML.Server;

/// <summary>The limits and resources of the server's video jobs (<c>/v1/videos</c>). An upload is checked against all
/// of them from its container header (ffprobe) before a frame is decoded.</summary>
public sealed record VideoJobOptions
{
    /// <summary>Largest video upload, bytes (beyond it, 413); it replaces <see cref="FaceServerOptions.MaxBodyBytes"/> for
    /// <c>POST /v1/videos</c>.</summary>
    public long MaxUploadBytes { get; init; } = 200L << 20;

    /// <summary>Longest video, seconds of its header's duration (beyond it, 422).</summary>
    public double MaxDurationSeconds { get; init; } = 600;

    /// <summary>Largest frame, pixels (width × height; beyond it, 422). Default: 1920 × 1080.</summary>
    public long MaxPixels { get; init; } = 1920L * 1080;

    /// <summary>Most frames a video may announce (beyond it, 422); a video holding more than it announced stops there.</summary>
    public int MaxFrames { get; init; } = 18_000;

    /// <summary>Jobs processed at once (each on its own thread, with the server's one pipeline).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Jobs that may wait for a worker; one more gets 429.</summary>
    public int QueueLength { get; init; } = 16;

    /// <summary>How long a finished (done, failed or cancelled) job and its files are kept.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Largest <c>every</c> an upload may ask for (the detector runs on every N-th frame).</summary>
    public const int MaxEvery = 30;
}
