using FaceNetML.Detection;

namespace FaceNetML.Pipeline;

/// <summary>The embedding of one face. <see cref="Face"/> is null when no face was found and a centre crop was used.
/// <see cref="Norm"/> is the model output's length before L2 normalisation and <see cref="Sharpness"/> the detail of the
/// aligned crop (<see cref="Imaging.Sharpness"/>): quality signals, NaN when unknown. <see cref="GrayEmbedding"/> is the
/// embedding of the same aligned face in grayscale, computed only when asked for (to meet grayscale gallery photos like
/// for like).</summary>
public sealed record FaceEmbedding(DetectedFace? Face, float[] Embedding, float Norm = float.NaN, float Sharpness = float.NaN, float[]? GrayEmbedding = null)
{
    public bool FaceFound => Face is not null;
}

/// <summary>One row of a batch: the embedding of a file's chosen face, or a one-line error. Errors are values here, never exceptions.</summary>
public sealed record FileEmbeddingResult(string Path, FaceEmbedding? Result, string? Error, bool NoFace = false)
{
    public bool Ok => Result is not null;
}
