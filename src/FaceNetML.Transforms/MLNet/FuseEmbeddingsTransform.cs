using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="FuseEmbeddingsKeyMappingFactory"/>.</summary>
internal sealed class FuseEmbeddingsKeyInput
{
    [ColumnName(FuseEmbeddingsMappingFactory.AColumn), VectorType]
    public float[] A { get; set; } = [];
}

/// <summary>Output row of <see cref="FuseEmbeddingsKeyMappingFactory"/>.</summary>
internal sealed class FuseEmbeddingsKeyOutput
{
    [ColumnName(FuseEmbeddingsKeyMappingFactory.KeyColumn)]
    public int Key { get; set; }
}

/// <summary>Gives every row the key the fusion weight column (a saved <c>MapValue</c>) hangs on.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FuseEmbeddingsKeyMappingFactory : CustomMappingFactory<FuseEmbeddingsKeyInput, FuseEmbeddingsKeyOutput>
{
    public const string ContractName = "FaceNetML.FuseEmbeddingsKey.v1";
    internal const string KeyColumn = "__FaceNetML_Fuse_Key";
    internal const int KeyValue = 1;

    public static void Map(FuseEmbeddingsKeyInput input, FuseEmbeddingsKeyOutput output) => output.Key = KeyValue;

    public override Action<FuseEmbeddingsKeyInput, FuseEmbeddingsKeyOutput> GetMapping() => Map;
}

/// <summary>Input row of <see cref="FuseEmbeddingsMappingFactory"/>: two embeddings and the first one's weight.</summary>
internal sealed class FuseEmbeddingsInput
{
    [ColumnName(FuseEmbeddingsMappingFactory.AColumn), VectorType]
    public float[] A { get; set; } = [];

    [ColumnName(FuseEmbeddingsMappingFactory.BColumn), VectorType]
    public float[] B { get; set; } = [];

    [ColumnName(FuseEmbeddingsMappingFactory.WeightColumn)]
    public float Weight { get; set; }
}

/// <summary>Output row of <see cref="FuseEmbeddingsMappingFactory"/>.</summary>
internal sealed class FuseEmbeddingsOutput
{
    [ColumnName(FuseEmbeddingsMappingFactory.FusedColumn), VectorType]
    public float[] Fused { get; set; } = [];
}

/// <summary><c>[sqrt(w)·a, sqrt(1-w)·b]</c>, computed by <see cref="Models.ModelFusion.Fuse"/> (the pipeline's fusion); missing
/// (empty or NaN) when either input is.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FuseEmbeddingsMappingFactory : CustomMappingFactory<FuseEmbeddingsInput, FuseEmbeddingsOutput>
{
    public const string ContractName = "FaceNetML.FuseEmbeddings.v1";
    internal const string AColumn = "__FaceNetML_Fuse_A";
    internal const string BColumn = "__FaceNetML_Fuse_B";
    internal const string WeightColumn = "__FaceNetML_Fuse_Weight";
    internal const string FusedColumn = "__FaceNetML_Fuse_Fused";

    public override Action<FuseEmbeddingsInput, FuseEmbeddingsOutput> GetMapping() => (input, output) =>
        output.Fused = Models.ModelFusion.Fuse(input.A, input.B, input.Weight);
}
