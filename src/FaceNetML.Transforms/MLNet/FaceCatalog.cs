using FaceNetML.Embedding;
using FaceNetML.Models;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace FaceNetML.MLNet;

/// <summary>
/// FaceNetML as ML.NET estimators: <c>mlContext.Transforms.DetectFaces(...)</c>, <c>AlignFaces(...)</c>,
/// <c>FaceEmbed(...)</c>, <c>FacePair(...)</c>. Every estimator is a chain of public ML.NET pieces
/// (<c>CustomMapping</c> with versioned contracts, <c>ExtractPixels</c>, <c>ApplyOnnxModel</c> — the ONNX bytes
/// are stored inside model.zip — and <c>NormalizeLpNorm</c>), so fitted models survive <c>mlContext.Model.Save</c>
/// and load in a fresh <see cref="MLContext"/> after <see cref="RegisterFaceNetML"/>.
/// </summary>
/// <remarks>
/// Internal column names start with <c>__FaceNetML_</c>; <see cref="FaceEmbed"/> also uses, then drops, the
/// ONNX model's own input and output names (<c>input</c>, <c>embeddings</c> for MobileFaceNet).
/// Detection uses MTCNN with default settings from the model store (the detector models are not stored in model.zip).
/// </remarks>
public static class FaceCatalog
{
    private static IEstimator<ITransformer> Copy(TransformsCatalog catalog, InputOutputColumnPair[] pairs)
    {
        IEstimator<ITransformer> chain = catalog.CopyColumns(pairs[0].OutputColumnName, pairs[0].InputColumnName);
        foreach (var p in pairs.Skip(1))
            chain = chain.Append(catalog.CopyColumns(p.OutputColumnName, p.InputColumnName));
        return chain;
    }

    /// <summary>Sizes <see cref="AlignFaces"/> supports (one CustomMapping contract per size).</summary>
    public static IReadOnlyList<int> AlignSizes { get; } = [112, 160];

    /// <summary>Registers this assembly's CustomMapping factories, needed before <c>mlContext.Model.Load</c>.</summary>
    public static MLContext RegisterFaceNetML(this MLContext mlContext)
    {
        FaceComponents.EnsureImageType();
        mlContext.ComponentCatalog.RegisterAssembly(typeof(FaceCatalog).Assembly);
        return mlContext;
    }

    /// <summary>
    /// MTCNN on an <c>MLImage</c> column. Adds <c>{prefix}Count</c> (Int32), <c>{prefix}Boxes</c> (x, y, w, h per
    /// face), <c>{prefix}Scores</c> and <c>{prefix}Landmarks</c> (10 per face) as variable-length Single vectors,
    /// largest face first.
    /// </summary>
    public static IEstimator<ITransformer> DetectFaces(this TransformsCatalog catalog, string outputColumnPrefix = "Face", string inputColumnName = "Image")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        return catalog.CopyColumns(DetectFacesMappingFactory.ImageColumn, inputColumnName)
            .Append(new ImageMappingEstimator<DetectFacesInput, DetectFacesOutput>(catalog.CustomMapping<DetectFacesInput, DetectFacesOutput>(DetectFacesMappingFactory.Map, DetectFacesMappingFactory.ContractName)))
            .Append(Copy(catalog,
            [
                new InputOutputColumnPair(outputColumnPrefix + "Count", DetectFacesMappingFactory.CountColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Boxes", DetectFacesMappingFactory.BoxesColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Scores", DetectFacesMappingFactory.ScoresColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Landmarks", DetectFacesMappingFactory.LandmarksColumn),
            ]))
            .Append(catalog.DropColumns(DetectFacesMappingFactory.ImageColumn, DetectFacesMappingFactory.CountColumn,
                DetectFacesMappingFactory.BoxesColumn, DetectFacesMappingFactory.ScoresColumn, DetectFacesMappingFactory.LandmarksColumn));
    }

