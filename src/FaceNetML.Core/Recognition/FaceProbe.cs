using FaceNetML.Pipeline;

namespace FaceNetML.Recognition;

/// <summary>
/// One face to identify: its L2-normalised embedding and what the detector and the embedder saw of it. The extra
/// signals feed the identification rule: <see cref="FaceSize"/> (shorter box side, pixels), <see cref="DetectorScore"/>
/// (MTCNN O-Net probability) and <see cref="EmbeddingNorm"/> (the model output's length before normalisation, a quality
/// signal) and <see cref="Sharpness"/> (detail of the aligned crop, <see cref="Imaging.Sharpness"/>). NaN means unknown;
/// the rule then uses the value typical of its calibration data. <see cref="GrayEmbedding"/>, when present, is the same
/// face's embedding in grayscale: grayscale gallery photos are compared with it (like for like).
/// </summary>
public sealed record FaceProbe(float[] Embedding, float FaceSize = float.NaN, float DetectorScore = float.NaN, float EmbeddingNorm = float.NaN,
    float Sharpness = float.NaN, float[]? GrayEmbedding = null)
{
    /// <summary>A probe from a pipeline result (box size, detector score, norm, sharpness and grayscale embedding included).</summary>
    public static FaceProbe From(FaceEmbedding face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var f = face.Face;
        return new FaceProbe(face.Embedding, f is null ? float.NaN : MathF.Min(f.Box.Width, f.Box.Height), f?.Score ?? float.NaN, face.Norm,
            face.Sharpness, face.GrayEmbedding);
    }

    /// <summary>The embedding to compare with a gallery face: the grayscale one for a grayscale photo when there is one.</summary>
    public float[] For(bool grayGalleryFace) => grayGalleryFace && GrayEmbedding is { } g ? g : Embedding;
}
