namespace FaceNetML.Video;

/// <summary>What a <see cref="StreamEvent"/> reports (written in lower case: <c>appeared</c>, <c>left</c>, ...).</summary>
public enum StreamEventKind
{
    /// <summary>A track got a stable identity: a name, or, after enough unnamed detections, unknown (person null). An
    /// unknown track that is named later appears again, with its name.</summary>
    Appeared,

    /// <summary>A track that appeared has ended: the face was not detected for a few detection rounds, or the source
    /// stopped.</summary>
    Left,

    /// <summary>The source stopped delivering frames (it ended, ffmpeg failed, or no frame came for the stall timeout).</summary>
    Disconnected,

    /// <summary>Frames flow again after a <see cref="Disconnected"/>.</summary>
    Reconnected,

    /// <summary>The watcher gave up: the reconnection attempts allowed are spent. Nothing follows.</summary>
    Dead,
}
