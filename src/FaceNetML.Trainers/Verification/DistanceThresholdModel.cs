using Microsoft.ML;

namespace FaceNetML.Trainers.Verification;

/// <summary>
/// A fitted <see cref="DistanceThresholdTrainer"/>: the learnt <see cref="Threshold"/>, its accuracy on the training
/// pairs, and the ML.NET chain that scores (saved as that chain).
/// </summary>
public sealed class DistanceThresholdModel(float threshold, double trainingAccuracy, ITransformer chain) : ChainedModel(chain)
{
    public float Threshold { get; } = threshold;
    public double TrainingAccuracy { get; } = trainingAccuracy;
}
