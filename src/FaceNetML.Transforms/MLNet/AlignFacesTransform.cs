using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace FaceNetML.MLNet;

/// <summary>Input row of the AlignFaces mappings: the image plus the detection of <see cref="DetectFacesMappingFactory"/>.</summary>
public sealed class AlignFacesInput
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

    /// <summary>Aligns the first (largest) face to the standard template at <paramref name="size"/>, or centre-crops.</summary>
    public static (MLImage Image, bool Found) Align(AlignFacesInput input, int size) =>
        Align(input.Image, input.Boxes, input.Scores, input.Landmarks, size);

    public static (MLImage Image, bool Found) Align(MLImage? image, float[] boxes, float[] scores, float[] landmarks, int size, string template = "standard")
    {
        if (image is null) throw new BadInputException("AlignFaces: missing image");
        var rgb = FaceComponents.ToRgb(image);
        var aligner = FaceComponents.Aligner(size, template);
        if (boxes.Length >= 4)
        {
            var face = DetectFacesMappingFactory.Read(boxes, scores, landmarks, 0);
            return (FaceComponents.ToMLImage(aligner.Align(rgb, face)), true);
        }
        return (FaceComponents.ToMLImage(aligner.CenterCrop(rgb)), false);
    }
}

/// <summary>Output row of <see cref="AlignFaces112MappingFactory"/>.</summary>
public sealed class AlignFaces112Output
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(112, 112)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>Output row of <see cref="AlignFaces160MappingFactory"/>.</summary>
public sealed class AlignFaces160Output
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(160, 160)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>AlignFaces at 112 x 112 (MobileFaceNet). One factory per size: CustomMapping persists no parameters.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class AlignFaces112MappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces112Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.112.v1";

    public AlignFaces112MappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces112Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input, 112);
}

/// <summary>AlignFaces at 160 x 160 (FaceNet-style models).</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class AlignFaces160MappingFactory : CustomMappingFactory<AlignFacesInput, AlignFaces160Output>
{
    public const string ContractName = "FaceNetML.AlignFaces.160.v1";

    public AlignFaces160MappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesInput, AlignFaces160Output> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input, 160);
}

/// <summary>Input row of <see cref="AlignFacesAnySizeMappingFactory"/>: the detection plus the crop side to align to.</summary>
public sealed class AlignFacesAnySizeInput
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
public sealed class AlignFacesAnySizeOutput
{
    [ColumnName(AlignFacesColumns.Aligned)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>AlignFaces at any other size the model's manifest asks for (16..1024). The size travels in a column, so one
/// contract serves them all; the output column is an image of unfixed size (<c>FaceEmbed</c> takes it as it is).</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class AlignFacesAnySizeMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.any.v1";

    public AlignFacesAnySizeMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size);
}

/// <summary>AlignFaces to the <c>dlib</c> template (dlib's face chip, for <c>dlib-resnet</c>) at the size in the size column.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class AlignFacesDlibMappingFactory : CustomMappingFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>
{
    public const string ContractName = "FaceNetML.AlignFaces.dlib.v1";

    public AlignFacesDlibMappingFactory() => FaceComponents.EnsureImageType();

    public override Action<AlignFacesAnySizeInput, AlignFacesAnySizeOutput> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks, input.Size, "dlib");
}
