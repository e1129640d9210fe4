using System.Security.Cryptography;
using System.Text;
using FaceNetML.Models.Onnx;
using FaceNetML.Models.TfJs;

namespace FaceNetML.Models;

/// <summary>
/// The second npm package FaceNetML imports from: <c>@vladmandic/face-api@1.7.15</c> (MIT), whose
/// <c>model/face_recognition_model</c> (TF.js weights manifest + one uint8-quantised shard) is face-api's port of
/// dlib's ResNet face descriptor (<c>dlib_face_recognition_resnet_model_v1</c>, Davis King; CC0 per the dlib-models
/// README; trained on about 3 million faces of ~7,500 people from FaceScrub, VGG and web images).
/// It becomes the built-in model <c>dlib-resnet</c>. The tarball's sha512 and both files' sha256 are fixed here.
/// </summary>
internal static class FaceApiPackage
{
    public const string Name = "@vladmandic/face-api";
    public const string Version = "1.7.15";
    public const string Integrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==";
    public const string ModelName = "dlib-resnet";
    public const string ManifestFile = "face_recognition_model-weights_manifest.json";
    public const string ShardFile = "face_recognition_model.bin";
    private const string Licence = "MIT (face-api by Vincent Mühler / Vladimir Mandic); weights ported from dlib's dlib_face_recognition_resnet_model_v1 (Davis King)";

    /// <summary>sha256 of each file the import reads.</summary>
    public static IReadOnlyDictionary<string, string> Sha256 { get; } = new Dictionary<string, string>
    {
        [ManifestFile] = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
        [ShardFile] = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
    };

    /// <summary>The SHA-256 of the ONNX file <see cref="FaceApiResNetToOnnx"/> (its current Version) writes.</summary>
    public const string OnnxSha256 = "d7101b6812e6e178b115897895bfcacf0aa98e553fe1eb333045e4935073d3ce";

    /// <summary>
    /// Euclidean distance between L2-normalised descriptors below which two faces are the same person: the best threshold
    /// over all lfw-dev pairs of <c>facenetml eval lfw --model dlib-resnet</c> (0.4298; folds 98.53% ± 0.29%), fixed here.
    /// </summary>
    public const float DefaultThreshold = 0.43f;

    public static ModelManifest Manifest { get; } = new()
    {
        Name = ModelName, Kind = "embedding", OnnxSha256 = OnnxSha256, InputSize = FaceApiResNetToOnnx.InputSize,
        Mean = 0f, Scale = 1f, EmbeddingSize = 128, DefaultThreshold = DefaultThreshold, Template = "dlib",
        ConverterVersion = FaceApiResNetToOnnx.Version,
        Source = new ModelSource(Name, Version, ShardFile, Sha256[ShardFile], Licence),
        Notes = "dlib ResNet face descriptor via face-api: 150x150 RGB pixels 0..255 aligned to the 'dlib' template (dlib's " +
                "150x150 face chip with 0.25 padding); the graph subtracts face-api's mean RGB (122.782, 117.001, 104.298) " +
                "and divides by 255; 128-d output, L2-normalised by FaceNetML.",
    };

    public static string PathInPackage(string file) => "package/model/" + file;

    public static NpmPackage Package { get; } = new(Name, Version, Integrity);

    /// <summary>The two files the import reads, pinned.</summary>
    public static IReadOnlyList<PinnedFile> Files { get; } = [.. Sha256.Select(kv => new PinnedFile(kv.Key, PathInPackage(kv.Key), kv.Value))];

    /// <summary>The package as the source of <c>dlib-resnet</c>; the downloaded files are kept in the store's <c>_faceapi</c>.</summary>
    public static NpmModelSource Source { get; } = new ResNetSource();

    private sealed class ResNetSource : NpmModelSource
    {
        public override NpmPackage Package => FaceApiPackage.Package;
        public override IReadOnlyList<string> ModelNames { get; } = [ModelName];
        public override ModelManifest Expected(string modelName) => Manifest;
        public override IReadOnlyList<PinnedFile> FilesOf(string modelName) => Files;
        protected override string? KeptFolderName => "_faceapi";

        protected override (byte[] Onnx, ModelManifest Manifest) Convert(string modelName, IReadOnlyDictionary<string, byte[]> files, Action<string> progress)
        {
            progress($"Converting face-api's {ShardFile} to ONNX ({ModelName}) ...");
            return ToOnnx(files);
        }
    }

    /// <summary>Converts verified files to ONNX and the manifest to store with it.</summary>
    public static (byte[] Onnx, ModelManifest Manifest) ToOnnx(IReadOnlyDictionary<string, byte[]> files)
    {
        var weights = TfjsWeights.Read(Encoding.UTF8.GetString(files[ManifestFile]),
            path => files.TryGetValue(path, out var b) ? b : throw new BadInputException($"TF.js weights manifest names an unknown shard '{path}'"));
        var (onnx, parameters, macs) = FaceApiResNetToOnnx.Convert(weights, new Dictionary<string, string>
        {
            ["source"] = $"{Name}@{Version}/model/{ShardFile}",
            ["source_sha256"] = Sha256[ShardFile],
        });
        var sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (sha != OnnxSha256)
            throw new ModelFetchException($"{ShardFile}: the converter wrote ONNX with sha256 {sha}, not the {OnnxSha256} fixed in FaceApiPackage " +
                                          "(a converter change must update it)");
        return (onnx, Manifest with { Parameters = parameters, MultiplyAdds = macs });
    }
}
