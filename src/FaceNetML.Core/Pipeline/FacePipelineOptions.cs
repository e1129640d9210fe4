using FaceNetML.Detection;
using FaceNetML.Models;

namespace FaceNetML.Pipeline;

/// <summary>Which face of a photo stands for the photo when one is needed (verify, embed, LFW).</summary>
public enum FaceChoice
{
    /// <summary>The largest face.</summary>
    Largest,

    /// <summary>The face maximising <c>area - 2 * (distance of its centre from the image centre)^2</c>
    /// (insightface's rule for LFW, whose subject is centred).</summary>
    Centred,
}

/// <summary>Settings of the image -> faces -> aligned crops -> embeddings pipeline.</summary>
public sealed record FacePipelineOptions
{
    /// <summary>The embedding model (default MobileFaceNet).</summary>
    public FaceModel Model { get; init; } = FaceModels.MobileFaceNet;

    /// <summary>MTCNN settings (min face size, thresholds, ONNX Runtime threads).</summary>
    public MtcnnOptions Detection { get; init; } = new();

    /// <summary>ONNX Runtime intra-op threads of the embedder (default 1; batch work is parallelised across images).</summary>
    public int EmbeddingThreads { get; init; } = 1;

    /// <summary>Images processed at once by the batch APIs (default: the number of cores).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    public FaceChoice Choice { get; init; } = FaceChoice.Largest;

    /// <summary>When no face is found, embed a centred square crop instead of failing (the LFW protocol counts every pair).</summary>
    public bool FallBackToCentreCrop { get; init; }

    /// <summary>The model store (default <see cref="ModelStore.Default"/>).</summary>
    public ModelStore? Store { get; init; }
}
