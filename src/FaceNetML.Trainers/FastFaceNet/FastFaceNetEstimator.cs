using FaceNetML.Imaging;
using System.Globalization;
using FaceNetML.MLNet;
using FaceNetML.Embedding;
using FaceNetML.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>Options of <see cref="FastFaceNetEstimator"/>: the training options plus the ML.NET columns and where the model goes.</summary>
public sealed record FastFaceNetEstimatorOptions
{
    /// <summary>Network and training options (any <see cref="FastFaceNetOptions.InputSize"/> <c>AlignFaces</c> takes: 16 to 1024).</summary>
    public FastFaceNetOptions Training { get; init; } = new();
    /// <summary>Text column with image file paths (absolute, or relative to the current directory).</summary>
    public string ImagePathColumnName { get; init; } = "ImagePath";
    /// <summary>Text column with the identity of each image.</summary>
    public string LabelColumnName { get; init; } = "Label";
    /// <summary>Embedding column the fitted transformer adds (known-size Single vector, L2-normalised).</summary>
    public string OutputColumnName { get; init; } = "Embedding";
    /// <summary>Folder for model.onnx + manifest.json (default: a new folder in the model store, named after θ, size and time).</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Aligned-crop cache folder (default ~/.cache/facenetml/crops).</summary>
    public string? CacheDirectory { get; init; }
    /// <summary>Teacher embedder for distillation (null: triplet loss only).</summary>
    public FaceModel? Teacher { get; init; }
    /// <summary>Model store for the detector, the teacher and the default output folder (null: the default store).</summary>
    public ModelStore? Store { get; init; }
    /// <summary>Images decoded, detected and aligned in parallel while building the crop cache.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Identities with fewer images are left out of training (a triplet needs two).</summary>
    public int MinImagesPerIdentity { get; init; } = 2;
    /// <summary>Called for every training step.</summary>
    public Action<TrainingStep>? Progress { get; init; }
}

/// <summary>
/// Fast-FaceNet as an ML.NET trainer. <see cref="Fit"/> reads the (image path, identity label) rows, presents
/// them to <see cref="AlignedCropCache"/> (crops cached as for the CLI), trains and exports with <see cref="FastFaceNetTraining"/> and
/// returns the chain <c>LoadFaceImages → DetectFaces → AlignFaces(InputSize) → FaceEmbed(exported model)</c> fitted on
/// the input. The chain is made of this library's saveable transforms (the ONNX bytes go inside model.zip), so the
/// model saves with <c>mlContext.Model.Save</c> and loads after <c>RegisterFaceNetML()</c>.
/// </summary>
public sealed class FastFaceNetEstimator : IEstimator<FastFaceNetModel>
{
    private const string ImageColumn = "__FaceNetML_FastFaceNet_Image";
    private const string AlignedColumn = "__FaceNetML_FastFaceNet_Aligned";

    private readonly MLContext _ml;

    public FastFaceNetEstimator(MLContext mlContext, FastFaceNetEstimatorOptions options)
    {
        _ml = mlContext ?? throw new ArgumentNullException(nameof(mlContext));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(options.Training, nameof(options.Training));
        int size = options.Training.InputSize;
        if (size is < 16 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(options), size, $"Training.InputSize must lie in 16..1024 (the sizes AlignFaces supports), not {size}");
    }

    public FastFaceNetEstimatorOptions Options { get; }

    public FastFaceNetModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var rows = ReadRows(input);
        var set = AlignedCropCache.Load(rows.Select(r => (r.Label, r.Path)), new CropCacheOptions
        {
            Size = o.Training.InputSize, CacheDirectory = o.CacheDirectory, Teacher = o.Teacher, Store = o.Store,
            Parallelism = Math.Max(1, o.Parallelism), MinImagesPerIdentity = o.MinImagesPerIdentity,
        });

        var outDir = o.OutputDirectory ?? (o.Store ?? ModelStore.Default).ModelDirectory(
            FastFaceNetExporter.DefaultName(o.Training.Width, o.Training.InputSize) + "-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture));
        var run = FastFaceNetTraining.Run(set, o.Training with { Store = o.Training.Store ?? o.Store }, o.Teacher, outDir, "FastFaceNetEstimator", progress: o.Progress);
        var (result, model) = (run.Result, run.Model);

        var chain = Chain(FaceModels.FromFile(Path.GetDirectoryName(model.OnnxPath)!)).Fit(input);
        return new FastFaceNetModel(model, result.Threshold.Threshold, result.Threshold.Accuracy, result.History,
            result.StoppedByTimeLimit, set.Identities.Count, set.Count, chain);
    }

