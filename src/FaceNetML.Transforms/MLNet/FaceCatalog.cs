using FaceNetML.Detection;
using FaceNetML.Embedding;
using FaceNetML.Models;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Onnx;
using Microsoft.ML.Transforms.Image;

namespace FaceNetML.MLNet;

/// <summary>
/// FaceNetML as ML.NET estimators: <c>mlContext.Transforms.LoadFaceImages(...)</c>, <c>DetectFaces(...)</c>,
/// <c>AlignFaces(...)</c>, <c>FaceEmbed(...)</c>, <c>FacePair(...)</c>. Every estimator is a chain of public ML.NET
/// pieces (<c>CustomMapping</c> with versioned contracts running FaceNetML's own decoder, detector, aligner and embedder,
/// and <c>MapValue</c> constant columns that carry the detector's and the embedder's ONNX bytes and settings), so a
/// fitted model survives <c>mlContext.Model.Save</c> with every weight and setting inside, and loads in a fresh
/// <see cref="MLContext"/> after <see cref="RegisterFaceNetML"/> without the model store.
/// </summary>
/// <remarks>Internal column names start with <c>__FaceNetML_</c>.</remarks>
public static class FaceCatalog
{
    /// <summary>Sizes <see cref="AlignFaces"/> gives as fixed-size image columns (one CustomMapping contract each; ML.NET's
    /// <c>ExtractPixels</c> can read them). Other sizes from 16 to 1024 come as images of unfixed size.</summary>
    public static IReadOnlyList<int> AlignSizes { get; } = [112, 160];

    /// <summary>Registers this assembly's CustomMapping factories, needed before <c>mlContext.Model.Load</c>.</summary>
    public static MLContext RegisterFaceNetML(this MLContext mlContext)
    {
        FaceComponents.EnsureImageType();
        mlContext.ComponentCatalog.RegisterAssembly(typeof(FaceCatalog).Assembly);
        return mlContext;
    }

