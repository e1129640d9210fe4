using FaceNetML.Detection;
using FaceNetML.Recognition;

namespace FaceNetML.Server;

/// <summary>The JSON shapes of the answers: the CLI's (<c>facenetml detect/identify --json</c>), numbers rounded as it rounds them.</summary>
public static class FaceJson
{
    public static float Round(float v, int digits = 4) => MathF.Round(v, digits);

    private static float? Finite(float v) => float.IsFinite(v) ? Round(v) : null;

    /// <summary>[x, y, width, height] in pixels of the upright image.</summary>
    public static float[] Box(DetectedFace f) => [Round(f.Box.X, 1), Round(f.Box.Y, 1), Round(f.Box.Width, 1), Round(f.Box.Height, 1)];

    public static object Face(DetectedFace f) => new
    {
        box = Box(f),
        score = Round(f.Score),
        landmarks = f.Landmarks?.Select(p => new[] { Round(p.X, 1), Round(p.Y, 1) }),
    };

    public static Dictionary<string, object?> Identity(DetectedFace f, Identification id) => new()
    {
        ["box"] = Box(f),
        ["person"] = id.Person, // null, written, when unknown
        ["confidence"] = Finite(id.Confidence),
        ["distance"] = Finite(id.Distance),
        ["nearest"] = id.Nearest,
        ["secondNearest"] = id.SecondNearest,
        ["reason"] = id.Person is null ? id.Reason : null, // why unknown: "too small: 19 px (needs 22)", "not confident: ..."
    };
}
