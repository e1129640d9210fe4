using FaceNetML.Pipeline;

namespace FaceNetML.Recognition;

/// <summary>
/// One face to identify: its L2-normalised embedding and what the detector and the embedder saw of it. The extra
/// signals feed the identification rule: <see cref="FaceSize"/> (shorter box side, pixels), <see cref="DetectorScore"/>
/// (MTCNN O-Net probability) and <see cref="EmbeddingNorm"/> (the model output's length before normalisation, a quality
/// signal). NaN means unknown; the rule then uses the value typical of its calibration data.
/// </summary>
public sealed record FaceProbe(float[] Embedding, float FaceSize = float.NaN, float DetectorScore = float.NaN, float EmbeddingNorm = float.NaN)
{
    /// <summary>A probe from a pipeline result (box size, detector score and norm included).</summary>
    public static FaceProbe From(FaceEmbedding face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var f = face.Face;
        return new FaceProbe(face.Embedding, f is null ? float.NaN : MathF.Min(f.Box.Width, f.Box.Height), f?.Score ?? float.NaN, face.Norm);
    }
}
