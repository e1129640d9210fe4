using System.Drawing;

namespace FaceNetML.Video;

/// <summary>
/// One event of a watched stream (<see cref="StreamWatcher"/>). Track events (<see cref="StreamEventKind.Appeared"/>,
/// <see cref="StreamEventKind.Left"/>) carry the track, its person (null: unknown), the best confidence seen, the best face
/// crop written and the box; connection events (<see cref="StreamEventKind.Disconnected"/>, ...) carry a reason.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Stream">The stream's name.</param>
/// <param name="Time">When the watcher raised the event (UTC).</param>
/// <param name="StreamSeconds">Seconds since the watcher started, on its monotonic clock, at the frame the event is about
/// (reconnections included; real time for live sources and files played in real time).</param>
public sealed record StreamEvent(StreamEventKind Kind, string Stream, DateTimeOffset Time, double StreamSeconds)
{
    /// <summary>The track's id (unique for the watcher's lifetime); null for connection events.</summary>
    public int? Track { get; init; }

    /// <summary>The track's person; null when unknown (and for connection events).</summary>
    public string? Person { get; init; }

    /// <summary>The highest confidence the identification rule gave the track's person (for an unknown track: its
    /// nearest person) over the track's frames so far.</summary>
    public float? Confidence { get; init; }

    /// <summary>The JPEG of the track's best (largest) face so far, when crops are written.</summary>
    public string? Crop { get; init; }

    /// <summary>The face's box in the frame: where it appeared, or where it was last seen.</summary>
    public RectangleF? Box { get; init; }

    /// <summary>Why a connection event happened, in one line.</summary>
    public string? Reason { get; init; }
}
