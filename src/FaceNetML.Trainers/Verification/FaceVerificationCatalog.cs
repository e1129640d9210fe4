using Microsoft.ML;

namespace FaceNetML.Trainers.Verification;

/// <summary>Entry point: <c>mlContext.FaceVerification().Trainers.DistanceThreshold(...)</c>.</summary>
public static class FaceVerificationCatalogExtensions
{
    public static FaceVerificationCatalog FaceVerification(this MLContext mlContext) => new(mlContext);
}

/// <summary>Face verification as ML.NET binary classification over pair distances.</summary>
public sealed class FaceVerificationCatalog(MLContext mlContext)
{
    public MLContext Context { get; } = mlContext ?? throw new ArgumentNullException(nameof(mlContext));

    public FaceVerificationTrainers Trainers => new(Context);
}

public sealed class FaceVerificationTrainers(MLContext mlContext)
{
    /// <summary>
    /// Learns the distance threshold of maximum accuracy (exact sweep, <see cref="FaceNetML.Verification.BestThreshold.Find"/>) from a
    /// Boolean label column and a Single distance column (e.g. from <c>FacePair</c>), and a Platt calibration of
    /// the score. The model adds <c>Score</c> (= threshold − distance), <c>PredictedLabel</c> (distance &lt; threshold)
    /// and <c>Probability</c>, ready for <c>mlContext.BinaryClassification.Evaluate</c>.
    /// </summary>
    public DistanceThresholdTrainer DistanceThreshold(string labelColumnName = "Label", string distanceColumnName = "Distance") =>
        new(mlContext, labelColumnName, distanceColumnName);
}
