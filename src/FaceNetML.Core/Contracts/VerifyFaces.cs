namespace FaceNetML.Contracts;

/// <summary>The boxes of the two faces compared by a verification, each [x, y, width, height] in pixels of its photo.</summary>
/// <param name="A">The face of photo 'a'.</param>
/// <param name="B">The face of photo 'b'.</param>
public sealed record VerifyFaces(float[] A, float[] B);
