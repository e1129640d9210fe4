namespace FaceNetML.Recognition;

/// <summary>
/// What a 1:N decision rests on, for the most likely person (the candidate) of one probe: a face, or a track of faces
/// whose per-frame evidence has been accumulated (<see cref="ProbeEvidence"/>).
/// </summary>
/// <param name="NearestDistance">Distance to the candidate's nearest enrolled embedding (a track: mean over frames).</param>
/// <param name="SecondDistance">The same for the runner-up person; +inf with one person enrolled.</param>
/// <param name="TemplateDistance">Distance of the probe (a track: its mean embedding) to the candidate's mean template.</param>
/// <param name="CandidatePhotos">Photos enrolled for the candidate.</param>
/// <param name="GalleryPeople">People in the gallery (more people, more chances for a stranger to be near one).</param>
/// <param name="FaceSize">Shorter box side in pixels (a track: mean); NaN when unknown.</param>
/// <param name="DetectorScore">Detector probability (a track: mean); NaN when unknown.</param>
/// <param name="EmbeddingNorm">Embedding length before normalisation (a track: mean); NaN when unknown.</param>
/// <param name="Frames">Faces accumulated (1 for a photo).</param>
/// <param name="VoteShare">Share of the frames whose own nearest person is the candidate (1 for a photo).</param>
/// <param name="BestDistance">Mean of the candidate's best quarter of per-frame distances (at least one frame; a photo:
/// <paramref name="NearestDistance"/>): the frames where the face was seen best.</param>
/// <param name="Sharpness">Detail of the aligned face (<see cref="Imaging.Sharpness"/>; a track: mean); NaN when unknown.</param>
public sealed record IdentificationEvidence(
    float NearestDistance, float SecondDistance, float TemplateDistance, int CandidatePhotos, int GalleryPeople,
    float FaceSize, float DetectorScore, float EmbeddingNorm, int Frames, float VoteShare,
    float BestDistance = float.NaN, float Sharpness = float.NaN)
{
    /// <summary>Names of the rule's features, in <see cref="Features"/> order. Changing them changes the rule format.</summary>
    /// <remarks>The last four are interactions: a logistic rule over the plain features could only shift its confidence by
    /// face size, never learn that a small face's distances and margins say less. <c>smallness</c> is
    /// max(0, ln(<see cref="FullSizeFace"/> / size)): 0 for faces of 64 px and more, growing as faces shrink.</remarks>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "nearestDistance", "margin", "templateDistance", "logPhotos", "logPeople",
        "logFaceSize", "detectorLogit", "embeddingNorm", "logFrames", "voteShare",
        "bestDistance", "sharpness", "smallness", "smallness*nearestDistance", "smallness*margin", "logFrames*voteShare",
    ];

    /// <summary>Largest possible distance between two unit vectors: the runner-up distance when there is none.</summary>
    public const float MaxDistance = 2f;

    /// <summary>Face side (pixels) from which a face counts as full size in the <c>smallness</c> feature.</summary>
    public const float FullSizeFace = 64f;

    /// <summary>
    /// The feature vector (<see cref="FeatureNames"/>); NaN marks an unknown value. Frames beyond
    /// <paramref name="maxFrames"/> count as <paramref name="maxFrames"/>: consecutive video frames are far from
    /// independent, and the rule has not seen longer probes.
    /// </summary>
    public float[] Features(int maxFrames)
    {
        float second = MathF.Min(SecondDistance, MaxDistance);
        float margin = second - NearestDistance;
        float logFrames = MathF.Log(Math.Clamp(Frames, 1, Math.Max(1, maxFrames)));
        float smallness = float.IsFinite(FaceSize) && FaceSize > 0 ? MathF.Max(0, MathF.Log(FullSizeFace / FaceSize)) : float.NaN;
        return
        [
            NearestDistance,
            margin,
            TemplateDistance,
            MathF.Log(Math.Max(1, CandidatePhotos)),
            MathF.Log(Math.Max(1, GalleryPeople)),
            float.IsFinite(FaceSize) && FaceSize > 0 ? MathF.Log(FaceSize) : float.NaN,
            float.IsFinite(DetectorScore) ? Logit(DetectorScore) : float.NaN,
            float.IsFinite(EmbeddingNorm) ? EmbeddingNorm : float.NaN,
            logFrames,
            VoteShare,
            float.IsFinite(BestDistance) ? BestDistance : NearestDistance,
            Sharpness,
            smallness,
            smallness * NearestDistance,
            smallness * margin,
            logFrames * VoteShare,
        ];
    }

    private static float Logit(float p)
    {
        p = Math.Clamp(p, 1e-4f, 1 - 1e-6f);
        return MathF.Log(p / (1 - p));
    }
}
