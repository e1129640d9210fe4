using System.Drawing;
using System.Text.Json.Serialization;
using FaceNetML.Detection;
using FaceNetML.Recognition;

namespace FaceNetML.Contracts;

/// <summary>One face and who it is (<c>facenetml identify</c>, <c>POST /v1/identify</c>; the rows of
/// <c>facenetml video</c> add their frame and track).</summary>
/// <param name="Box">[x, y, width, height] in pixels of the upright image, to 0.1 pixel.</param>
/// <param name="Person">The identified person; null (written) when unknown.</param>
/// <param name="Confidence">Calibrated probability that <paramref name="Nearest"/> is the right person, to 4 decimals;
/// null (written) when not a number.</param>
/// <param name="Distance">Distance to the nearest embedding of <paramref name="Nearest"/>, to 4 decimals; null (written)
/// for an empty gallery.</param>
/// <param name="Nearest">The most likely enrolled person, named or not; null (written) for an empty gallery.</param>
/// <param name="SecondNearest">The runner-up; null (written) when fewer than two people are enrolled.</param>
/// <param name="Reason">Why the face is unknown ("too small: 19 px (needs 22)", "not confident: 0.41 &lt; 0.82");
/// left out when a person is named or there was nothing to decide.</param>
public record IdentifiedFace(
    float[] Box,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Person,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] float? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] float? Distance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Nearest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? SecondNearest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    public static IdentifiedFace From(RectangleF box, Identification id) =>
        new(Rounding.Box(box), id.Person, Rounding.Finite(id.Confidence), Rounding.Finite(id.Distance), id.Nearest, id.SecondNearest,
            id.Person is null ? id.Reason : null);

    public static IdentifiedFace From(DetectedFace face, Identification id)
    {
        ArgumentNullException.ThrowIfNull(face);
        return From(face.Box, id);
    }
}
