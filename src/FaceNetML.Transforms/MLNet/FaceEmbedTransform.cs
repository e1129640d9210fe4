using System.Collections.Concurrent;
using FaceNetML.Embedding;
using FaceNetML.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of the FaceEmbed mappings: an aligned face, and the embedder's ONNX bytes and manifest
/// (constant columns saved inside model.zip, see <see cref="FaceEmbedColumns"/>).</summary>
internal sealed class FaceEmbedInput
{
    [ColumnName(FaceEmbedColumns.Image)]
    public MLImage? Image { get; set; }

    /// <summary>The ONNX bytes as base64 text: ML.NET hands text columns over without copying them per row.</summary>
    [ColumnName(FaceEmbedColumns.Model)]
    public ReadOnlyMemory<char> Model { get; set; }

    [ColumnName(FaceEmbedColumns.Manifest)]
    public ReadOnlyMemory<char> Manifest { get; set; }
}

/// <summary>Input row of <see cref="FaceEmbedKeyMappingFactory"/>.</summary>
internal sealed class FaceEmbedKeyInput
{
    [ColumnName(FaceEmbedColumns.Image)]
    public MLImage? Image { get; set; }
}

/// <summary>Output row of <see cref="FaceEmbedKeyMappingFactory"/>.</summary>
internal sealed class FaceEmbedKeyOutput
{
    [ColumnName(FaceEmbedColumns.Key)]
    public int Key { get; set; }
}

/// <summary>Gives every row the key the embedder's model and manifest columns hang on.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FaceEmbedKeyMappingFactory : CustomMappingFactory<FaceEmbedKeyInput, FaceEmbedKeyOutput>
{
    public const string ContractName = "FaceNetML.FaceEmbedKey.v1";

    public FaceEmbedKeyMappingFactory() => FaceComponents.EnsureImageType();

    public static void Map(FaceEmbedKeyInput input, FaceEmbedKeyOutput output) => output.Key = FaceEmbedColumns.KeyValue;

    public override Action<FaceEmbedKeyInput, FaceEmbedKeyOutput> GetMapping() => Map;
}

/// <summary>An output row of a FaceEmbed mapping.</summary>
internal interface IFaceEmbedOutput
{
    float[] Embedding { get; set; }
}

