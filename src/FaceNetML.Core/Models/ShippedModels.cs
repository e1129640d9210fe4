using System.Reflection;
using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>A model whose weights are committed in the repository (<c>models/NAME/</c>) and embedded in this assembly.</summary>
/// <param name="OnnxSha256">The SHA-256 of its ONNX file, fixed here: the file in the store must match it.</param>
internal sealed record ShippedModel(string ModelName, string OnnxSha256);

/// <summary>
/// The trained Fast-FaceNet models that ship with FaceNetML (see docs/models.md). Their ONNX file and manifest
/// live in the repository's <c>models/</c> folder and are embedded in the assembly; on first use the
/// <see cref="ModelStore"/> writes them into its folder, after checking the ONNX bytes against the hash fixed here.
/// </summary>
internal static class ShippedModels
{
    public static IReadOnlyList<ShippedModel> All { get; } =
    [
        // θ=1, float32 (int8 cost 1.4 points of lfw-dev accuracy on this model: 86.97% -> 85.60%).
        new("fastfacenet-1.0", "e934e85fa663407067085a6bcfdbde81a8c5c00fb725118f37c949f98a0b0b74"),
        // θ=0.5, int8 (no loss here: 71.10% float32, 71.57% int8; a third of the size).
        new("fastfacenet-0.5", "de5cd1311b61a202fc8faef45ebb982cd2643dde1670239083b6301f72e3eeff"),
    ];

    public static ShippedModel? Find(string modelName) => All.FirstOrDefault(m => m.ModelName == modelName);

    /// <summary>The shipped models as a source of built-in models: written from the assembly on first use, and held to
    /// their embedded manifest (an edited threshold is refused like a swapped file).</summary>
    public static BuiltInModelSource Source { get; } = new AssemblySource();

    private sealed class AssemblySource : BuiltInModelSource
    {
        private readonly Dictionary<string, Lazy<ModelManifest>> _manifests =
            All.ToDictionary(m => m.ModelName, m => new Lazy<ModelManifest>(() => Read(m).Manifest));

        public override IReadOnlyList<string> ModelNames { get; } = [.. All.Select(m => m.ModelName)];
        public override string RestoreHint => "delete its folder and it is written again";
        public override bool Fetched => false;

        /// <summary>A copy of an older shipped version (another ONNX hash) is replaced by this one.</summary>
        public override bool IsCurrent(string modelName, ModelManifest installed) =>
            string.Equals(installed.OnnxSha256, Expected(modelName).OnnxSha256, StringComparison.OrdinalIgnoreCase);
        public override ModelManifest Expected(string modelName) => _manifests[modelName].Value;

        public override IReadOnlyList<(byte[] Onnx, ModelManifest Manifest)> Produce(IReadOnlyList<string> modelNames, string storeRoot, bool force,
            string? fromFolder, Action<string> progress)
        {
            try
            {
                return modelNames.Select(name =>
                {
                    progress($"Installing the shipped {name} into {storeRoot} ...");
                    return Read(Find(name)!);
                }).ToList();
            }
            catch (ModelFetchException e)
            {
                throw new BadInputException(e.Message, e);
            }
        }
    }

    /// <summary>The embedded ONNX bytes and manifest of a shipped model, hash-checked.</summary>
    /// <exception cref="ModelFetchException">A resource is missing or its bytes do not match the fixed hash.</exception>
    public static (byte[] Onnx, ModelManifest Manifest) Read(ShippedModel model)
    {
        var onnx = Resource(model, "model.onnx");
        var sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (sha != model.OnnxSha256)
            throw new ModelFetchException($"{model.ModelName}: the embedded model has sha256 {sha}, not the {model.OnnxSha256} fixed in ShippedModels");
        var manifest = ModelManifest.Parse(System.Text.Encoding.UTF8.GetString(Resource(model, "manifest.json")), $"{model.ModelName} manifest");
        if (manifest.Name != model.ModelName || !string.Equals(manifest.OnnxSha256, sha, StringComparison.OrdinalIgnoreCase))
            throw new ModelFetchException($"{model.ModelName}: the embedded manifest does not describe the embedded model");
        return (onnx, manifest);
    }

    private static byte[] Resource(ShippedModel model, string file)
    {
        var name = $"FaceNetML.Models.Shipped/{model.ModelName}/{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new ModelFetchException($"{model.ModelName}: resource {name} is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
