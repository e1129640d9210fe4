using FaceNetML.Imaging;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="LoadFaceImagesMappingFactory"/>: an image file path.</summary>
internal sealed class LoadFaceImagesInput
{
    [ColumnName(LoadFaceImagesMappingFactory.PathColumn)]
    public string Path { get; set; } = "";
}

/// <summary>Output row of <see cref="LoadFaceImagesMappingFactory"/>: the decoded image (BGRA32, any size).</summary>
internal sealed class LoadFaceImagesOutput
{
    [ColumnName(LoadFaceImagesMappingFactory.ImageColumn)]
    public MLImage? Image { get; set; }
}

/// <summary>
/// <c>LoadFaceImages</c>: decodes image files with the CLI's own <see cref="ImageDecoder"/> — EXIF orientation applied,
/// grayscale as three channels, alpha dropped, the pixel budget and file checks enforced — so an ML.NET chain sees the
/// same pixels as <c>facenetml</c>. ML.NET's <c>LoadImages</c> ignores EXIF: a phone photo taken upright but stored
/// sideways reaches the detector sideways. A file that cannot be decoded throws its one-line error.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class LoadFaceImagesMappingFactory : CustomMappingFactory<LoadFaceImagesInput, LoadFaceImagesOutput>
{
    public const string ContractName = "FaceNetML.LoadFaceImages.v1";
    internal const string PathColumn = "__FaceNetML_LoadFaceImages_Path";
    internal const string ImageColumn = "__FaceNetML_LoadFaceImages_Image";

    public LoadFaceImagesMappingFactory() => FaceComponents.EnsureImageType();

    public static void Map(LoadFaceImagesInput input, LoadFaceImagesOutput output) =>
        output.Image = FaceComponents.ToMLImage(ImageDecoder.Decode(input.Path));

    public override Action<LoadFaceImagesInput, LoadFaceImagesOutput> GetMapping() => Map;
}
