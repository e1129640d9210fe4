using System.Collections.Concurrent;
using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Embedding;
using FaceNetML.Imaging;
using FaceNetML.Models;

namespace FaceNetML.Pipeline;

/// <summary>
/// The whole flow for still images: decode -> detect (MTCNN) -> align (5-point template of the model) ->
/// embed (L2-normalised). The CLI composes the stages here; the ML.NET components (<c>MLNet/</c>) run the same
/// decoder, detector, aligner and embedder classes one stage per transform, and their results agree to cosine &gt; 0.9999.
/// Thread-safe; batch methods run <see cref="FacePipelineOptions.Parallelism"/> images at once.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    public FacePipeline(FacePipelineOptions? options = null)
    {
        Options = options ?? new FacePipelineOptions();
        var store = Options.Store ?? ModelStore.Default;
        Model = Options.Model.Resolve(store);
        Detector = MtcnnDetector.CreateDefault(Options.Detection, store);
        try
        {
            Encoder = new FaceEncoder(Model, Options.EmbeddingThreads);
        }
        catch
        {
            Detector.Dispose();
            throw;
        }
        Embedder = Encoder.Parts[0].Embedder;
        Aligner = Encoder.Parts[0].Aligner;
    }

    public FacePipelineOptions Options { get; }
    public InstalledModel Model { get; }
    // The stages. Callers use the methods below, which compose them; nothing outside reaches through to the detector.
    internal MtcnnDetector Detector { get; }
    internal FaceAligner Aligner { get; }
    /// <summary>The (first) model's embedder; <see cref="Encoder"/> runs every model of a fusion.</summary>
    internal FaceEmbedder Embedder { get; }

    /// <summary>Aligns and embeds with the model handle's model(s): the one place a fusion is composed.</summary>
    public FaceEncoder Encoder { get; }

    /// <summary>Values per embedding (the sum of both models' for a fusion).</summary>
    public int EmbeddingSize => Encoder.EmbeddingSize;

    /// <summary>Side of the aligned face the (first) embedding model takes, in pixels (from its manifest).</summary>
    public int InputSize => Embedder.InputSize;

    /// <summary>The model's default verification threshold (Euclidean distance between normalised embeddings).</summary>
    public float Threshold => Model.Manifest.DefaultThreshold;

    /// <summary>All faces, largest first.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image) => Detector.Detect(image);

    /// <summary>The face chosen by <see cref="FacePipelineOptions.Choice"/>, or null.</summary>
    public DetectedFace? Choose(IReadOnlyList<DetectedFace> faces, RgbImage image) => Choose(faces, image, Options.Choice);

    /// <summary>The face a given rule chooses (a per-call choice: enrolment photos take the centred face), or null.</summary>
    public static DetectedFace? Choose(IReadOnlyList<DetectedFace> faces, RgbImage image, FaceChoice choice) => choice == FaceChoice.Centred
        ? FaceSelection.Primary(faces, image.Width, image.Height)
        : FaceSelection.Largest(faces);

    /// <summary>
    /// Embeds the chosen face of an image. Without a face: a centre-crop embedding when
    /// <see cref="FacePipelineOptions.FallBackToCentreCrop"/> is set, otherwise null.
    /// </summary>
    public FaceEmbedding? EmbedPrimary(RgbImage image, bool withGray = false)
    {
        var face = Choose(Detect(image), image);
        if (face is null && !Options.FallBackToCentreCrop) return null;
        return EmbedFace(image, face, withGray);
    }

    /// <summary>Aligns and embeds one face of an image (a centred square crop when <paramref name="face"/> is null), with
    /// its norm and sharpness; <paramref name="withGray"/> adds the grayscale embedding of the same crop.</summary>
    public FaceEmbedding EmbedFace(RgbImage image, DetectedFace? face, bool withGray = false)
    {
        var quality = new float[2];
        var gray = withGray ? new float[1][] : null;
        var embedding = Encoder.Encode(image, [face], quality.AsSpan(0, 1), quality.AsSpan(1, 1), gray)[0];
        return new FaceEmbedding(face, embedding, quality[0], quality[1], gray?[0]);
    }

    /// <summary>One face aligned to the standard template at another side (a student network's input size); a centred
    /// crop when <paramref name="face"/> is null.</summary>
    public RgbImage Crop(RgbImage image, DetectedFace? face, int size) =>
        _aligners.GetOrAdd(size, s => new FaceAligner(FaceTemplate.Standard(s))).AlignOrCenterCrop(image, face);

    private readonly ConcurrentDictionary<int, FaceAligner> _aligners = new();

    /// <summary>
    /// The enrolment embedding of one face: the normalised sum of the embeddings of the aligned face and of its mirror
    /// image (flip augmentation: steadier than either alone).
    /// </summary>
    public float[] EmbedFlipAugmented(RgbImage image, DetectedFace face) => Encoder.EncodeFlipAugmented(image, face);

    /// <summary>Embeds every face in the image (largest first) whose longer box side is at least <paramref name="minFaceSide"/>
    /// pixels, in one batch, with each face's raw output norm and sharpness; <paramref name="withGray"/> adds each face's
    /// grayscale embedding (pass <see cref="Recognition.Gallery.HasGrayFaces"/> when identifying: colour galleries pay nothing).</summary>
    public IReadOnlyList<FaceEmbedding> EmbedAll(RgbImage image, float minFaceSide = 0, bool withGray = false)
    {
        var faces = Detect(image).Where(f => MathF.Max(f.Box.Width, f.Box.Height) >= minFaceSide).ToList();
        if (faces.Count == 0) return [];
        var norms = new float[faces.Count];
        var sharpness = new float[faces.Count];
        var gray = withGray ? new float[faces.Count][] : null;
        var embeddings = Encoder.Encode(image, faces, norms, sharpness, gray);
        return faces.Select((f, i) => new FaceEmbedding(f, embeddings[i], norms[i], sharpness[i], gray?[i])).ToList();
    }

    /// <summary>
    /// Embeds the chosen face of each file, <see cref="FacePipelineOptions.Parallelism"/> at a time. Results come
    /// back in input order; a file that cannot be read, or has no face (without fallback), gives an error row.
    /// </summary>
    public IReadOnlyList<FileEmbeddingResult> EmbedFiles(IReadOnlyList<string> paths, Action<int>? onProgress = null, bool withGray = false)
    {
        var results = new FileEmbeddingResult[paths.Count];
        int done = 0;
        Parallel.ForEach(Partitioner.Create(0, paths.Count, 1), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.Parallelism) }, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                results[i] = EmbedFile(paths[i], withGray);
                onProgress?.Invoke(Interlocked.Increment(ref done));
            }
        });
        return results;
    }

    /// <summary>Embeds the chosen face of one file; errors become the row's <c>Error</c>.</summary>
    public FileEmbeddingResult EmbedFile(string path, bool withGray = false)
    {
        try
        {
            var image = ImageDecoder.Decode(path);
            var embedding = EmbedPrimary(image, withGray);
            return embedding is null
                ? new FileEmbeddingResult(path, null, $"{path}: no face found", NoFace: true)
                : new FileEmbeddingResult(path, embedding, null);
        }
        catch (BadInputException e)
        {
            return new FileEmbeddingResult(path, null, e.Message);
        }
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Detector.Dispose();
    }
}
