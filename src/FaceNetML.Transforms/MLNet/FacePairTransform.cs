using FaceNetML.Verification;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="FacePairMappingFactory"/>: two embeddings (any equal length).</summary>
internal sealed class FacePairInput
{
    [ColumnName(FacePairMappingFactory.AColumn), VectorType]
    public float[] A { get; set; } = [];

    [ColumnName(FacePairMappingFactory.BColumn), VectorType]
    public float[] B { get; set; } = [];
}

/// <summary>Output row of <see cref="FacePairMappingFactory"/>.</summary>
internal sealed class FacePairOutput
{
    [ColumnName(FacePairMappingFactory.DistanceColumn)]
    public float Distance { get; set; }

    [ColumnName(FacePairMappingFactory.ScoreColumn)]
    public float Score { get; set; }
}

/// <summary>
/// Euclidean distance (as <see cref="EmbeddingDistance.Euclidean"/>, the CLI's) and cosine similarity of two
/// embedding columns; NaN when either is empty or lengths differ.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FacePairMappingFactory : CustomMappingFactory<FacePairInput, FacePairOutput>
{
    public const string ContractName = "FaceNetML.FacePair.v1";
    internal const string AColumn = "__FaceNetML_FacePair_A";
    internal const string BColumn = "__FaceNetML_FacePair_B";
    internal const string DistanceColumn = "__FaceNetML_FacePair_Distance";
    internal const string ScoreColumn = "__FaceNetML_FacePair_Score";

    public override Action<FacePairInput, FacePairOutput> GetMapping() => (input, output) =>
    {
        if (input.A.Length == 0 || input.A.Length != input.B.Length)
        {
            output.Distance = output.Score = float.NaN;
            return;
        }
        output.Distance = EmbeddingDistance.Euclidean(input.A, input.B);
        output.Score = EmbeddingDistance.CosineSimilarity(input.A, input.B);
    };
}
