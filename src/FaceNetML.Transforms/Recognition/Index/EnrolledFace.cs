namespace FaceNetML.Recognition;

/// <summary>One face to store: a unit embedding, where it came from, and an optional quality (NaN when unknown).</summary>
public sealed record EnrolledFace(float[] Embedding, string Source, float Quality = float.NaN);
