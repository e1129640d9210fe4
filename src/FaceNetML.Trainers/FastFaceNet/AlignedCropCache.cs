using System.Security.Cryptography;
using System.Text;
using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Pipeline;

namespace FaceNetML.Trainers.FastFaceNet;

/// <summary>Aligned training crops in memory: one S x S RGB crop per image, its identity label and (optionally) its teacher embedding.</summary>
public sealed class FaceCropSet
{
    internal FaceCropSet(int size, IReadOnlyList<string> identities, int[] labels, string[] files, byte[][] pixels, bool[] detected, float[][]? teacher, string? teacherName)
    {
        Size = size; Identities = identities; Labels = labels; Files = files; Pixels = pixels; Detected = detected; Teacher = teacher; TeacherName = teacherName;
    }

    public int Size { get; }
    public IReadOnlyList<string> Identities { get; }
    public int[] Labels { get; }
    /// <summary>Paths relative to the data folder.</summary>
    public string[] Files { get; }
    public byte[][] Pixels { get; }
    /// <summary>False where no face was found and the centre crop was used.</summary>
    public bool[] Detected { get; }
    /// <summary>L2-normalised teacher embeddings of the unaugmented crops (null without a teacher).</summary>
    public float[][]? Teacher { get; }
    public string? TeacherName { get; }
    public int Count => Labels.Length;

    public RgbImage Crop(int i) => new(Size, Size, Pixels[i]);

    /// <summary>The given crops, unaugmented, as an NCHW tensor normalised like the network's input.</summary>
    public TorchSharp.torch.Tensor Batch(IReadOnlyList<int> indices)
    {
        int per = Size * Size * 3;
        var input = new float[indices.Count * per];
        for (int i = 0; i < indices.Count; i++)
            TensorPacker.Pack(Crop(indices[i]), input.AsSpan(i * per, per), FastFaceNetExporter.Mean, FastFaceNetExporter.Scale);
        return ToNchw(input, indices.Count, Size);
    }

    /// <summary>Packed NHWC pixels (as <see cref="TensorPacker"/> writes them) of <paramref name="count"/> square crops as the network's NCHW input.</summary>
    internal static TorchSharp.torch.Tensor ToNchw(float[] nhwc, int count, int size) =>
        TorchSharp.torch.tensor(nhwc, [count, size, size, 3]).permute(0, 3, 1, 2).contiguous();

    /// <summary>Image indices per identity label.</summary>
    public int[][] ByIdentity()
    {
        var lists = Enumerable.Range(0, Identities.Count).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < Labels.Length; i++) lists[Labels[i]].Add(i);
        return lists.Select(l => l.ToArray()).ToArray();
    }
}

/// <summary>What <c>AlignedCropCache.Load</c> reads and how.</summary>
public sealed record CropCacheOptions
{
    /// <summary>Crop side in pixels: the network's input size (crops use <see cref="FaceTemplate.Standard(int)"/>).</summary>
    public int Size { get; init; } = 112;
    /// <summary>Where cache files go (default: ~/.cache/facenetml/crops; the data folder may be read-only).</summary>
    public string? CacheDirectory { get; init; }
    public int MaxIdentities { get; init; } = int.MaxValue;
    public int MaxImagesPerIdentity { get; init; } = int.MaxValue;
    /// <summary>Identities with fewer images are skipped (a triplet needs two).</summary>
    public int MinImagesPerIdentity { get; init; } = 2;
    /// <summary>Teacher embedder whose embeddings of each crop are stored for distillation (null: none).</summary>
    public FaceModel? Teacher { get; init; }
    /// <summary>Images decoded, detected and aligned in parallel.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    public ModelStore? Store { get; init; }
}

/// <summary>
/// Builds (once) and loads the aligned crops of a training folder with one sub-folder per identity
/// (CASIA-WebFace / VGGFace2 layout). Each image goes through our own pipeline: decode, MTCNN detection of
/// the centred face, 5-point alignment to the standard template at the network's input size (centre crop when
/// no face is found); the teacher, if any, embeds the crop aligned to its own template. The cache file is keyed
/// by the file list (names, sizes, times), the crop size and the teacher, so a changed folder is rebuilt.
/// </summary>
public static class AlignedCropCache
{
    private const string Magic = "FNCROPS1";

