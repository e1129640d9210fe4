using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FaceNetML.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceNetML.Server;

/// <summary>
/// Finishes the OpenAPI schemas of the contract records (<see cref="FaceNetML.Contracts"/>): a property left out when
/// null (<c>[JsonIgnore(Condition = WhenWritingNull)]</c>) is not required, whatever its constructor says; each answer
/// gets an example, written with <see cref="ContractJson.Options"/> as the answers are.
/// </summary>
internal static class ContractSchemas
{
    public static Task Transform(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancel)
    {
        var info = context.JsonTypeInfo;
        if (context.JsonPropertyInfo is not null || info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace != typeof(ErrorAnswer).Namespace)
            return Task.CompletedTask;
        if (schema.Required is { } required)
            foreach (var property in info.Properties.Where(LeftOutWhenNull))
                required.Remove(property.Name);
        if (Examples.TryGetValue(info.Type, out var example))
            schema.Examples = [JsonSerializer.SerializeToNode(example, info.Type, ContractJson.Options)!];
        return Task.CompletedTask;
    }

    private static bool LeftOutWhenNull(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>().Any(a => a.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true;

    private static readonly StreamSummary Hall = new("hall", "udp://127.0.0.1:5000", "live", 3120, 1988, 1132, 6, 0, null);

    private static readonly float[] ObamaBox = [232.3f, 19.2f, 155.6f, 203.2f];
    private static readonly float[] BidenBox = [788.3f, 41.8f, 157.5f, 213.3f];

    private const string VideoId = "5f0c2a7e9b3d4e6f8a1b2c3d4e5f6a7b";

    /// <summary>A finished job of a YouTube Faces clip of ytf-dev with its person enrolled.</summary>
    private static readonly VideoJobAnswer DoneVideo = new(VideoId, "done", "Aaron_Guiel_5.mp4",
        new DateTimeOffset(2026, 12, 5, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 6, 9, 30, 12, TimeSpan.Zero),
        new VideoJobProgress(132, 132, 11.2),
        new VideoJobResult(132, 320, 240, 25, 1, [new VideoSegment("Aaron_Guiel", 0.08, 5.28, 0.9934f, $"/v1/videos/{VideoId}/faces/0.jpg")], 130, 4, 1, null),
        null, new VideoJobLinks("/v1/videos/" + VideoId, $"/v1/videos/{VideoId}/frames.csv", $"/v1/videos/{VideoId}/annotated.mp4"));

    /// <summary>One answer of each kind, as the server gives them for the repository's test photos (embeddings cut short).</summary>
    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(VerifyAnswer)] = new VerifyAnswer(true, 0.5793f, 1.1f, "mobilefacenet",
            new VerifyFaces([365.2f, 83.4f, 245f, 333.4f], [196.5f, 222.1f, 275f, 412.3f])),
        [typeof(DetectAnswer)] = new DetectAnswer(1126, 661,
        [
            new FaceDetection(BidenBox, 1f, [[844.7f, 124.5f], [910.8f, 138.7f], [877.4f, 170.8f], [835.5f, 199.9f], [895f, 210.1f]]),
            new FaceDetection(ObamaBox, 1f, [[288.3f, 96.3f], [357.3f, 105.9f], [329.8f, 125.9f], [285.2f, 167.2f], [349.1f, 177.5f]]),
        ]),
        [typeof(EmbedAnswer)] = new EmbedAnswer("mobilefacenet",
        [
            EmbedRow.Embedded("obama.jpg", [0.00021041f, 0.010062639f, -0.016280448f, 0.02299226f]),
            EmbedRow.Failed("blank.png", "image (blank.png): no face found"),
        ]),
        [typeof(IdentifyAnswer)] = new IdentifyAnswer(1126, 661,
        [
            new IdentifiedFace(BidenBox, "Joe Biden", 1f, 0.19f, "Joe Biden", "Barack Obama", null),
            new IdentifiedFace(ObamaBox, null, 0.0122f, 1.3102f, "Barack Obama", "Joe Biden", "not confident: 0.01 < 0.89"),
        ]),
        [typeof(PeopleAnswer)] = new PeopleAnswer("mobilefacenet",
        [
            new PersonSummary("Barack Obama", 2, "/v1/people/Barack%20Obama/faces/3f1c0a9e5b7d2c41/thumbnail"),
            new PersonSummary("Joe Biden", 1, null),
        ]),
        [typeof(PersonAnswer)] = new PersonAnswer("Barack Obama",
        [
            new PersonFace("3f1c0a9e5b7d2c41", "obama.jpg", false, "/v1/people/Barack%20Obama/faces/3f1c0a9e5b7d2c41/thumbnail"),
            new PersonFace("9a0e6b2d4c1f8e37", "obama (2).jpg", true, "/v1/people/Barack%20Obama/faces/9a0e6b2d4c1f8e37/thumbnail"),
        ]),
        [typeof(EnrolAnswer)] = new EnrolAnswer("Barack Obama", 2, 2, ["blank.png: no face found, skipped"]),
        [typeof(PersonRemovedAnswer)] = new PersonRemovedAnswer("Joe Biden"),
        [typeof(HealthAnswer)] = new HealthAnswer("ok", "mobilefacenet", 2, 4, 1, 0, new GallerySummary("hnsw", "/home/me/.local/share/facenetml/gallery.usearch", true), ["door"]),
        [typeof(VideoJobAccepted)] = new VideoJobAccepted(VideoId, "queued", new VideoJobLinks("/v1/videos/" + VideoId, null, null)),
        [typeof(VideoJobAnswer)] = DoneVideo,
        [typeof(VideoJobsAnswer)] = new VideoJobsAnswer([DoneVideo]),
        [typeof(VideoJobDeletedAnswer)] = new VideoJobDeletedAnswer(VideoId, true),
        [typeof(StreamSummary)] = Hall,
        [typeof(StreamsAnswer)] = new StreamsAnswer([Hall, new StreamSummary("door", "rtsp://admin:***@10.0.0.7/stream1", "dead", 0, 0, 0, 1, 10,
            "gave up after 10 reconnection attempts (no frame for 10 s)")]),
        [typeof(StreamEventMessage)] = new StreamEventMessage("appeared", "hall", 3, "2026-12-05T06:01:02.345Z", 12.48, "Aaron_Guiel", 0.9731f,
            "/home/me/.local/share/facenetml/streams/hall/20261205T060050123-t3.jpg", "/v1/streams/hall/crops/20261205T060050123-t3.jpg",
            [121.5f, 48.2f, 86.1f, 104.9f], null),
        [typeof(ErrorAnswer)] = new ErrorAnswer("image (notes.jpg): not a supported image (unrecognised format)"),
    };
}
