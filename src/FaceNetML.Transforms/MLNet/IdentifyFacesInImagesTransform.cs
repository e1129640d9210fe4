using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="IdentifyFacesInImagesTransform"/> (internal column name; the catalog renames).</summary>
internal sealed class IdentifyFacesInImagesInput
{
    [ColumnName(IdentifyFacesInImagesTransform.ImageColumn)]
    public MLImage? Image { get; set; }
}

/// <summary>Output row of <see cref="IdentifyFacesInImagesTransform"/>: every face of the image, largest first.</summary>
internal sealed class IdentifyFacesInImagesOutput
{
    /// <summary>x, y, width, height per face.</summary>
    [ColumnName(IdentifyFacesInImagesTransform.BoxesColumn), VectorType]
    public float[] Boxes { get; set; } = [];

    /// <summary>The person named for each face; empty when unknown.</summary>
    [ColumnName(IdentifyFacesInImagesTransform.PersonsColumn), VectorType]
    public string[] Persons { get; set; } = [];

    /// <summary>The rule's confidence in each face's most likely person.</summary>
    [ColumnName(IdentifyFacesInImagesTransform.ConfidencesColumn), VectorType]
    public float[] Confidences { get; set; } = [];

    /// <summary>Why each unknown face is unknown ("too small: 19 px (needs 22)", "not confident: ..."); empty when named.</summary>
    [ColumnName(IdentifyFacesInImagesTransform.ReasonsColumn), VectorType]
    public string[] Reasons { get; set; } = [];
}

/// <summary>
/// <c>mlContext.Transforms.IdentifyFacesInImages(gallery, pipeline)</c>: names every face of each row's image with the
/// same <see cref="FacePipeline"/> and <see cref="Gallery"/> calls as <c>facenetml identify</c> and the server's
/// <c>/v1/identify</c> (detection, quality signals, the grayscale embedding when the gallery holds grayscale photos,
/// the gallery's rule), so the three give the same decisions. The pipeline and the gallery live in the process, as with
/// <see cref="IdentifyFacesTransform"/>: this mapping is not written into model.zip.
/// </summary>
public static class IdentifyFacesInImagesTransform
{
    internal const string ImageColumn = "__FaceNetML_IdentifyImages_Image";
    internal const string BoxesColumn = "__FaceNetML_IdentifyImages_Boxes";
    internal const string PersonsColumn = "__FaceNetML_IdentifyImages_Persons";
    internal const string ConfidencesColumn = "__FaceNetML_IdentifyImages_Confidences";
    internal const string ReasonsColumn = "__FaceNetML_IdentifyImages_Reasons";

    /// <summary>Adds <c>{prefix}Boxes</c>, <c>{prefix}Persons</c>, <c>{prefix}Confidences</c> and <c>{prefix}Reasons</c>
    /// (one entry, or four box values, per face) for the <c>MLImage</c> column <paramref name="inputColumnName"/>.</summary>
    public static IEstimator<ITransformer> IdentifyFacesInImages(this TransformsCatalog catalog, Gallery gallery, FacePipeline pipeline,
        string inputColumnName = "Image", string outputColumnPrefix = "Identified")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(pipeline);
        gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
        FaceComponents.EnsureImageType();
        bool withGray = gallery.HasGrayFaces;
        return ColumnPlumbing.Wrap(catalog,
            [new InputOutputColumnPair(ImageColumn, inputColumnName)],
            new ImageMappingEstimator<IdentifyFacesInImagesInput, IdentifyFacesInImagesOutput>(
                catalog.CustomMapping<IdentifyFacesInImagesInput, IdentifyFacesInImagesOutput>((input, output) => Map(gallery, pipeline, withGray, input, output), contractName: null)),
            [
                new InputOutputColumnPair(outputColumnPrefix + "Boxes", BoxesColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Persons", PersonsColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Confidences", ConfidencesColumn),
                new InputOutputColumnPair(outputColumnPrefix + "Reasons", ReasonsColumn),
            ]);
    }

    private static void Map(Gallery gallery, FacePipeline pipeline, bool withGray, IdentifyFacesInImagesInput input, IdentifyFacesInImagesOutput output)
    {
        var faces = input.Image is null ? [] : pipeline.EmbedAll(FaceComponents.ToRgb(input.Image), withGray: withGray);
        var ids = faces.Select(f => gallery.Identify(FaceProbe.From(f))).ToList();
        output.Boxes = faces.SelectMany(f => new[] { f.Face!.Box.X, f.Face.Box.Y, f.Face.Box.Width, f.Face.Box.Height }).ToArray();
        output.Persons = ids.Select(id => id.Person ?? "").ToArray();
        output.Confidences = ids.Select(id => id.Confidence).ToArray();
        output.Reasons = ids.Select(id => id.Person is null ? id.Reason ?? "" : "").ToArray();
    }
}
