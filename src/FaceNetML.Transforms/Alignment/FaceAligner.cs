using FaceNetML.Detection;
using FaceNetML.Imaging;

namespace FaceNetML.Alignment;

/// <summary>Cuts a face out of an image as a square crop matching a <see cref="FaceTemplate"/>.</summary>
public sealed class FaceAligner(FaceTemplate template, float boxMargin = 0.2f)
{
    public FaceTemplate Template { get; } = template;

    /// <summary>
    /// With landmarks: 5-point least-squares similarity transform onto the template, bilinear warp.
    /// Without: a square crop around the box enlarged by the margin.
    /// </summary>
    public RgbImage Align(RgbImage image, DetectedFace face) => throw new NotImplementedException();

    /// <summary>A centred square crop covering the middle of the image: the fallback when no face was found.</summary>
    public RgbImage CenterCrop(RgbImage image, float fraction = 0.5f) => throw new NotImplementedException();
}
