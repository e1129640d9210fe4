namespace FaceNetML.Imaging;

/// <summary>
/// Writes an <see cref="RgbImage"/> into a float NHWC tensor slot as <c>(v - mean) * scale</c>: the single
/// normalisation routine shared by detection, embedding, ML.NET components and the trainer.
/// </summary>
public static class TensorPacker
{
    /// <summary>
    /// Writes <paramref name="image"/> as H x W x 3 floats into <paramref name="destination"/> (length W*H*3).
    /// With <paramref name="transposed"/> the layout is W x H x 3 (element [x, y, c]), as MTCNN expects.
    /// </summary>
    public static void Pack(RgbImage image, Span<float> destination, float mean, float scale, bool transposed = false) => throw new NotImplementedException();
}
