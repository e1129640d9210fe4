using FaceNetML.Evaluation;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Tests.MLNet;

/// <summary>lfw-dev embedded once per test run (~75 s) through <see cref="LfwEvaluator"/>, the route <c>facenetml eval lfw</c> takes.</summary>
internal static class LfwDevFixture
{
    private static readonly Lazy<(LfwPairs Pairs, LfwEvaluation Evaluation)> Value = new(() =>
    {
        var pairs = LfwPairs.Load(TestData.DataPath("lfw-dev", "pairs.txt"), TestData.DataPath("lfw-dev", "images"));
        using var pipeline = new FacePipeline(new FacePipelineOptions { Choice = FaceChoice.Centred, FallBackToCentreCrop = true });
        return (pairs, LfwEvaluator.Evaluate(pipeline, pairs));
    });

    public static LfwPairs Pairs => Value.Value.Pairs;
    public static LfwEvaluation Evaluation => Value.Value.Evaluation;
}