    /// <summary>
    /// Loads image files as an <c>MLImage</c> column with FaceNetML's decoder: EXIF orientation applied, grayscale as
    /// three channels, the same pixels as the CLI (ML.NET's <c>LoadImages</c> ignores EXIF).
    /// </summary>
    public static IEstimator<ITransformer> LoadFaceImages(this TransformsCatalog catalog, string outputColumnName = "Image", string inputColumnName = "Path")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        return ColumnPlumbing.Wrap(catalog,
            [new InputOutputColumnPair(LoadFaceImagesMappingFactory.PathColumn, inputColumnName)],
            catalog.CustomMapping<LoadFaceImagesInput, LoadFaceImagesOutput>(LoadFaceImagesMappingFactory.Map, LoadFaceImagesMappingFactory.ContractName),
            [new InputOutputColumnPair(outputColumnName, LoadFaceImagesMappingFactory.ImageColumn)]);
    }

    /// <summary>
    /// MTCNN on an <c>MLImage</c> column. Adds <c>{prefix}Count</c> (Int32), <c>{prefix}Boxes</c> (x, y, w, h per
    /// face), <c>{prefix}Scores</c> and <c>{prefix}Landmarks</c> (10 per face) as variable-length Single vectors,
    /// largest face first. The detector's three models and its <paramref name="options"/> (default: MTCNN's defaults)
    /// are saved inside model.zip: a loaded model runs without the model store and detects as the fitted one did.
    /// </summary>
    public static IEstimator<ITransformer> DetectFaces(this TransformsCatalog catalog, string outputColumnPrefix = "Face", string inputColumnName = "Image",
        MtcnnOptions? options = null, ModelStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        return ColumnPlumbing.Wrap(catalog,
            [new InputOutputColumnPair(DetectFacesMappingFactory.ImageColumn, inputColumnName)],
            DetectorColumns.Attach(catalog, options ?? new MtcnnOptions(), store)
                .Append(new ImageMappingEstimator<DetectFacesWithSettingsInput, DetectFacesOutput>(
                    catalog.CustomMapping<DetectFacesWithSettingsInput, DetectFacesOutput>(DetectFacesWithSettingsMappingFactory.Map, DetectFacesWithSettingsMappingFactory.ContractName))),
            [
                new InputOutputColumnPair(outputColumnPrefix + "Count", DetectFacesMappingFactory.CountColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Boxes", DetectFacesMappingFactory.BoxesColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Scores", DetectFacesMappingFactory.ScoresColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Landmarks", DetectFacesMappingFactory.LandmarksColumn),
            ],
            DetectorColumns.KeyColumn, DetectorColumns.ModelsColumn, DetectorColumns.SettingsColumn);
    }

    /// <summary>
    /// The face of each image the pipeline chooses (the largest, as the CLI and the server choose; from the
    /// <see cref="DetectFaces"/> columns with prefix <paramref name="facesColumnPrefix"/>) aligned to
    /// <paramref name="template"/> as a <paramref name="size"/> x <paramref name="size"/> <c>MLImage</c> (16 to 1024: the
    /// model manifest's input size and template; a fixed-size column for <see cref="AlignSizes"/>), with
    /// <paramref name="faceFoundColumnName"/> (Boolean). An image without a face gives a missing image, and so a missing
    /// (NaN) embedding from <see cref="FaceEmbed"/>, as the CLI (exit 3) and the server (422) refuse it; with
    /// <paramref name="centreCropWithoutFace"/> it gives the centred square crop instead (the LFW protocol's fallback,
    /// <see cref="Pipeline.FacePipelineOptions.FallBackToCentreCrop"/>). The same alignment code as the CLI.
    /// </summary>
    public static IEstimator<ITransformer> AlignFaces(this TransformsCatalog catalog, string outputColumnName = "AlignedFace",
        string inputColumnName = "Image", int size = 112, string facesColumnPrefix = "Face", string faceFoundColumnName = "FaceFound",
        string template = "standard", bool centreCropWithoutFace = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        if (!Alignment.FaceTemplate.IsKnown(template)) throw new ArgumentException($"unknown template '{template}'", nameof(template));
        if (size is < 16 or > 1024) throw new ArgumentOutOfRangeException(nameof(size), $"AlignFaces supports sizes 16 to 1024, not {size}");
        bool crop = centreCropWithoutFace;
        IEstimator<ITransformer> AnySize(Func<Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>> mapping, string contract) =>
            catalog.Expression(AlignFacesColumns.Size, $"c => {size}", AlignFacesColumns.Count)
                .Append(new ImageMappingEstimator<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>(catalog.CustomMapping(mapping(), contract)));
        IEstimator<ITransformer> mapping = template == "dlib"
            ? crop ? AnySize(new AlignFacesDlibCentreCropMappingFactory().GetMapping, AlignFacesDlibCentreCropMappingFactory.ContractName)
                   : AnySize(new AlignFacesDlibMappingFactory().GetMapping, AlignFacesDlibMappingFactory.ContractName)
            : size switch
        {
            112 => crop
                ? new ImageMappingEstimator<AlignFacesInput, AlignFaces112Output>(catalog.CustomMapping(new AlignFaces112CentreCropMappingFactory().GetMapping(), AlignFaces112CentreCropMappingFactory.ContractName))
                : new ImageMappingEstimator<AlignFacesInput, AlignFaces112Output>(catalog.CustomMapping(new AlignFaces112MappingFactory().GetMapping(), AlignFaces112MappingFactory.ContractName)),
            160 => crop
                ? new ImageMappingEstimator<AlignFacesInput, AlignFaces160Output>(catalog.CustomMapping(new AlignFaces160CentreCropMappingFactory().GetMapping(), AlignFaces160CentreCropMappingFactory.ContractName))
                : new ImageMappingEstimator<AlignFacesInput, AlignFaces160Output>(catalog.CustomMapping(new AlignFaces160MappingFactory().GetMapping(), AlignFaces160MappingFactory.ContractName)),
            _ => crop ? AnySize(new AlignFacesAnySizeCentreCropMappingFactory().GetMapping, AlignFacesAnySizeCentreCropMappingFactory.ContractName)
                      : AnySize(new AlignFacesAnySizeMappingFactory().GetMapping, AlignFacesAnySizeMappingFactory.ContractName),
        };
        return ColumnPlumbing.Wrap(catalog,
            [
                new InputOutputColumnPair(AlignFacesColumns.Image, inputColumnName),
                new InputOutputColumnPair(AlignFacesColumns.Boxes, facesColumnPrefix + "Boxes"),
                new InputOutputColumnPair(AlignFacesColumns.Scores, facesColumnPrefix + "Scores"),
                new InputOutputColumnPair(AlignFacesColumns.Landmarks, facesColumnPrefix + "Landmarks"),
                new InputOutputColumnPair(AlignFacesColumns.Count, facesColumnPrefix + "Count"),
            ],
            mapping,
            [
                new InputOutputColumnPair(outputColumnName, AlignFacesColumns.Aligned),
                new InputOutputColumnPair(faceFoundColumnName, AlignFacesColumns.Found),
            ],
            AlignSizes.Contains(size) ? [] : [AlignFacesColumns.Size]);
    }

    /// <summary>
    /// The L2-normalised embedding of an aligned face image column, computed by the CLI's own <c>FaceEmbedder</c>
    /// (same normalisation, same ONNX Runtime path); a known-size <c>Vector&lt;Single, D&gt;</c> for D = 128, 192, 512.
    /// A missing aligned face (an image without a face) gives a missing embedding: NaN in every slot.
    /// The model's ONNX bytes and manifest are saved inside model.zip.
    /// </summary>
    public static IEstimator<ITransformer> FaceEmbed(this TransformsCatalog catalog, string outputColumnName = "Embedding",
        string inputColumnName = "AlignedFace", FaceModel? model = null, ModelStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        var installed = (model ?? FaceModels.MobileFaceNet).Resolve(store);
        if (installed.IsFusion)
            throw new BadInputException($"model '{installed.Name}' is a fusion: FaceEmbed takes one aligned column, use FaceEmbedFused (it aligns for each model)");
        var m = installed.Manifest;
        if (m.Kind != "embedding") throw new BadInputException($"model '{m.Name}' is a {m.Kind}, not an embedding model");
        return FaceEmbedColumns.Estimator(catalog, installed, outputColumnName, inputColumnName);
    }

    /// <summary>
    /// The ML.NET form of a fusion handle (<c>FaceModels.MobileFaceNetDlibResNet</c>, <c>--model mobilefacenet+dlib-resnet</c>):
    /// from the image and <see cref="DetectFaces"/> columns, the largest face aligned to each model's template
    /// (<see cref="AlignFaces"/>), embedded by each (<see cref="FaceEmbed"/>), and fused as the CLI fuses them
    /// (<see cref="FuseEmbeddings"/>: <c>[sqrt(w)·a, sqrt(1-w)·b]</c>, the handle's learned weight).
    /// </summary>
    public static IEstimator<ITransformer> FaceEmbedFused(this TransformsCatalog catalog, FaceModel fusion, string outputColumnName = "Embedding",
        string inputColumnName = "Image", string facesColumnPrefix = "Face", string faceFoundColumnName = "FaceFound", ModelStore? store = null,
        bool centreCropWithoutFace = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var installed = fusion.Resolve(store);
        if (installed.Parts is not [var first, var second] || installed.Fusion is not { } f)
            throw new BadInputException($"model '{installed.Name}' is not a fusion of two models (a+b)");
        const string a = "__FaceNetML_Fused_AlignedA", b = "__FaceNetML_Fused_AlignedB", ea = "__FaceNetML_Fused_A", eb = "__FaceNetML_Fused_B", found = "__FaceNetML_Fused_FoundB";
        return catalog.AlignFaces(a, inputColumnName, first.Manifest.InputSize, facesColumnPrefix, faceFoundColumnName, first.Manifest.Template, centreCropWithoutFace)
            .Append(catalog.AlignFaces(b, inputColumnName, second.Manifest.InputSize, facesColumnPrefix, found, second.Manifest.Template, centreCropWithoutFace))
            .Append(FaceEmbedColumns.Estimator(catalog, first, ea, a))
            .Append(FaceEmbedColumns.Estimator(catalog, second, eb, b))
            .Append(catalog.FuseEmbeddings(outputColumnName, ea, eb, f.Weight))
            .Append(catalog.DropColumns(a, b, ea, eb, found));
    }

    /// <summary>
    /// Fuses two L2-normalised embedding columns into one unit embedding <c>[sqrt(w)·a, sqrt(1-w)·b]</c>, whose squared
    /// distance is <c>w·da² + (1-w)·db²</c> (the CLI's fusion, <see cref="ModelFusion"/>). The weight is saved in model.zip.
    /// </summary>
    public static IEstimator<ITransformer> FuseEmbeddings(this TransformsCatalog catalog, string outputColumnName, string embeddingColumnA, string embeddingColumnB, float weight)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (!(weight > 0 && weight < 1)) throw new ArgumentOutOfRangeException(nameof(weight), "the first embedding's weight lies strictly between 0 and 1");
        return ColumnPlumbing.Wrap(catalog,
            [
                new InputOutputColumnPair(FuseEmbeddingsMappingFactory.AColumn, embeddingColumnA),
                new InputOutputColumnPair(FuseEmbeddingsMappingFactory.BColumn, embeddingColumnB),
            ],
            catalog.CustomMapping<FuseEmbeddingsKeyInput, FuseEmbeddingsKeyOutput>(FuseEmbeddingsKeyMappingFactory.Map, FuseEmbeddingsKeyMappingFactory.ContractName)
                .Append(catalog.Conversion.MapValue(FuseEmbeddingsMappingFactory.WeightColumn,
                    [new KeyValuePair<int, float>(FuseEmbeddingsKeyMappingFactory.KeyValue, weight)], FuseEmbeddingsKeyMappingFactory.KeyColumn))
                .Append(catalog.CustomMapping(new FuseEmbeddingsMappingFactory().GetMapping(), FuseEmbeddingsMappingFactory.ContractName)),
            [new InputOutputColumnPair(outputColumnName, FuseEmbeddingsMappingFactory.FusedColumn)],
            FuseEmbeddingsKeyMappingFactory.KeyColumn, FuseEmbeddingsMappingFactory.WeightColumn);
    }

    /// <summary>
    /// Compares two embedding columns: <paramref name="distanceColumnName"/> = Euclidean distance (the CLI's),
    /// <paramref name="scoreColumnName"/> = cosine similarity (higher = more alike). NaN for empty or mismatched vectors.
    /// </summary>
    public static IEstimator<ITransformer> FacePair(this TransformsCatalog catalog, string embeddingColumnA, string embeddingColumnB,
        string distanceColumnName = "Distance", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ColumnPlumbing.Wrap(catalog,
            [
                new InputOutputColumnPair(FacePairMappingFactory.AColumn, embeddingColumnA),
                new InputOutputColumnPair(FacePairMappingFactory.BColumn, embeddingColumnB),
            ],
            catalog.CustomMapping(new FacePairMappingFactory().GetMapping(), FacePairMappingFactory.ContractName),
            [
                new InputOutputColumnPair(distanceColumnName, FacePairMappingFactory.DistanceColumn),
                new InputOutputColumnPair(scoreColumnName, FacePairMappingFactory.ScoreColumn),
            ]);
    }
}
