using FaceNetML.Alignment;
using FaceNetML.Imaging;
using FaceNetML.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceNetML.Embedding;

/// <summary>
/// Runs an embedding model (MobileFaceNet or a Fast-FaceNet export) on aligned face crops and returns
/// L2-normalised vectors. Input size, normalisation and template come from the model's manifest.
/// Thread-safe: several threads may call <see cref="Embed(RgbImage)"/> at once.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    // Held for the embedder's lifetime: a RunOptions created per call can be finalised while ORT still uses it.
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly string _outputName;

    public FaceEmbedder(InstalledModel model, int intraOpThreads = 1)
        : this(model.IsFusion ? throw new BadInputException($"model '{model.Name}' is a fusion of two models: embed with FacePipeline / FaceEncoder")
                              : model.Manifest, model.OnnxPath, () => OnnxSessionFactory.Create(model.OnnxPath, intraOpThreads))
    {
    }

    /// <summary>An embedder over ONNX bytes held in memory (a model carried inside an ML.NET model.zip).</summary>
    public FaceEmbedder(byte[] onnx, ModelManifest manifest, int intraOpThreads = 1)
        : this(manifest, manifest.Name, () => OnnxSessionFactory.Create(onnx, intraOpThreads))
    {
    }

    private FaceEmbedder(ModelManifest manifest, string source, Func<InferenceSession> open)
    {
        if (manifest.Kind != "embedding")
            throw new BadInputException($"model '{manifest.Name}' is a {manifest.Kind}, not an embedding model");
        Manifest = manifest;
        _session = open();
        try
        {
            if (_session.InputMetadata.Count != 1)
                throw new BadInputException($"{source}: an embedding model takes one input, this one takes {_session.InputMetadata.Count}");
            _inputName = _session.InputMetadata.Keys.Single();
            _outputName = _session.OutputMetadata.Keys.First();
            CheckOutputLength(source);
        }
        catch
        {
            Dispose();
            throw;
        }
        Template = FaceTemplate.For(manifest.Template, InputSize);
    }

    /// <summary>Runs one blank face once, at load, so that a model whose output disagrees with its manifest's
    /// embedding size (or that does not take InputSize x InputSize NHWC input) is refused before any work.</summary>
    private void CheckOutputLength(string path)
    {
        int d;
        try
        {
            d = Run(new float[InputSize * InputSize * 3], 1, default, checkLength: false)[0].Length;
        }
        catch (OnnxRuntimeException e)
        {
            throw new BadInputException($"{path}: does not run on [1,{InputSize},{InputSize},3] input as its manifest says ({e.Message.Split('\n')[0]})", e);
        }
        if (d != EmbeddingSize)
            throw new BadInputException($"{path}: gives {d} values per face, its manifest says embeddingSize {EmbeddingSize}");
    }

    /// <summary>The default embedder (MobileFaceNet), fetched on first use.</summary>
    public static FaceEmbedder CreateDefault(int intraOpThreads = 1) => new(FaceModels.MobileFaceNet.Resolve(), intraOpThreads);

    public ModelManifest Manifest { get; }
    public int InputSize => Manifest.InputSize;
    public int EmbeddingSize => Manifest.EmbeddingSize;

    /// <summary>The landmark template crops for this model must be aligned to.</summary>
    public FaceTemplate Template { get; }

    /// <summary>Embeds one aligned face crop (InputSize x InputSize).</summary>
    public float[] Embed(RgbImage alignedFace) => EmbedBatch([alignedFace])[0];

    /// <summary>Embeds aligned crops in one run; each result is L2-normalised.</summary>
    public float[][] EmbedBatch(IReadOnlyList<RgbImage> alignedFaces) => EmbedBatch(alignedFaces, default);

    /// <summary>Embeds aligned crops in one run; each result is L2-normalised, and <paramref name="norms"/> (when not
    /// empty, one per crop) receives each raw output's length before normalisation: a face-quality signal
    /// (blurred, tiny or non-face crops give shorter vectors).</summary>
    public float[][] EmbedBatch(IReadOnlyList<RgbImage> alignedFaces, Span<float> norms)
    {
        if (alignedFaces.Count == 0) return [];
        int n = alignedFaces.Count, size = InputSize, per = size * size * 3;
        var input = new float[n * per];
        for (int i = 0; i < n; i++)
        {
            var face = alignedFaces[i];
            if (face.Width != size || face.Height != size)
                throw new ArgumentException($"face {i} is {face.Width}x{face.Height}; {Manifest.Name} takes {size}x{size} aligned crops");
            TensorPacker.Pack(face, input.AsSpan(i * per, per), Manifest.Mean, Manifest.Scale);
        }
        return Run(input, n, norms);
    }

    /// <summary>Embeds already normalised NHWC input (n x InputSize x InputSize x 3 floats); <paramref name="norms"/>
    /// as in <see cref="EmbedBatch(IReadOnlyList{RgbImage}, Span{float})"/>.</summary>
    public float[][] Run(float[] nhwc, int count, Span<float> norms = default) => Run(nhwc, count, norms, checkLength: true);

    private float[][] Run(float[] nhwc, int count, Span<float> norms, bool checkLength)
    {
        if (!norms.IsEmpty && norms.Length != count)
            throw new ArgumentException($"norms has {norms.Length} slots for {count} faces", nameof(norms));
        using var inputValue = OrtValue.CreateTensorValueFromMemory(nhwc, [count, InputSize, InputSize, 3]);
        using var outputs = _session.Run(_runOptions, [_inputName], [inputValue], [_outputName]);
        var flat = outputs[0].GetTensorDataAsSpan<float>();
        int d = flat.Length / count;
        if (checkLength && d != EmbeddingSize)
            throw new InvalidOperationException($"{Manifest.Name} produced {d} values per face; its manifest says {EmbeddingSize}");
        var result = new float[count][];
        for (int i = 0; i < count; i++)
        {
            result[i] = flat.Slice(i * d, d).ToArray();
            float norm = L2Norm.Normalize(result[i]);
            if (!norms.IsEmpty) norms[i] = norm;
        }
        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