    /// <summary>
    /// The fitted chain's columns: the detection columns (<c>FaceCount</c>, <c>FaceBoxes</c>, ...), <c>FaceFound</c>
    /// and the embedding (a Single vector of <see cref="FastFaceNetOptions.EmbeddingSize"/>).
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var name in new[] { Options.ImagePathColumnName, Options.LabelColumnName })
        {
            var column = inputSchema.FirstOrDefault(c => c.Name == name);
            if (column.Name is null)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"input column '{name}' not found");
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"input column '{name}' must be a text scalar");
        }
        // The embedding's shape (a known-size Single vector; SchemaShape keeps no size) without the trained model:
        // the same shape as the pixel vector FaceEmbed starts from.
        return Prefix()
            .Append(_ml.Transforms.ExtractPixels(Options.OutputColumnName, AlignedColumn, outputAsFloatArray: true))
            .Append(_ml.Transforms.DropColumns(AlignedColumn))
            .GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> Prefix() =>
        _ml.Transforms.LoadFaceImages(ImageColumn, Options.ImagePathColumnName)
            .Append(_ml.Transforms.DetectFaces(inputColumnName: ImageColumn))
            .Append(_ml.Transforms.AlignFaces(AlignedColumn, ImageColumn, Options.Training.InputSize))
            .Append(_ml.Transforms.DropColumns(ImageColumn));

    private IEstimator<ITransformer> Chain(FaceModel model) =>
        Prefix()
            .Append(_ml.Transforms.FaceEmbed(Options.OutputColumnName, AlignedColumn, model, Options.Store))
            .Append(_ml.Transforms.DropColumns(AlignedColumn));

    private List<(string Path, string Label)> ReadRows(IDataView input)
    {
        var schema = input.Schema;
        var pathCol = Find(schema, Options.ImagePathColumnName);
        var labelCol = Find(schema, Options.LabelColumnName);
        var rows = new List<(string, string)>();
        using var cursor = input.GetRowCursor([pathCol, labelCol]);
        var getPath = cursor.GetGetter<ReadOnlyMemory<char>>(pathCol);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(labelCol);
        ReadOnlyMemory<char> path = default, label = default;
        while (cursor.MoveNext())
        {
            getPath(ref path);
            getLabel(ref label);
            var p = path.ToString().Trim();
            var l = label.ToString();
            if (p.Length == 0 || string.IsNullOrWhiteSpace(l)) continue;
            var full = Path.GetFullPath(p);
            if (!File.Exists(full)) throw new BadInputException($"{p}: image not found");
            if (!ImageDecoder.IsImageFile(full))
                throw new BadInputException($"{p}: not an image file ({string.Join(", ", ImageDecoder.FileExtensions)})");
            rows.Add((full, l));
        }
        if (rows.Count == 0) throw new InvalidOperationException("no (image path, label) rows to train on");
        return rows;
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema), $"input column '{name}' not found");
        if (column.Type is not TextDataViewType) throw new ArgumentOutOfRangeException(nameof(schema), $"input column '{name}' must be text, not {column.Type}");
        return column;
    }

}

/// <summary>
/// A fitted <see cref="FastFaceNetEstimator"/>: the exported <see cref="Model"/>, what training did, and the ML.NET
/// chain that embeds (saved as that chain, so loading model.zip gives back the chain).
/// </summary>
public sealed class FastFaceNetModel(InstalledModel model, float threshold, double trainingPairAccuracy, IReadOnlyList<TrainingStep> history,
    bool stoppedByTimeLimit, int identities, int images, ITransformer chain) : ChainedModel(chain)
{
    /// <summary>The exported ONNX model and manifest (usable as <c>FaceModels.FromFile</c>, by the CLI and <c>FaceEmbed</c>).</summary>
    public InstalledModel Model { get; } = model;
    /// <summary>Euclidean distance threshold estimated on training pairs (stored in the manifest).</summary>
    public float Threshold { get; } = threshold;
    public double TrainingPairAccuracy { get; } = trainingPairAccuracy;
    public IReadOnlyList<TrainingStep> History { get; } = history;
    public bool StoppedByTimeLimit { get; } = stoppedByTimeLimit;
    public int Identities { get; } = identities;
    public int Images { get; } = images;
}
