namespace FaceNetML.Recognition;

/// <summary>One face to store: a unit embedding, where it came from, an optional quality (NaN when unknown), and whether
/// the photo was grayscale (probes are then compared with it in grayscale: like for like).</summary>
public sealed record EnrolledFace(float[] Embedding, string Source, float Quality = float.NaN, bool Gray = false);
