using System.Globalization;
using System.Text.Json.Serialization;
using FaceNetML.Video;

namespace FaceNetML.Contracts;

/// <summary>One event of a watched stream: a line of <c>facenetml watch</c>, a <c>data:</c> line of <c>GET /v1/events</c>,
/// the body of a webhook POST.</summary>
/// <param name="Type">"appeared", "left", "disconnected", "reconnected" or "dead".</param>
/// <param name="Stream">The stream's name.</param>
/// <param name="Track">The track's id (unique while the stream is watched); left out for connection events.</param>
/// <param name="Time">When it happened, UTC, ISO 8601 with milliseconds ("2026-12-05T06:01:02.345Z").</param>
/// <param name="Seconds">Seconds since the stream's watch started, to 3 decimals.</param>
/// <param name="Person">The track's person; null (written) when unknown and for connection events.</param>
/// <param name="Confidence">The best confidence of the track's person (of its nearest person when unknown), to 4
/// decimals; left out for connection events.</param>
/// <param name="Crop">The file of the track's best face crop (JPEG), where crops are written; else left out.</param>
/// <param name="CropUrl">The server's URL of that crop (<c>GET /v1/streams/{name}/crops/{file}</c>); left out by the CLI.</param>
/// <param name="Box">[x, y, width, height] of the face in the frame, to 0.1 pixel: where it appeared, or last seen; left
/// out for connection events.</param>
/// <param name="Reason">Why a connection event happened, in one line; left out for track events.</param>
public sealed record StreamEventMessage(
    string Type,
    string Stream,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Track,
    string Time,
    double Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Person,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crop,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CropUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Box,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    /// <summary>The message of an event; <paramref name="cropUrl"/> is the crop's URL where a server serves it.</summary>
    public static StreamEventMessage From(StreamEvent e, string? cropUrl = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(Name(e.Kind), e.Stream, e.Track, IsoTime(e.Time), Rounding.Round(e.StreamSeconds, 3), e.Person,
            e.Confidence is { } c ? Rounding.Finite(c) : null, e.Crop, cropUrl, e.Box is { } b ? Rounding.Box(b) : null, e.Reason);
    }

    /// <summary>The name an event kind or a stream status is written with: lower case.</summary>
    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>A time as the events write it: UTC, ISO 8601, milliseconds, "Z".</summary>
    public static string IsoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