    public static string DefaultDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "facenetml", "crops");

    /// <param name="progress">Called with (done, total) while building.</param>
    public static FaceCropSet Load(string dataDirectory, CropCacheOptions? options = null, Action<int, int>? progress = null)
    {
        if (!Directory.Exists(dataDirectory)) throw new BadInputException($"{dataDirectory}: training folder not found");
        var root = Path.GetFullPath(dataDirectory);
        var rows = IdentityFiles(root).Select(r => (r.Label, Path: Path.GetRelativePath(root, r.Path)));
        return Load(root, rows, root, options, progress);
    }

    /// <summary>
    /// The crops of several training folders as one label space: each sub-folder of each root is an identity, named by
    /// the sub-folder (CelebA identity ids, disjoint between <c>celeba-train</c> and <c>celeba-extra</c>; a name found in
    /// two roots is one identity). One root behaves exactly as <see cref="Load(string, CropCacheOptions?, Action{int, int}?)"/>.
    /// </summary>
    public static FaceCropSet Load(IReadOnlyList<string> roots, CropCacheOptions? options = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0) throw new BadInputException("no training folder given");
        if (roots.Count == 1) return Load(roots[0], options, progress);
        foreach (var r in roots)
            if (!Directory.Exists(r)) throw new BadInputException($"{r}: training folder not found");
        return Load(roots.SelectMany(r => IdentityFiles(Path.GetFullPath(r))), options, progress);
    }

    /// <summary>(identity = sub-folder name, full file path) for every file in the sub-folders of <paramref name="root"/>.</summary>
    private static IEnumerable<(string Label, string Path)> IdentityFiles(string root) =>
        Directory.GetDirectories(root).SelectMany(dir => Directory.GetFiles(dir).Select(f => (Label: Path.GetFileName(dir), Path: f)));

    /// <summary>
    /// The crops of unlabelled faces (every image file under the folders, at any depth), for the distillation loss only:
    /// each image is its own "identity", so it never forms a positive pair and may serve as a negative.
    /// </summary>
    public static FaceCropSet LoadUnlabelled(IReadOnlyList<string> roots, CropCacheOptions? options = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        foreach (var r in roots)
            if (!Directory.Exists(r)) throw new BadInputException($"{r}: unlabelled folder not found");
        var files = roots.SelectMany(r => Directory.GetFiles(Path.GetFullPath(r), "*", SearchOption.AllDirectories)).Where(ImageDecoder.IsImageFile);
        return Load(files.Select(f => (Label: f, Path: f)), (options ?? new CropCacheOptions()) with { MinImagesPerIdentity = 1 }, progress);
    }

    /// <summary>The crops of labelled image files anywhere (an ML.NET estimator's rows): identities by label, in ordinal
    /// order, as the folder form does with its sub-folders.</summary>
    public static FaceCropSet Load(IEnumerable<(string Label, string Path)> rows, CropCacheOptions? options = null, Action<int, int>? progress = null) =>
        Load("", rows.Select(r => (r.Label, System.IO.Path.GetFullPath(r.Path))), "the training rows", options, progress);

    private static FaceCropSet Load(string root, IEnumerable<(string Label, string Path)> rows, string what, CropCacheOptions? options, Action<int, int>? progress)
    {
        options ??= new CropCacheOptions();
        var identities = new List<string>();
        var files = new List<(string Rel, int Label)>();
        foreach (var group in rows.GroupBy(r => r.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (identities.Count >= options.MaxIdentities) break;
            var images = group.Select(r => r.Path).Where(ImageDecoder.IsImageFile)
                .Order(StringComparer.Ordinal).Take(options.MaxImagesPerIdentity).ToList();
            if (images.Count < Math.Max(1, options.MinImagesPerIdentity)) continue;
            foreach (var f in images) files.Add((f, identities.Count));
            identities.Add(group.Key);
        }
        if (identities.Count < 2) throw new BadInputException($"{what}: need at least 2 identities with {options.MinImagesPerIdentity}+ images each");

        var key = Key(root, files.Select(f => f.Rel), options);
        var cacheDir = options.CacheDirectory ?? DefaultDirectory();
        var cachePath = Path.Combine(cacheDir, key + ".crops");
        if (File.Exists(cachePath))
        {
            try { return Read(cachePath, options.Teacher?.NameOrPath); }
            catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException) { }
        }
        var set = Build(root, identities, files, options, progress);
        Directory.CreateDirectory(cacheDir);
        var tmp = cachePath + "." + Environment.ProcessId + ".tmp";
        Write(tmp, set);
        File.Move(tmp, cachePath, overwrite: true);
        return set;
    }

    private static FaceCropSet Build(string root, List<string> identities, List<(string Rel, int Label)> files, CropCacheOptions options, Action<int, int>? progress)
    {
        using var pipeline = new FacePipeline(new FacePipelineOptions
        {
            Model = options.Teacher ?? FaceModels.MobileFaceNet,
            Choice = FaceChoice.Centred,
            FallBackToCentreCrop = true,
            Store = options.Store,
            Parallelism = options.Parallelism,
        });
        int n = files.Count, done = 0;
        var pixels = new byte[n][];
        var detected = new bool[n];
        var teacher = options.Teacher is null ? null : new float[n][];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism) }, i =>
        {
            var path = Path.Combine(root, files[i].Rel);
            RgbImage image;
            try { image = ImageDecoder.Decode(path); }
            catch (BadInputException) { image = new RgbImage(options.Size, options.Size); }
            DetectedFace? face = pipeline.Choose(pipeline.Detect(image), image);
            detected[i] = face is not null;
            pixels[i] = pipeline.Crop(image, face, options.Size).Pixels;
            if (teacher is not null) teacher[i] = pipeline.EmbedFace(image, face).Embedding;
            progress?.Invoke(Interlocked.Increment(ref done), n);
        });
        return new FaceCropSet(options.Size, identities, files.Select(f => f.Label).ToArray(), files.Select(f => f.Rel).ToArray(),
            pixels, detected, teacher, options.Teacher?.NameOrPath);
    }

    private static string Key(string root, IEnumerable<string> rel, CropCacheOptions options)
    {
        var sb = new StringBuilder().Append(Magic).Append('|').Append(root).Append('|').Append(options.Size).Append('|').Append(options.Teacher?.NameOrPath);
        foreach (var f in rel)
        {
            var info = new FileInfo(Path.Combine(root, f));
            sb.Append('|').Append(f).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..24];
    }

    private static void Write(string path, FaceCropSet set)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write(Magic);
        w.Write(set.Size);
        w.Write(set.TeacherName ?? "");
        w.Write(set.Identities.Count);
        foreach (var id in set.Identities) w.Write(id);
        w.Write(set.Count);
        for (int i = 0; i < set.Count; i++)
        {
            w.Write(set.Labels[i]);
            w.Write(set.Files[i]);
            w.Write(set.Detected[i]);
            w.Write(set.Pixels[i]);
            var t = set.Teacher?[i] ?? [];
            w.Write(t.Length);
            foreach (var v in t) w.Write(v);
        }
    }

    private static FaceCropSet Read(string path, string? teacherName)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        if (r.ReadString() != Magic) throw new InvalidDataException("not a crop cache");
        int size = r.ReadInt32();
        var teacher = r.ReadString();
        if (teacher != (teacherName ?? "")) throw new InvalidDataException("different teacher");
        var identities = new string[r.ReadInt32()];
        for (int i = 0; i < identities.Length; i++) identities[i] = r.ReadString();
        int n = r.ReadInt32();
        var labels = new int[n]; var files = new string[n]; var detected = new bool[n]; var pixels = new byte[n][];
        var embeddings = teacherName is null ? null : new float[n][];
        for (int i = 0; i < n; i++)
        {
            labels[i] = r.ReadInt32();
            files[i] = r.ReadString();
            detected[i] = r.ReadBoolean();
            pixels[i] = r.ReadBytes(size * size * 3);
            var t = new float[r.ReadInt32()];
            for (int k = 0; k < t.Length; k++) t[k] = r.ReadSingle();
            if (embeddings is not null) embeddings[i] = t;
        }
        return new FaceCropSet(size, identities, labels, files, pixels, detected, embeddings, teacherName);
    }
}
