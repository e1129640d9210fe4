using FaceNetML.Detection;
using FaceNetML.Imaging;

namespace FaceNetML.Alignment;

/// <summary>Cuts a face out of an image as a square crop matching a <see cref="FaceTemplate"/>.</summary>
public sealed class FaceAligner(FaceTemplate template, float boxMargin = 0.2f)
{
    public FaceTemplate Template { get; } = template ?? throw new ArgumentNullException(nameof(template));

    /// <summary>How much the box crop enlarges the detector box: side = max(w, h) * (1 + margin).</summary>
    public float BoxMargin { get; } = boxMargin >= 0 && float.IsFinite(boxMargin)
        ? boxMargin
        : throw new ArgumentOutOfRangeException(nameof(boxMargin), $"margin must be >= 0, got {boxMargin}");

    /// <summary>
    /// With landmarks: 5-point least-squares similarity transform onto the template, bilinear warp.
    /// Without: a square crop around the box enlarged by the margin.
    /// </summary>
    /// <remarks>Landmarks whose count differs from the template's, or that are degenerate (all coincident,
    /// non-finite), fall back to the box crop.</remarks>
    public RgbImage Align(RgbImage image, DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(face);
        if (TryLandmarkTransform(face, out var outputToSource))
            return AffineWarp.Warp(image, outputToSource, Template.Size, Template.Size);

        var box = face.Box;
        if (!(box.Width > 0) || !(box.Height > 0) || !float.IsFinite(box.X) || !float.IsFinite(box.Y))
            throw new ArgumentException($"face has neither usable landmarks nor a usable box ({box})", nameof(face));
        var side = MathF.Max(box.Width, box.Height) * (1 + BoxMargin);
        float cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        return AffineWarp.CropResize(image, cx - side / 2, cy - side / 2, side, side, Template.Size, Template.Size);
    }

    /// <summary>
    /// The output-to-source map used by <see cref="Align"/> for a face with landmarks (the inverse of the
    /// landmarks-to-template similarity); false when the face has no usable landmarks.
    /// </summary>
    public bool TryLandmarkTransform(DetectedFace face, out System.Numerics.Matrix3x2 outputToSource)
    {
        outputToSource = System.Numerics.Matrix3x2.Identity;
        var landmarks = face.Landmarks;
        if (landmarks == null || landmarks.Length != Template.Points.Length || landmarks.Length < 2)
            return false;
        if (!SimilarityTransform.TryEstimate(landmarks, Template.Points, out var toTemplate))
            return false;
        return System.Numerics.Matrix3x2.Invert(toTemplate, out outputToSource) && float.IsFinite(outputToSource.M11)
            && float.IsFinite(outputToSource.M12) && float.IsFinite(outputToSource.M31) && float.IsFinite(outputToSource.M32);
    }

    /// <summary>The aligned <paramref name="face"/>, or the <see cref="CenterCrop"/> when there is none.</summary>
    public RgbImage AlignOrCenterCrop(RgbImage image, DetectedFace? face) => face is null ? CenterCrop(image) : Align(image, face);

    /// <summary>A centred square crop covering the middle of the image: the fallback when no face was found.</summary>
    /// <remarks>The square has side <c>min(W, H) * fraction</c> (0.5 on a 250x250 LFW image: 125 px around the face).</remarks>
    public RgbImage CenterCrop(RgbImage image, float fraction = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(fraction > 0) || !float.IsFinite(fraction))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"fraction must be positive, got {fraction}");
        var side = Math.Min(image.Width, image.Height) * fraction;
        float cx = image.Width / 2f, cy = image.Height / 2f;
        return AffineWarp.CropResize(image, cx - side / 2, cy - side / 2, side, side, Template.Size, Template.Size);
    }
}
