using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>Where a video job and its files are (<c>/v1/videos</c>).</summary>
/// <param name="Self">The job: <c>/v1/videos/{id}</c>.</param>
/// <param name="Frames">The per-frame CSV (the columns of <c>facenetml video --csv</c>); null (written) until the job is done.</param>
/// <param name="Annotated">The annotated H.264 MP4 (as <c>facenetml video --out</c>); null (written) until the job is done.</param>
public sealed record VideoJobLinks(
    string Self,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Frames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Annotated);