/// <summary>FaceEmbed output of a 128-value model.</summary>
internal sealed class FaceEmbed128Output : IFaceEmbedOutput
{
    [ColumnName(FaceEmbedColumns.Embedding), VectorType(128)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>FaceEmbed output of a 192-value model (MobileFaceNet).</summary>
internal sealed class FaceEmbed192Output : IFaceEmbedOutput
{
    [ColumnName(FaceEmbedColumns.Embedding), VectorType(192)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>FaceEmbed output of a 512-value model.</summary>
internal sealed class FaceEmbed512Output : IFaceEmbedOutput
{
    [ColumnName(FaceEmbedColumns.Embedding), VectorType(512)]
    public float[] Embedding { get; set; } = [];
}

/// <summary>FaceEmbed output of a model of any other size (a variable-length vector).</summary>
internal sealed class FaceEmbedAnyOutput : IFaceEmbedOutput
{
    [ColumnName(FaceEmbedColumns.Embedding), VectorType]
    public float[] Embedding { get; set; } = [];
}

/// <summary>FaceEmbed for 128-value models.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FaceEmbed128MappingFactory : CustomMappingFactory<FaceEmbedInput, FaceEmbed128Output>
{
    public const string ContractName = "FaceNetML.FaceEmbed.128.v1";
    public FaceEmbed128MappingFactory() => FaceComponents.EnsureImageType();
    public override Action<FaceEmbedInput, FaceEmbed128Output> GetMapping() => FaceEmbedColumns.Map;
}

/// <summary>FaceEmbed for 192-value models.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FaceEmbed192MappingFactory : CustomMappingFactory<FaceEmbedInput, FaceEmbed192Output>
{
    public const string ContractName = "FaceNetML.FaceEmbed.192.v1";
    public FaceEmbed192MappingFactory() => FaceComponents.EnsureImageType();
    public override Action<FaceEmbedInput, FaceEmbed192Output> GetMapping() => FaceEmbedColumns.Map;
}

/// <summary>FaceEmbed for 512-value models.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FaceEmbed512MappingFactory : CustomMappingFactory<FaceEmbedInput, FaceEmbed512Output>
{
    public const string ContractName = "FaceNetML.FaceEmbed.512.v1";
    public FaceEmbed512MappingFactory() => FaceComponents.EnsureImageType();
    public override Action<FaceEmbedInput, FaceEmbed512Output> GetMapping() => FaceEmbedColumns.Map;
}

/// <summary>FaceEmbed for models of other sizes.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class FaceEmbedAnyMappingFactory : CustomMappingFactory<FaceEmbedInput, FaceEmbedAnyOutput>
{
    public const string ContractName = "FaceNetML.FaceEmbed.any.v1";
    public FaceEmbedAnyMappingFactory() => FaceComponents.EnsureImageType();
    public override Action<FaceEmbedInput, FaceEmbedAnyOutput> GetMapping() => FaceEmbedColumns.Map;
}

/// <summary>
/// <c>FaceEmbed</c> runs the CLI's own <see cref="FaceEmbedder"/> (the same <c>TensorPacker</c> normalisation, the same
/// ONNX Runtime session options, L2-normalised output). CustomMapping factories persist no parameters, so the model's
/// ONNX bytes and manifest travel as two constant columns made by ML.NET's <c>MapValue</c>, whose table is saved inside
/// model.zip: a loaded chain needs no model store. The output is a known-size vector for 128, 192 and 512 values (one
/// contract each), a variable-length one otherwise.
/// </summary>
internal static class FaceEmbedColumns
{
    internal const int KeyValue = 1;
    internal const string Image = "__FaceNetML_FaceEmbed_Image";
    internal const string Key = "__FaceNetML_FaceEmbed_Key";
    internal const string Model = "__FaceNetML_FaceEmbed_Model";
    internal const string Manifest = "__FaceNetML_FaceEmbed_Manifest";
    internal const string Embedding = "__FaceNetML_FaceEmbed_Embedding";

    private static readonly ConcurrentDictionary<string, FaceEmbedder> Embedders = new(StringComparer.Ordinal);

    internal static IEstimator<ITransformer> Estimator(TransformsCatalog catalog, InstalledModel model, string outputColumnName, string inputColumnName)
    {
        var bytes = File.ReadAllBytes(model.OnnxPath);
        var manifest = model.Manifest.ToJson();
        IEstimator<ITransformer> mapping = model.Manifest.EmbeddingSize switch
        {
            128 => new ImageMappingEstimator<FaceEmbedInput, FaceEmbed128Output>(catalog.CustomMapping(new FaceEmbed128MappingFactory().GetMapping(), FaceEmbed128MappingFactory.ContractName)),
            192 => new ImageMappingEstimator<FaceEmbedInput, FaceEmbed192Output>(catalog.CustomMapping(new FaceEmbed192MappingFactory().GetMapping(), FaceEmbed192MappingFactory.ContractName)),
            512 => new ImageMappingEstimator<FaceEmbedInput, FaceEmbed512Output>(catalog.CustomMapping(new FaceEmbed512MappingFactory().GetMapping(), FaceEmbed512MappingFactory.ContractName)),
            _ => new ImageMappingEstimator<FaceEmbedInput, FaceEmbedAnyOutput>(catalog.CustomMapping(new FaceEmbedAnyMappingFactory().GetMapping(), FaceEmbedAnyMappingFactory.ContractName)),
        };
        return ColumnPlumbing.Wrap(catalog,
            [new InputOutputColumnPair(Image, inputColumnName)],
            new ImageMappingEstimator<FaceEmbedKeyInput, FaceEmbedKeyOutput>(
                    catalog.CustomMapping<FaceEmbedKeyInput, FaceEmbedKeyOutput>(FaceEmbedKeyMappingFactory.Map, FaceEmbedKeyMappingFactory.ContractName))
                .Append(catalog.Conversion.MapValue(Model, [new KeyValuePair<int, string>(KeyValue, Convert.ToBase64String(bytes))], Key))
                .Append(catalog.Conversion.MapValue(Manifest, [new KeyValuePair<int, string>(KeyValue, manifest)], Key))
                .Append(mapping),
            [new InputOutputColumnPair(outputColumnName, Embedding)],
            Key, Model, Manifest);
    }

    internal static void Map<TOut>(FaceEmbedInput input, TOut output) where TOut : IFaceEmbedOutput
    {
        var embedder = Embedders.GetOrAdd(FaceComponents.Text(input.Manifest), json => Embedder(input.Model, json));
        if (input.Image is null)
        {
            // No face (AlignFaces without its centre-crop fallback): a missing value, NaN in every slot.
            var missing = new float[embedder.EmbeddingSize];
            Array.Fill(missing, float.NaN);
            output.Embedding = missing;
            return;
        }
        output.Embedding = embedder.Embed(FaceComponents.ToRgb(input.Image));
    }

    /// <summary>The embedder of a saved chain, once its ONNX bytes match the sha256 of the manifest saved beside them.</summary>
    private static FaceEmbedder Embedder(ReadOnlyMemory<char> model, string manifestJson)
    {
        var manifest = ModelManifest.Parse(manifestJson, "FaceEmbed model manifest");
        var bytes = Convert.FromBase64String(model.ToString());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (!string.Equals(sha, manifest.OnnxSha256, StringComparison.OrdinalIgnoreCase))
            throw new BadInputException($"FaceEmbed: the {manifest.Name} model inside the ML.NET model has sha256 {sha}, not its manifest's {manifest.OnnxSha256}; the model file is damaged or was edited");
        return new FaceEmbedder(bytes, manifest);
    }
}
