using FaceNetML.Recognition;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="IdentifyFacesTransform"/>: one L2-normalised embedding.</summary>
internal sealed class IdentifyFacesInput
{
    [ColumnName(IdentifyFacesTransform.EmbeddingColumn), VectorType]
    public float[] Embedding { get; set; } = [];
}

/// <summary>Output row of <see cref="IdentifyFacesTransform"/>.</summary>
internal sealed class IdentifyFacesOutput
{
    /// <summary>The identified person, or empty when unknown (or no embedding).</summary>
    public string PredictedPerson { get; set; } = "";

    /// <summary>The rule's calibrated confidence in <see cref="Nearest"/>.</summary>
    public float Confidence { get; set; }

    /// <summary>Distance to the nearest enrolled embedding of <see cref="Nearest"/> (NaN without an embedding).</summary>
    public float Distance { get; set; }

    /// <summary>The most likely enrolled person, named or not.</summary>
    public string Nearest { get; set; } = "";
}

/// <summary>
/// <c>mlContext.Transforms.IdentifyFaces(gallery)</c>: names each row's face against a <see cref="Gallery"/> with the
/// gallery's <see cref="IdentificationRule"/>, exactly as <c>facenetml identify</c> does. Only the embedding is known
/// here, so face size, detector score and norm count as typical. The gallery lives in the process: persist it with
/// <see cref="Gallery.Save"/> (its rule is saved inside) and rebuild the transform after loading; this mapping is not
/// written into model.zip.
/// </summary>
public static class IdentifyFacesTransform
{
    internal const string EmbeddingColumn = "__FaceNetML_Identify_Embedding";

    public static IEstimator<ITransformer> IdentifyFaces(this TransformsCatalog catalog, Gallery gallery, string embeddingColumnName = "Embedding")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(gallery);
        return catalog.CopyColumns(EmbeddingColumn, embeddingColumnName)
            .Append(catalog.CustomMapping<IdentifyFacesInput, IdentifyFacesOutput>((input, output) => Map(gallery, input, output), contractName: null))
            .Append(catalog.DropColumns(EmbeddingColumn));
    }

    private static void Map(Gallery gallery, IdentifyFacesInput input, IdentifyFacesOutput output)
    {
        if (input.Embedding.Length == 0 || input.Embedding.Length != gallery.Dimension || input.Embedding.Any(v => !float.IsFinite(v)))
        {
            output.PredictedPerson = output.Nearest = "";
            output.Confidence = 0;
            output.Distance = float.NaN;
            return;
        }
        var id = gallery.Identify(input.Embedding);
        output.PredictedPerson = id.Person ?? "";
        output.Nearest = id.Nearest ?? "";
        output.Confidence = id.Confidence;
        output.Distance = id.Distance;
    }
}
