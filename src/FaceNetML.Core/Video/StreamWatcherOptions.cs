using System.Text.RegularExpressions;

namespace FaceNetML.Video;

/// <summary>Settings of <see cref="StreamWatcher"/>.</summary>
public sealed partial record StreamWatcherOptions
{
    /// <summary>The stream's name in its events (1-64 letters, digits, '.', '_' or '-': it also names files and URLs).</summary>
    public string Name { get; init; } = "stream";

    /// <summary>Folder for the best face crop of each track (JPEG, created when needed); null: no crops.</summary>
    public string? CropFolder { get; init; }

    /// <summary>Reconnection attempts after the source is lost, each after a back-off, before the watcher gives up
    /// (<see cref="StreamEventKind.Dead"/>); the count starts again whenever frames flow. 0: the first loss is final
    /// (a file or a finite stream ends the watch). Default 10.</summary>
    public int ReconnectMax { get; init; } = 10;

    /// <summary>Wait before the first reconnection attempt (default 1 s); it doubles with each failed attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reconnection attempts (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A source that delivers no frame for this long (also while connecting) counts as lost (default 10 s): a UDP
    /// or RTSP sender that goes silent does not end ffmpeg by itself.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames waiting between the decoder and recognition (1 or 2, default 2). When recognition is slower than the
    /// source, the oldest waiting frame is dropped (and counted), so the watcher always works on recent frames.</summary>
    public int QueueCapacity { get; init; } = 2;

    /// <summary>Detections after which a track without a name appears as unknown (default 25, about a second of a live
    /// source): a known person is usually named sooner, so they do not appear as unknown first.</summary>
    public int UnknownAfter { get; init; } = 25;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    /// <summary>Refuses a name that is not 1-64 letters, digits, '.', '_' or '-' (or is "." or ".."); one line why.</summary>
    public static string CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name) || name is "." or "..")
            throw new BadInputException($"stream name '{name}': use 1-64 letters, digits, '.', '_' or '-'");
        return name;
    }

    public void Validate()
    {
        CheckName(Name);
        if (ReconnectMax < 0) throw new ArgumentOutOfRangeException(nameof(ReconnectMax), ReconnectMax, "must be >= 0");
        if (InitialBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialBackoff), InitialBackoff, "must be positive");
        if (MaxBackoff < InitialBackoff) throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "must be at least the initial back-off");
        if (StallTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, "must be positive");
        if (QueueCapacity is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "must be 1 or 2");
        if (UnknownAfter < 1) throw new ArgumentOutOfRangeException(nameof(UnknownAfter), UnknownAfter, "must be at least 1");
    }
}
