using System.Text.Json.Serialization;
using FaceNetML.Video;

namespace FaceNetML.Contracts;

/// <summary>A watched stream and its counters (<c>GET /v1/streams</c>, and the answer of adding or removing one).</summary>
/// <param name="Name">The stream's name.</param>
/// <param name="Url">Its URL, with the password of its user information replaced by <c>***</c>.</param>
/// <param name="Status">"connecting", "live", "reconnecting", "dead" or "stopped" (removed).</param>
/// <param name="Frames">Frames decoded from the source.</param>
/// <param name="Processed">Frames recognised.</param>
/// <param name="Dropped">Frames dropped because recognition was behind the source.</param>
/// <param name="Events">Events raised.</param>
/// <param name="Reconnects">Reconnection attempts made.</param>
/// <param name="Error">Why the source was last lost, in one line; left out when it never was.</param>
public sealed record StreamSummary(
    string Name,
    string Url,
    string Status,
    long Frames,
    long Processed,
    long Dropped,
    long Events,
    int Reconnects,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    /// <summary>The watcher as it stands now.</summary>
    public static StreamSummary From(StreamWatcher watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        return new(watcher.Name, watcher.Source.Display, StreamEventMessage.Name(watcher.Status), watcher.Frames, watcher.Processed,
            watcher.Dropped, watcher.Events, watcher.Reconnects, watcher.LastError);
    }
}
