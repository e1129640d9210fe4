using FaceNetML.Detection;
using FaceNetML.Pipeline;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace FaceNetML.MLNet;

/// <summary>Input row of the AlignFaces mappings: the image plus the detection of <see cref="DetectFacesMappingFactory"/>.</summary>
internal sealed class AlignFacesInput
{
    [ColumnName(AlignFacesColumns.Image)]
    public MLImage? Image { get; set; }

    [ColumnName(AlignFacesColumns.Boxes), VectorType]
    public float[] Boxes { get; set; } = [];

    [ColumnName(AlignFacesColumns.Scores), VectorType]
    public float[] Scores { get; set; } = [];

    [ColumnName(AlignFacesColumns.Landmarks), VectorType]
    public float[] Landmarks { get; set; } = [];
}

internal static class AlignFacesColumns
{
    public const string Image = "__FaceNetML_AlignFaces_Image";
    public const string Boxes = "__FaceNetML_AlignFaces_Boxes";
    public const string Scores = "__FaceNetML_AlignFaces_Scores";
    public const string Landmarks = "__FaceNetML_AlignFaces_Landmarks";
    public const string Aligned = "__FaceNetML_AlignFaces_Aligned";
    public const string Found = "__FaceNetML_AlignFaces_Found";
    public const string Count = "__FaceNetML_AlignFaces_Count";
    public const string Size = "__FaceNetML_AlignFaces_Size";

    /// <summary>
    /// Aligns the face the pipeline chooses (<see cref="FacePipeline.Choose(IReadOnlyList{DetectedFace}, RgbImage, FaceChoice)"/>
    /// with <see cref="FaceChoice.Largest"/>, as the CLI and the server choose) to <paramref name="template"/> at
    /// <paramref name="size"/>. Without a face: a missing image (null), or with <paramref name="centreCropWithoutFace"/>
    /// the centred square crop, as <see cref="FacePipelineOptions.FallBackToCentreCrop"/> does.
    /// </summary>
    public static (MLImage? Image, bool Found) Align(MLImage? image, float[] boxes, float[] scores, float[] landmarks, int size,
        bool centreCropWithoutFace, string template = "standard")
    {
        if (image is null) throw new BadInputException("AlignFaces: missing image");
        var rgb = FaceComponents.ToRgb(image);
        var aligner = FaceComponents.Aligner(size, template);
        var faces = new List<DetectedFace>(boxes.Length / 4);
        for (int i = 0; i < boxes.Length / 4; i++) faces.Add(DetectFacesMappingFactory.Read(boxes, scores, landmarks, i));
        if (FacePipeline.Choose(faces, rgb, FaceChoice.Largest) is { } face)
            return (FaceComponents.ToMLImage(aligner.Align(rgb, face)), true);
        return (centreCropWithoutFace ? FaceComponents.ToMLImage(aligner.CenterCrop(rgb)) : null, false);
    }
}

/// <summary>Output row of <see cref="AlignFaces112MappingFactory"/>.</summary>
internal sealed class AlignFaces112Output
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(112, 112)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>Output row of <see cref="AlignFaces160MappingFactory"/>.</summary>
internal sealed class AlignFaces160Output
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(160, 160)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>AlignFaces at 112 x 112 (MobileFaceNet); no face gives a missing image. One factory per size and no-face
/// behaviour: CustomMapping persists no parameters.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces112MappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces112Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.112.v2";

    public AlignFaces112MappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces112Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, 112, false);
}

/// <summary>AlignFaces at 112 x 112 with the centre-crop fallback (the first contract's behaviour, kept for saved models).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces112CentreCropMappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces112Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.112.v1";

    public AlignFaces112CentreCropMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces112Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, 112, true);
}

/// <summary>AlignFaces at 160 x 160 (FaceNet-style models); no face gives a missing image.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces160MappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces160Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.160.v2";

    public AlignFaces160MappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces160Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, 160, false);
}

/// <summary>AlignFaces at 160 x 160 with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces160CentreCropMappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces160Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.160.v1";

    public AlignFaces160CentreCropMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces160Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, 160, true);
}

/// <summary>Input row of <see cref="AlignFacesAnySizeMappingFactory"/>: the detection plus the crop side to align to.</summary>
internal sealed class AlignFacesAnySizeInput
{
    [ColumnName(AlignFacesColumns.Image)]
    public MLImage? Image { get; set; }

    [ColumnName(AlignFacesColumns.Boxes), VectorType]
    public float[] Boxes { get; set; } = [];

    [ColumnName(AlignFacesColumns.Scores), VectorType]
    public float[] Scores { get; set; } = [];

    [ColumnName(AlignFacesColumns.Landmarks), VectorType]
    public float[] Landmarks { get; set; } = [];

    /// <summary>The crop side: a constant column made by ML.NET's <c>Expression</c>, saved in model.zip.</summary>
    [ColumnName(AlignFacesColumns.Size)]
    public int Size { get; set; }
}

/// <summary>Output row of <see cref="AlignFacesAnySizeMappingFactory"/>: an image whose size the column type does not fix.</summary>
internal sealed class AlignFacesAnySizeOutput
{
    [ColumnName(AlignFacesColumns.Aligned)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>AlignFaces at any other size the model's manifest asks for (16..1024); no face gives a missing image. The size
/// travels in a column, so one contract serves them all; the output column is an image of unfixed size (<c>FaceEmbed</c>
/// takes it as it is).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesAnySizeMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.any.v2";

    public AlignFacesAnySizeMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size, false);
}

/// <summary>AlignFaces at any size with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesAnySizeCentreCropMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.any.v1";

    public AlignFacesAnySizeCentreCropMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size, true);
}

/// <summary>AlignFaces to the <c>dlib</c> template (dlib's face chip, for <c>dlib-resnet</c>) at the size in the size
/// column; no face gives a missing image.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesDlibMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.dlib.v2";

    public AlignFacesDlibMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size, false, "dlib");
}

/// <summary>AlignFaces to the <c>dlib</c> template with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesDlibCentreCropMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.dlib.v1";

    public AlignFacesDlibCentreCropMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size, true, "dlib");
}
