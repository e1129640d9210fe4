using Microsoft.ML;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>Entry point: <c>mlContext.FaceRecognition().Trainers.FastFaceNet(...)</c>.</summary>
public static class FaceRecognitionCatalogExtensions
{
    public static FaceRecognitionCatalog FaceRecognition(this MLContext mlContext) => new(mlContext);
}

/// <summary>Face recognition (embedding) trainers as ML.NET estimators.</summary>
public sealed class FaceRecognitionCatalog(MLContext mlContext)
{
    public MLContext Context { get; } = mlContext ?? throw new ArgumentNullException(nameof(mlContext));

    public FaceRecognitionTrainers Trainers => new(Context);
}

public sealed class FaceRecognitionTrainers(MLContext mlContext)
{
    /// <summary>
    /// Trains Fast-FaceNet (MobileNet-v1 at width θ, triplet loss, optional distillation) on an <c>IDataView</c> of
    /// (image path, identity label) text columns, exports it to ONNX + manifest.json and returns a transformer that
    /// loads, detects, aligns and embeds the images of the path column into <see cref="FastFaceNetEstimatorOptions.OutputColumnName"/>.
    /// </summary>
    public FastFaceNetEstimator FastFaceNet(FastFaceNetEstimatorOptions options) => new(mlContext, options);

    /// <summary>Shorthand for <see cref="FastFaceNet(FastFaceNetEstimatorOptions)"/> with the given training options.</summary>
    public FastFaceNetEstimator FastFaceNet(FastFaceNetOptions training, string imagePathColumnName = "ImagePath",
        string labelColumnName = "Label", string outputColumnName = "Embedding", string? outputDirectory = null) =>
        new(mlContext, new FastFaceNetEstimatorOptions
        {
            Training = training ?? throw new ArgumentNullException(nameof(training)),
            ImagePathColumnName = imagePathColumnName,
            LabelColumnName = labelColumnName,
            OutputColumnName = outputColumnName,
            OutputDirectory = outputDirectory,
        });
}
