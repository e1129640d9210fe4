namespace FaceNetML.Video;

/// <summary>Where a <see cref="StreamWatcher"/> stands (written in lower case: <c>connecting</c>, <c>live</c>, ...).</summary>
public enum StreamStatus
{
    /// <summary>Started, no frame received yet.</summary>
    Connecting,

    /// <summary>Frames are arriving.</summary>
    Live,

    /// <summary>The source was lost; waiting (with back-off) or trying again.</summary>
    Reconnecting,

    /// <summary>Given up after the reconnection attempts allowed.</summary>
    Dead,

    /// <summary>Stopped by its owner (cancelled).</summary>
    Stopped,
}
