using System.Security.Cryptography;
using FaceNetML.Models.Onnx;

namespace FaceNetML.Models;

/// <summary>
/// The third npm package FaceNetML imports from: <c>faceplugin-face-recognition-js@0.0.1</c> (MIT; training data not
/// stated), whose <c>model/fr_feature.onnx</c> is a 1.19 M-parameter MobileFaceNet-style network (depthwise
/// convolutions, PReLU) exported from PyTorch: NCHW <c>[1,3,112,112]</c> RGB input normalised as <c>(v - 127) / 128</c> (the package's
/// <c>lib/fr_feature.js</c>), faces aligned to the standard 112x112 five-point template, 512-d output.
/// It becomes the built-in model <c>fr-feature</c>. The tarball's sha512, the file's sha256 and the sha256 of the ONNX
/// file FaceNetML writes from it are fixed here.
/// </summary>
internal static class FrFeaturePackage
{
    public const string Name = "faceplugin-face-recognition-js";
    public const string Version = "0.0.1";
    public const string Integrity = "sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==";
    public const string ModelName = "fr-feature";
    public const string ModelFile = "fr_feature.onnx";
    public const int InputSize = 112;
    private const string Licence = "MIT (faceplugin-face-recognition-js by Faceplugin: package.json's licence field and its LICENSE file, " +
                                   "copyright 2021 gitguanqi); the model's training data is not stated: check before commercial use";

    /// <summary>sha256 of <c>package/model/fr_feature.onnx</c>.</summary>
    public const string Sha256 = "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581";

    /// <summary>The SHA-256 of the ONNX file <see cref="NchwToNhwcWrapper"/> (its current Version) writes.</summary>
    public const string OnnxSha256 = "9082d8239cc980ed3bbce97b76ef289324c3d61d28f264ec3abe77f7663a1a71";

    /// <summary>
    /// Euclidean distance between L2-normalised embeddings below which two faces are the same person: the best threshold
    /// over all lfw-dev pairs of <c>facenetml eval lfw --model fr-feature</c> (1.2157; folds 99.10% ± 0.43%), fixed here.
    /// </summary>
    public const float DefaultThreshold = 1.22f;

    public static ModelManifest Manifest { get; } = new()
    {
        Name = ModelName, Kind = "embedding", OnnxSha256 = OnnxSha256, InputSize = InputSize,
        Mean = 127f, Scale = 1f / 128f, EmbeddingSize = 512, DefaultThreshold = DefaultThreshold, Template = "standard",
        ConverterVersion = NchwToNhwcWrapper.Version,
        Source = new ModelSource(Name, Version, ModelFile, Sha256, Licence),
        Notes = "Faceplugin's fr_feature (MobileFaceNet-style, PReLU): 112x112 RGB aligned to the standard 5-point template, " +
                "(v - 127) / 128; the graph's NCHW input is fed through a Transpose from NHWC; 512-d output, L2-normalised by FaceNetML.",
    };

    public const string PathInPackage = "package/model/" + ModelFile;

    public static NpmPackage Package { get; } = new(Name, Version, Integrity);

    public static PinnedFile PinnedModelFile { get; } = new(ModelFile, PathInPackage, Sha256);

    /// <summary>The package as the source of <c>fr-feature</c>; the downloaded file is kept in the store's <c>_faceplugin</c>.</summary>
    public static NpmModelSource Source { get; } = new FeatureSource();

    private sealed class FeatureSource : NpmModelSource
    {
        public override NpmPackage Package => FrFeaturePackage.Package;
        public override IReadOnlyList<string> ModelNames { get; } = [ModelName];
        public override ModelManifest Expected(string modelName) => Manifest;
        public override IReadOnlyList<PinnedFile> FilesOf(string modelName) => [PinnedModelFile];
        protected override string? KeptFolderName => "_faceplugin";

        protected override (byte[] Onnx, ModelManifest Manifest) Convert(string modelName, IReadOnlyDictionary<string, byte[]> files, Action<string> progress)
        {
            progress($"Wrapping {ModelFile} for NHWC batches ({ModelName}) ...");
            return ToOnnx(files[ModelFile]);
        }
    }

    /// <summary>Wraps the verified file for NHWC batches and returns it with the manifest to store.</summary>
    public static (byte[] Onnx, ModelManifest Manifest) ToOnnx(byte[] original)
    {
        var (onnx, parameters, macs) = NchwToNhwcWrapper.Wrap(original, ModelFile, new Dictionary<string, string>
        {
            ["source"] = $"{Name}@{Version}/model/{ModelFile}",
            ["source_sha256"] = Sha256,
        });
        var sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (sha != OnnxSha256)
            throw new ModelFetchException($"{ModelFile}: the wrapper wrote ONNX with sha256 {sha}, not the {OnnxSha256} fixed in FrFeaturePackage " +
                                          "(a wrapper change must update it)");
        return (onnx, Manifest with { Parameters = parameters, MultiplyAdds = macs });
    }
}
