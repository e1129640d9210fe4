using System.Collections.Concurrent;
using System.Security.Cryptography;
using FaceNetML.Models.Onnx;
using FaceNetML.Models.TfLite;

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
    public static IReadOnlyList<string> BuiltInModels { get; } =
        [.. PretrainedPackage.Files.Select(f => f.ModelName), FaceApiPackage.ModelName, FrFeaturePackage.ModelName, .. ShippedModels.All.Select(m => m.ModelName)];

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
            if (ShippedModels.Find(name) is { } shipped)
                InstallShipped(shipped);
            else if (name == FaceApiPackage.ModelName)
                FetchFaceApi(force: false);
            else if (name == FrFeaturePackage.ModelName)
                FetchFrFeature(force: false);
            else if (PretrainedPackage.Find(name) is null)
                throw new BadInputException($"model '{name}' is not in {Root} and is not a built-in model ({string.Join(", ", BuiltInModels)})");
            else
                FetchExpo(force: false);
        }
        var model = Verify(dir);
        _verified[name] = model;
        return model;
    }

    /// <summary>
    /// True when the model's folder exists and, for a built-in model, was written by the current converter. A
    /// manifest that exists but cannot be read is an error naming it, not a reason to download again in silence.
    /// </summary>
    private bool IsCurrent(string name)
    {
        var manifest = Path.Combine(ModelDirectory(name), "manifest.json");
        if (!File.Exists(manifest)) return false;
        var shipped = ShippedModels.Find(name);
        int version = name == FaceApiPackage.ModelName ? FaceApiResNetToOnnx.Version
            : name == FrFeaturePackage.ModelName ? NchwToNhwcWrapper.Version
            : PretrainedPackage.Find(name) is null ? -1 : TfLiteToOnnxConverter.Version;
        if (version < 0 && shipped is null) return true;
        try
        {
            var m = ModelManifest.Load(manifest);
            return shipped is null ? m.ConverterVersion == version : string.Equals(m.OnnxSha256, shipped.OnnxSha256, StringComparison.OrdinalIgnoreCase);
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{e.Message}; run `facenetml models fetch --force` to restore it", e);
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
        if (PretrainedPackage.Find(manifest.Name) is { } builtIn)
        {
            // A built-in model is checked against the hash fixed in the code, so editing the manifest beside a
            // swapped file does not make it pass; the manifest must also say what the code says.
            if (!string.Equals(actual, builtIn.OnnxSha256, StringComparison.OrdinalIgnoreCase))
                throw new BadInputException($"{onnx}: hash mismatch (the built-in {builtIn.ModelName} is {builtIn.OnnxSha256}, file is {actual}); " +
                                            "refusing a modified model: run `facenetml models fetch --force` to restore it");
            if (BuiltInDifference(manifest, builtIn.CompleteManifest(builtIn.OnnxSha256), builtIn.Sha256) is { } field)
                throw new BadInputException($"{manifestPath}: {field} differs from the built-in {builtIn.ModelName}'s; run `facenetml models fetch --force` to restore it");
        }
        else if (manifest.Name == FaceApiPackage.ModelName)
            CheckImported(onnx, manifestPath, manifest, actual, FaceApiPackage.Manifest, FaceApiPackage.Sha256[FaceApiPackage.ShardFile]);
        else if (manifest.Name == FrFeaturePackage.ModelName)
            CheckImported(onnx, manifestPath, manifest, actual, FrFeaturePackage.Manifest, FrFeaturePackage.Sha256);
        else if (ShippedModels.Find(manifest.Name) is { } shipped && !string.Equals(actual, shipped.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BadInputException($"{onnx}: hash mismatch (the shipped {shipped.ModelName} is {shipped.OnnxSha256}, file is {actual}); " +
                                        "refusing a modified model: delete its folder and it is written again");
        }
        else if (!string.Equals(actual, manifest.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BadInputException($"{onnx}: hash mismatch (manifest says {manifest.OnnxSha256}, file is {actual}); " +
                                        "refusing a modified model: run `facenetml models fetch --force` to restore it");
        }
        return new InstalledModel(onnx, manifest);
    }

    /// <summary>
    /// A model imported from an npm package by its own code (dlib-resnet, fr-feature) is checked against the ONNX hash
    /// fixed in that code, and its manifest must say what the code says.
    /// </summary>
    private static void CheckImported(string onnx, string manifestPath, ModelManifest manifest, string actual, ModelManifest expected, string sourceSha256)
    {
        if (!string.Equals(actual, expected.OnnxSha256, StringComparison.OrdinalIgnoreCase))
            throw new BadInputException($"{onnx}: hash mismatch (the built-in {manifest.Name} is {expected.OnnxSha256}, file is {actual}); " +
                                        "refusing a modified model: run `facenetml models fetch --force` to restore it");
        if (BuiltInDifference(manifest, expected, sourceSha256) is { } field)
            throw new BadInputException($"{manifestPath}: {field} differs from the built-in {manifest.Name}'s; run `facenetml models fetch --force` to restore it");
    }

    /// <summary>The first manifest field that a built-in model's manifest may not change, if it was changed.</summary>
    private static string? BuiltInDifference(ModelManifest m, ModelManifest expected, string sourceSha256)
    {
        if (!string.Equals(m.OnnxSha256, expected.OnnxSha256, StringComparison.OrdinalIgnoreCase)) return "onnxSha256";
        if (m.Source?.Sha256 != sourceSha256) return "source.sha256";
        if (m.Kind != expected.Kind) return "kind";
        if (m.InputSize != expected.InputSize) return "inputSize";
        if (m.EmbeddingSize != expected.EmbeddingSize) return "embeddingSize";
        if (m.Mean != expected.Mean || m.Scale != expected.Scale) return "mean/scale";
        if (m.DefaultThreshold != expected.DefaultThreshold) return "defaultThreshold";
        if (m.Layout != expected.Layout || m.ChannelOrder != expected.ChannelOrder || m.Template != expected.Template) return "layout/channelOrder/template";
        return null;
    }

    /// <summary>
    /// Downloads the npm packages, checks each tarball's sha512 and each model file's sha256, converts each to
    /// ONNX and writes model folders atomically. With <paramref name="force"/> existing folders are replaced.
    /// </summary>
    public IReadOnlyList<InstalledModel> Fetch(bool force)
    {
        var expo = FetchExpo(force);
        return [.. expo, FetchFaceApi(force), FetchFrFeature(force)];
    }

    private IReadOnlyList<InstalledModel> FetchExpo(bool force)
    {
        Directory.CreateDirectory(Root);
        using var lockFile = AcquireLock();
        var todo = PretrainedPackage.Files.Where(f => force || !IsCurrent(f.ModelName)).ToList();
        if (todo.Count > 0)
        {
            var work = Path.Combine(Root, ".download-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var tgz = NpmPackageFetcher.Download(PretrainedPackage.Name, PretrainedPackage.Version, PretrainedPackage.Integrity, work, Progress);
                var files = NpmPackageFetcher.Extract(tgz, todo.Select(f => f.PathInPackage).ToList());
                foreach (var file in todo)
                {
                    var bytes = files[file.PathInPackage];
                    var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
                    if (sha != file.Sha256)
                        throw new ModelFetchException($"{file.FileName}: sha256 {sha} does not match the expected {file.Sha256}; refusing a tampered model");
                    Progress($"Converting {file.FileName} to ONNX ({file.ModelName}) ...");
                    var tflite = TfLiteReader.Read(bytes, file.FileName);
                    var onnx = TfLiteToOnnxConverter.ConvertToBytes(tflite, new OnnxConversionOptions
                    {
                        GraphName = file.ModelName,
                        DynamicBatch = true,
                        DynamicSpatial = file.DynamicSpatial,
                        Metadata = new Dictionary<string, string>
                        {
                            ["source"] = $"{PretrainedPackage.Name}@{PretrainedPackage.Version}/{file.FileName}",
                            ["source_sha256"] = file.Sha256,
                        },
                    });
                    var (parameters, macs) = TfLiteModelCost.Count(tflite);
                    var onnxSha = Convert.ToHexStringLower(SHA256.HashData(onnx));
                    if (onnxSha != file.OnnxSha256)
                        throw new ModelFetchException($"{file.FileName}: the converter wrote ONNX with sha256 {onnxSha}, not the {file.OnnxSha256} fixed in PretrainedPackage " +
                                                      "(a converter change must update it)");
                    WriteModelFolder(file.ModelName, onnx, file.CompleteManifest(onnxSha) with
                    {
                        Parameters = parameters,
                        MultiplyAdds = macs,
                        ConverterVersion = TfLiteToOnnxConverter.Version,
                    });
                }
                Progress($"Models ready in {Root}");
            }
            finally
            {
                try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        foreach (var f in PretrainedPackage.Files) _verified.TryRemove(f.ModelName, out _);
        return PretrainedPackage.Files.Select(f => Verify(ModelDirectory(f.ModelName))).ToList();
    }

    /// <summary>Where the face-api package's raw weight files are kept once downloaded.</summary>
    public string FaceApiFolder => Path.Combine(Root, "_faceapi");

    /// <summary>
    /// Installs <c>dlib-resnet</c>: face-api's TF.js weights from <paramref name="fromFolder"/> (an unpacked package's
    /// <c>model/</c>, for machines without npm), else from the kept copy in <see cref="FaceApiFolder"/>, else from npm
    /// (tarball sha512 checked); both files' sha256 are checked before they are read, so a corrupted or truncated
    /// shard is refused (a <see cref="BadInputException"/>) and nothing is written. Then converted to ONNX in C#.
    /// </summary>
    public InstalledModel FetchFaceApi(bool force, string? fromFolder = null)
    {
        const string name = FaceApiPackage.ModelName;
        Directory.CreateDirectory(Root);
        using (AcquireLock())
        {
            if (force || fromFolder is not null || !IsCurrent(name))
            {
                Dictionary<string, byte[]> files;
                if (fromFolder is not null)
                    files = FaceApiPackage.ReadFolder(fromFolder);
                else if (!force && FaceApiPackage.Sha256.Keys.All(f => File.Exists(Path.Combine(FaceApiFolder, f))))
                {
                    try
                    {
                        files = FaceApiPackage.ReadFolder(FaceApiFolder);
                    }
                    catch (BadInputException e)
                    {
                        throw new BadInputException($"{e.Message}; run `facenetml models fetch --force` to download it again", e);
                    }
                }
                else
                {
                    var work = Path.Combine(Root, ".download-" + Guid.NewGuid().ToString("N")[..8]);
                    try
                    {
                        var tgz = NpmPackageFetcher.Download(FaceApiPackage.Name, FaceApiPackage.Version, FaceApiPackage.Integrity, work, Progress);
                        var raw = NpmPackageFetcher.Extract(tgz, FaceApiPackage.Sha256.Keys.Select(FaceApiPackage.PathInPackage).ToList());
                        files = FaceApiPackage.Sha256.Keys.ToDictionary(f => f, f => raw[FaceApiPackage.PathInPackage(f)]);
                        foreach (var (file, bytes) in files) FaceApiPackage.Checked(file, bytes, $"{FaceApiPackage.Name}@{FaceApiPackage.Version}/model/{file}");
                    }
                    finally
                    {
                        try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                    }
                }
                Progress($"Converting face-api's {FaceApiPackage.ShardFile} to ONNX ({name}) ...");
                var (onnx, manifest) = FaceApiPackage.ToOnnx(files);
                Directory.CreateDirectory(FaceApiFolder);
                foreach (var (file, bytes) in files)
                    if (!File.Exists(Path.Combine(FaceApiFolder, file)) || force || fromFolder is not null)
                        File.WriteAllBytes(Path.Combine(FaceApiFolder, file), bytes);
                WriteModelFolder(name, onnx, manifest);
            }
        }
        _verified.TryRemove(name, out _);
        var model = Verify(ModelDirectory(name));
        _verified[name] = model;
        return model;
    }

    /// <summary>
    /// Installs from an unpacked package's <c>model/</c> folder (machines without the registry) what it holds:
    /// <c>fr-feature</c> when it has <c>fr_feature.onnx</c>, <c>dlib-resnet</c> when it has face-api's files; with
    /// neither, the dlib-resnet import names the files it lacks.
    /// </summary>
    public IReadOnlyList<InstalledModel> FetchFromFolder(bool force, string folder)
    {
        bool frFeature = File.Exists(Path.Combine(folder, FrFeaturePackage.ModelFile));
        bool faceApi = !frFeature || FaceApiPackage.Sha256.Keys.Any(f => File.Exists(Path.Combine(folder, f)));
        var installed = new List<InstalledModel>();
        if (faceApi) installed.Add(FetchFaceApi(force, folder));
        if (frFeature) installed.Add(FetchFrFeature(force, folder));
        return installed;
    }

    /// <summary>Where the Faceplugin package's <c>fr_feature.onnx</c> is kept once downloaded.</summary>
    public string FrFeatureFolder => Path.Combine(Root, "_faceplugin");

    /// <summary>
    /// Installs <c>fr-feature</c> as <see cref="FetchFaceApi"/> installs dlib-resnet: <c>fr_feature.onnx</c> from
    /// <paramref name="fromFolder"/> (an unpacked package's <c>model/</c>), else the kept copy in <see cref="FrFeatureFolder"/>,
    /// else from the npm package (tarball sha512 checked); the file's sha256 is checked before it is read, so a modified
    /// copy is refused (a <see cref="BadInputException"/>) and nothing is written. Then wrapped for NHWC batches.
    /// </summary>
    public InstalledModel FetchFrFeature(bool force, string? fromFolder = null)
    {
        const string name = FrFeaturePackage.ModelName;
        Directory.CreateDirectory(Root);
        using (AcquireLock())
        {
            if (force || fromFolder is not null || !IsCurrent(name))
            {
                byte[] original;
                var kept = Path.Combine(FrFeatureFolder, FrFeaturePackage.ModelFile);
                if (fromFolder is not null)
                    original = FrFeaturePackage.ReadFolder(fromFolder);
                else if (!force && File.Exists(kept))
                {
                    try
                    {
                        original = FrFeaturePackage.ReadFolder(FrFeatureFolder);
                    }
                    catch (BadInputException e)
                    {
                        throw new BadInputException($"{e.Message}; run `facenetml models fetch --force` to download it again", e);
                    }
                }
                else
                {
                    var work = Path.Combine(Root, ".download-" + Guid.NewGuid().ToString("N")[..8]);
                    try
                    {
                        var tgz = NpmPackageFetcher.Download(FrFeaturePackage.Name, FrFeaturePackage.Version, FrFeaturePackage.Integrity, work, Progress);
                        var raw = NpmPackageFetcher.Extract(tgz, [FrFeaturePackage.PathInPackage]);
                        original = FrFeaturePackage.Checked(raw[FrFeaturePackage.PathInPackage], $"{FrFeaturePackage.Name}@{FrFeaturePackage.Version}/model/{FrFeaturePackage.ModelFile}");
                    }
                    finally
                    {
                        try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                    }
                }
                Progress($"Wrapping {FrFeaturePackage.ModelFile} for NHWC batches ({name}) ...");
                var (onnx, manifest) = FrFeaturePackage.ToOnnx(original);
                Directory.CreateDirectory(FrFeatureFolder);
                if (!File.Exists(kept) || force || fromFolder is not null)
                    File.WriteAllBytes(kept, original);
                WriteModelFolder(name, onnx, manifest);
            }
        }
        _verified.TryRemove(name, out _);
        var model = Verify(ModelDirectory(name));
        _verified[name] = model;
        return model;
    }

    /// <summary>Adds a model of one's own (e.g. a trained Fast-FaceNet) to the store under its manifest's name.</summary>
    public InstalledModel Install(byte[] onnx, ModelManifest manifest)
    {
        Directory.CreateDirectory(Root);
        using var lockFile = AcquireLock();
        WriteModelFolder(manifest.Name, onnx, manifest with { OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)) });
        _verified.TryRemove(manifest.Name, out _);
        return Get(manifest.Name);
    }

    /// <summary>Writes a shipped model (embedded in the assembly, hash-checked) into the store.</summary>
    private void InstallShipped(ShippedModel model)
    {
        Directory.CreateDirectory(Root);
        using var lockFile = AcquireLock();
        if (IsCurrent(model.ModelName)) return;
        try
        {
            var (onnx, manifest) = ShippedModels.Read(model);
            Progress($"Installing the shipped {model.ModelName} into {Root} ...");
            WriteModelFolder(model.ModelName, onnx, manifest);
        }
        catch (ModelFetchException e)
        {
            throw new BadInputException(e.Message, e);
        }
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
