using FaceNetML.Detection;
using FaceNetML.Pipeline;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace FaceNetML.MLNet;

/// <summary>Input row of the AlignFaces mappings: the image plus the detection of <see cref="DetectFacesMappingFactory"/>.</summary>
internal sealed class AlignFacesInput : IAlignFacesRow
{
    [ColumnName(AlignFacesColumns.Image)]
    public MLImage? Image { get; set; }

    [ColumnName(AlignFacesColumns.Boxes), VectorType]
    public float[] Boxes { get; set; } = [];

    [ColumnName(AlignFacesColumns.Scores), VectorType]
    public float[] Scores { get; set; } = [];

    [ColumnName(AlignFacesColumns.Landmarks), VectorType]
    public float[] Landmarks { get; set; } = [];

    /// <summary>The fixed-size factories know their size; this row carries none (not a column).</summary>
    int IAlignFacesRow.Size => 0;
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
    /// Aligns the face the pipeline chooses (<see cref="FacePipeline.Choose(IReadOnlyList{DetectedFace}, Imaging.RgbImage, FaceChoice)"/>
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
internal sealed class AlignFaces112Output : IAlignedFace
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(112, 112)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>Output row of <see cref="AlignFaces160MappingFactory"/>.</summary>
internal sealed class AlignFaces160Output : IAlignedFace
{
    [ColumnName(AlignFacesColumns.Aligned), ImageType(160, 160)]
    public MLImage? Aligned { get; set; }

    [ColumnName(AlignFacesColumns.Found)]
    public bool FaceFound { get; set; }
}

/// <summary>AlignFaces at 112 x 112 (MobileFaceNet); no face gives a missing image. One factory per size and no-face
/// behaviour: CustomMapping persists no parameters, so each contract names its settings.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces112MappingFactory() : AlignFacesFactory<AlignFacesInput, AlignFaces112Output>(112, false)
{
    public const string ContractName = "FaceNetML.AlignFaces.112.v2";
}

/// <summary>AlignFaces at 112 x 112 with the centre-crop fallback (the first contract's behaviour, kept for saved models).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces112CentreCropMappingFactory() : AlignFacesFactory<AlignFacesInput, AlignFaces112Output>(112, true)
{
    public const string ContractName = "FaceNetML.AlignFaces.112.v1";
}

/// <summary>AlignFaces at 160 x 160 (FaceNet-style models); no face gives a missing image.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces160MappingFactory() : AlignFacesFactory<AlignFacesInput, AlignFaces160Output>(160, false)
{
    public const string ContractName = "FaceNetML.AlignFaces.160.v2";
}

/// <summary>AlignFaces at 160 x 160 with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFaces160CentreCropMappingFactory() : AlignFacesFactory<AlignFacesInput, AlignFaces160Output>(160, true)
{
    public const string ContractName = "FaceNetML.AlignFaces.160.v1";
}

/// <summary>Input row of <see cref="AlignFacesAnySizeMappingFactory"/>: the detection plus the crop side to align to.</summary>
internal sealed class AlignFacesAnySizeInput : IAlignFacesRow
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
internal sealed class AlignFacesAnySizeOutput : IAlignedFace
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
internal sealed class AlignFacesAnySizeMappingFactory() : AlignFacesFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>(0, false)
{
    public const string ContractName = "FaceNetML.AlignFaces.any.v2";
}

/// <summary>AlignFaces at any size with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesAnySizeCentreCropMappingFactory() : AlignFacesFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>(0, true)
{
    public const string ContractName = "FaceNetML.AlignFaces.any.v1";
}

/// <summary>AlignFaces to the <c>dlib</c> template (dlib's face chip, for <c>dlib-resnet</c>) at the size in the size
/// column; no face gives a missing image.</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesDlibMappingFactory() : AlignFacesFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>(0, false, "dlib")
{
    public const string ContractName = "FaceNetML.AlignFaces.dlib.v2";
}

/// <summary>AlignFaces to the <c>dlib</c> template with the centre-crop fallback (the first contract's behaviour).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AlignFacesDlibCentreCropMappingFactory() : AlignFacesFactory<AlignFacesAnySizeInput, AlignFacesAnySizeOutput>(0, true, "dlib")
{
    public const string ContractName = "FaceNetML.AlignFaces.dlib.v1";
}

/// <summary>A row AlignFaces reads: the image, the detection, and (for the any-size contracts) the crop side.</summary>
internal interface IAlignFacesRow
{
    MLImage? Image { get; }
    float[] Boxes { get; }
    float[] Scores { get; }
    float[] Landmarks { get; }

    /// <summary>The crop side from the size column; 0 where the factory fixes it.</summary>
    int Size { get; }
}

/// <summary>A row AlignFaces writes: the aligned face (null without a face, unless centre-cropped) and whether one was found.</summary>
internal interface IAlignedFace
{
    MLImage? Aligned { get; set; }
    bool FaceFound { get; set; }
}

/// <summary>The one body of every AlignFaces contract: the size (fixed, or 0 for the row's size column), the no-face
/// behaviour and the template are the contract's, the face choice and the alignment are <see cref="AlignFacesColumns.Align"/>'s.</summary>
internal abstract class AlignFacesFactory<TIn, TOut> : CustomMappingFactory<TIn, TOut>
    where TIn : class, IAlignFacesRow, new()
    where TOut : class, IAlignedFace, new()
{
    private readonly int _size;
    private readonly bool _centreCropWithoutFace;
    private readonly string _template;

    protected AlignFacesFactory(int size, bool centreCropWithoutFace, string template = "standard")
    {
        FaceComponents.EnsureImageType();
        (_size, _centreCropWithoutFace, _template) = (size, centreCropWithoutFace, template);
    }

    public override Action<TIn, TOut> GetMapping() => (input, output) =>
        (output.Aligned, output.FaceFound) = AlignFacesColumns.Align(input.Image, input.Boxes, input.Scores, input.Landmarks,
            _size > 0 ? _size : input.Size, _centreCropWithoutFace, _template);
}
