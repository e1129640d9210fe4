namespace FaceNetML.Detection;

/// <summary>
/// Settings of the MTCNN cascade. The defaults are those of the original implementation (kpzhang93, via
/// davidsandberg/facenet) and of the npm package whose models FaceNetML imports.
/// </summary>
public sealed record MtcnnOptions
{
    /// <summary>The smallest <see cref="MinFaceSize"/>: P-Net's 12-pixel window. Below it the pyramid would start by
    /// upscaling the image (a 1-pixel minimum meant 144 times the pixels).</summary>
    public const int SmallestMinFaceSize = 12;

    /// <summary>Smallest face side, in source pixels, the image pyramid looks for (default 20, at least
    /// <see cref="SmallestMinFaceSize"/>). Larger is faster.</summary>
    public int MinFaceSize { get; init; } = 20;

    /// <summary>
    /// Photos with more pixels are searched on a copy downscaled to this many (default 4 megapixels), so that
    /// detection memory is bounded whatever the photo's size. Boxes and landmarks come back in the photo's
    /// pixels. On such a photo the smallest face found is <c>max(MinFaceSize, 12 / s)</c> photo pixels,
    /// <c>s</c> being the copy's scale (e.g. 29 pixels on a 24-megapixel photo).
    /// </summary>
    public long MaxDetectionPixels { get; init; } = 4_000_000;

    /// <summary>Ratio between successive pyramid scales (default 0.709, i.e. about 1/sqrt(2)).</summary>
    public float ScaleFactor { get; init; } = 0.709f;

    /// <summary>P-Net face probability needed to propose a window (default 0.6; a cell passes when prob &gt;= this).</summary>
    public float PNetThreshold { get; init; } = 0.6f;

    /// <summary>R-Net face probability needed to keep a window (default 0.7; kept when prob &gt; this).</summary>
    public float RNetThreshold { get; init; } = 0.7f;

    /// <summary>O-Net face probability needed to report a face (default 0.7; kept when prob &gt; this).
    /// This is the <see cref="DetectedFace.Score"/> floor.</summary>
    public float ONetThreshold { get; init; } = 0.7f;

    /// <summary>IoU above which P-Net windows of the same pyramid scale are merged (default 0.5).</summary>
    public float PNetScaleNmsThreshold { get; init; } = 0.5f;

    /// <summary>IoU above which P-Net windows of all scales are merged (default 0.7).</summary>
    public float PNetNmsThreshold { get; init; } = 0.7f;

    /// <summary>IoU above which R-Net windows are merged (default 0.7).</summary>
    public float RNetNmsThreshold { get; init; } = 0.7f;

    /// <summary>Overlap (intersection over the smaller box, "Min") above which O-Net faces are merged (default 0.7).</summary>
    public float ONetNmsThreshold { get; init; } = 0.7f;

    /// <summary>ONNX Runtime intra-op threads per network (default 1: callers parallelise across images;
    /// 0 lets ONNX Runtime choose, which uses every core).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Largest number of crops sent to R-Net or O-Net in one run (default 128).</summary>
    public int MaxBatch { get; init; } = 128;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MinFaceSize < SmallestMinFaceSize)
            throw new ArgumentOutOfRangeException(nameof(MinFaceSize), MinFaceSize, $"must be at least {SmallestMinFaceSize} pixels (P-Net's window)");
        if (MaxDetectionPixels < 10_000)
            throw new ArgumentOutOfRangeException(nameof(MaxDetectionPixels), MaxDetectionPixels, "must be at least 10,000 pixels");
        if (!(ScaleFactor > 0.1f && ScaleFactor < 0.99f))
            throw new ArgumentOutOfRangeException(nameof(ScaleFactor), ScaleFactor, "must lie in (0.1, 0.99)");
        CheckProbability(PNetThreshold, nameof(PNetThreshold));
        CheckProbability(RNetThreshold, nameof(RNetThreshold));
        CheckProbability(ONetThreshold, nameof(ONetThreshold));
        CheckProbability(PNetScaleNmsThreshold, nameof(PNetScaleNmsThreshold));
        CheckProbability(PNetNmsThreshold, nameof(PNetNmsThreshold));
        CheckProbability(RNetNmsThreshold, nameof(RNetNmsThreshold));
        CheckProbability(ONetNmsThreshold, nameof(ONetNmsThreshold));
        if (IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "must be 0 (ONNX Runtime default) or positive");
        if (MaxBatch < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be at least 1");
    }

    private static void CheckProbability(float value, string name)
    {
        if (!(value >= 0f && value <= 1f))
            throw new ArgumentOutOfRangeException(name, value, "must lie in [0, 1]");
    }
}