    /// <summary>
    /// The largest face of each image (from the <see cref="DetectFaces"/> columns with prefix
    /// <paramref name="facesColumnPrefix"/>) aligned to the standard 5-point template as a
    /// <paramref name="size"/> x <paramref name="size"/> <c>MLImage</c>; a centred crop when there is no face, with
    /// <paramref name="faceFoundColumnName"/> (Boolean) false. The same alignment code as the CLI.
    /// </summary>
    public static IEstimator<ITransformer> AlignFaces(this TransformsCatalog catalog, string outputColumnName = "AlignedFace",
        string inputColumnName = "Image", int size = 112, string facesColumnPrefix = "Face", string faceFoundColumnName = "FaceFound")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        FaceComponents.EnsureImageType();
        IEstimator<ITransformer> mapping = size switch
        {
            112 => new ImageMappingEstimator<AlignFacesInput, AlignFaces112Output>(catalog.CustomMapping(new AlignFaces112MappingFactory().GetMapping(), AlignFaces112MappingFactory.ContractName)),
            160 => new ImageMappingEstimator<AlignFacesInput, AlignFaces160Output>(catalog.CustomMapping(new AlignFaces160MappingFactory().GetMapping(), AlignFaces160MappingFactory.ContractName)),
            _ => throw new ArgumentOutOfRangeException(nameof(size), $"AlignFaces supports sizes {string.Join(", ", AlignSizes)}, not {size}"),
        };
        return Copy(catalog,
            [
                new InputOutputColumnPair(AlignFacesColumns.Image, inputColumnName),
                new InputOutputColumnPair(AlignFacesColumns.Boxes, facesColumnPrefix + "Boxes"),
                new InputOutputColumnPair(AlignFacesColumns.Scores, facesColumnPrefix + "Scores"),
                new InputOutputColumnPair(AlignFacesColumns.Landmarks, facesColumnPrefix + "Landmarks"),
            ])
            .Append(mapping)
            .Append(Copy(catalog,
            [
                new InputOutputColumnPair(outputColumnName, AlignFacesColumns.Aligned),
                new InputOutputColumnPair(faceFoundColumnName, AlignFacesColumns.Found),
            ]))
            .Append(catalog.DropColumns(AlignFacesColumns.Image, AlignFacesColumns.Boxes, AlignFacesColumns.Scores,
                AlignFacesColumns.Landmarks, AlignFacesColumns.Aligned, AlignFacesColumns.Found));
    }

    /// <summary>
    /// The L2-normalised embedding of an aligned face image column as a known-size <c>Vector&lt;Single, D&gt;</c>:
    /// <c>ExtractPixels</c> with the model manifest's mean and scale (RGB, interleaved = NHWC), then
    /// <c>ApplyOnnxModel</c> (ONNX bytes kept in model.zip), then <c>NormalizeLpNorm</c>.
    /// </summary>
    public static IEstimator<ITransformer> FaceEmbed(this TransformsCatalog catalog, string outputColumnName = "Embedding",
        string inputColumnName = "AlignedFace", FaceModel? model = null, ModelStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var installed = (model ?? FaceModels.MobileFaceNet).Resolve(store);
        var m = installed.Manifest;
        if (m.Kind != "embedding") throw new BadInputException($"model '{m.Name}' is a {m.Kind}, not an embedding model");
        if (m.Layout != "NHWC" || m.ChannelOrder != "RGB")
            throw new BadInputException($"model '{m.Name}': FaceEmbed supports NHWC RGB models, not {m.Layout} {m.ChannelOrder}");
        string onnxIn, onnxOut;
        using (var session = OnnxSessionFactory.Create(installed.OnnxPath, 1))
        {
            onnxIn = session.InputMetadata.Keys.Single();
            onnxOut = session.OutputMetadata.Keys.First();
        }
        const string pixels = "__FaceNetML_FaceEmbed_Pixels";
        var shapes = new Dictionary<string, int[]> { [onnxIn] = [1, m.InputSize, m.InputSize, 3] };
        return catalog.ExtractPixels(pixels, inputColumnName, ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: true, offsetImage: m.Mean, scaleImage: m.Scale,
                outputAsFloatArray: true)
            .Append(catalog.CopyColumns(onnxIn, pixels))
            .Append(catalog.ApplyOnnxModel(onnxOut, onnxIn, installed.OnnxPath, shapes))
            .Append(catalog.NormalizeLpNorm(outputColumnName, onnxOut, LpNormNormalizingEstimatorBase.NormFunction.L2, ensureZeroMean: false))
            .Append(catalog.DropColumns(pixels, onnxIn, onnxOut));
    }

    /// <summary>
    /// Compares two embedding columns: <paramref name="distanceColumnName"/> = Euclidean distance (the CLI's),
    /// <paramref name="scoreColumnName"/> = cosine similarity (higher = more alike). NaN for empty or mismatched vectors.
    /// </summary>
    public static IEstimator<ITransformer> FacePair(this TransformsCatalog catalog, string embeddingColumnA, string embeddingColumnB,
        string distanceColumnName = "Distance", string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Copy(catalog,
            [
                new InputOutputColumnPair(FacePairMappingFactory.AColumn, embeddingColumnA),
                new InputOutputColumnPair(FacePairMappingFactory.BColumn, embeddingColumnB),
            ])
            .Append(catalog.CustomMapping(new FacePairMappingFactory().GetMapping(), FacePairMappingFactory.ContractName))
            .Append(Copy(catalog,
            [
                new InputOutputColumnPair(distanceColumnName, FacePairMappingFactory.DistanceColumn),
                new InputOutputColumnPair(scoreColumnName, FacePairMappingFactory.ScoreColumn),
            ]))
            .Append(catalog.DropColumns(FacePairMappingFactory.AColumn, FacePairMappingFactory.BColumn,
                FacePairMappingFactory.DistanceColumn, FacePairMappingFactory.ScoreColumn));
    }
}
