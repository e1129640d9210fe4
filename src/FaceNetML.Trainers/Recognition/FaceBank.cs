using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Trainers.Recognition;

/// <summary>
/// What the trials need of one photo, computed once: the probe as photographed, video-like probes (<see cref="Degraded"/>:
/// one per face-size stratum of <see cref="VideoDegradation"/>, the whole photo shrunk so the face is 12-64 px, blurred,
/// noised and JPEG-compressed, then detected again; null where the detector no longer finds the face), and its enrolment
/// embeddings in colour and in grayscale (flip-augmented, as <see cref="GalleryEnrolment"/> enrols). Every probe carries
/// its grayscale embedding, so that trials against grayscale galleries compare like for like, as the product does.
/// </summary>
public sealed record BankFace(string Path, FaceProbe Probe, IReadOnlyList<FaceProbe?> Degraded, float[] EnrolColour, float[] EnrolGray)
{
    /// <summary>Face-size strata of the degraded probes (smallest first).</summary>
    public const int Levels = 3;
}

/// <summary>One identity's usable photos.</summary>
public sealed record BankIdentity(string Name, IReadOnlyList<BankFace> Faces);

/// <summary>
/// Embeds identity folders (<c>root/&lt;identity&gt;/*.jpg</c>) and stranger folders (any images below, no labels) once,
/// for building open-set trials. Photos without a face are left out.
/// </summary>
public sealed class FaceBank
{
    private FaceBank(IReadOnlyList<BankIdentity> identities, IReadOnlyList<BankFace> strangers)
    {
        Identities = identities;
        Strangers = strangers;
    }

    public IReadOnlyList<BankIdentity> Identities { get; }
    public IReadOnlyList<BankFace> Strangers { get; }

    /// <summary>Splits identities and strangers into a calibration part and a held-out part (seeded; by identity, so no
    /// held-out person is ever seen in calibration).</summary>
    public (FaceBank Calibration, FaceBank HeldOut) Split(double heldOutFraction, int seed)
    {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "must lie in (0, 1)");
        var rng = new Random(seed);
        var ids = Identities.OrderBy(_ => rng.Next()).ToList();
        var strangers = Strangers.OrderBy(_ => rng.Next()).ToList();
        int hi = (int)Math.Round(ids.Count * heldOutFraction), hs = (int)Math.Round(strangers.Count * heldOutFraction);
        return (new FaceBank(ids.Skip(hi).ToList(), strangers.Skip(hs).ToList()), new FaceBank(ids.Take(hi).ToList(), strangers.Take(hs).ToList()));
    }

    /// <param name="maxStrangers">Use at most this many stranger photos (a seeded sample).</param>
    public static FaceBank Build(FacePipeline pipeline, IReadOnlyList<string> identityRoots, IReadOnlyList<string> strangerRoots,
        int maxStrangers = int.MaxValue, int maxIdentities = int.MaxValue, int seed = 1, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var labelled = identityRoots
            .SelectMany(root => Existing(root).GetDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
            .Select(d => (Name: d.Name, Photos: d.GetFiles().Where(f => ImageDecoder.IsImageFile(f.FullName)).Select(f => f.FullName).Order(StringComparer.Ordinal).ToList()))
            .Where(p => p.Photos.Count > 0)
            .ToList();
        if (labelled.Count > maxIdentities) labelled = [.. labelled.Take(maxIdentities)];
        var strangerPhotos = strangerRoots
            .SelectMany(root => Existing(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            .Where(f => ImageDecoder.IsImageFile(f.FullName)).Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
        if (strangerPhotos.Count > maxStrangers)
        {
            var rng = new Random(seed);
            strangerPhotos = [.. strangerPhotos.OrderBy(_ => rng.Next()).Take(maxStrangers).Order(StringComparer.Ordinal)];
        }

        var jobs = labelled.SelectMany((p, i) => p.Photos.Select(path => (Identity: i, Path: path)))
            .Concat(strangerPhotos.Select(path => (Identity: -1, Path: path))).ToList();
        var faces = new BankFace?[jobs.Count];
        int done = 0;
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, pipeline.Options.Parallelism) }, i =>
        {
            faces[i] = Embed(pipeline, jobs[i].Path, new Random(HashPath(jobs[i].Path) ^ seed));
            onProgress?.Invoke(Interlocked.Increment(ref done), jobs.Count);
        });

        // One pass over the jobs (they are in identity order, strangers last).
        var byIdentity = jobs.Select((job, k) => (job.Identity, Face: faces[k])).Where(x => x.Face is not null)
            .GroupBy(x => x.Identity).ToDictionary(g => g.Key, g => g.Select(x => x.Face!).ToList());
        var identities = Enumerable.Range(0, labelled.Count).Where(byIdentity.ContainsKey)
            .Select(i => new BankIdentity(labelled[i].Name, byIdentity[i])).ToList();
        return new FaceBank(identities, byIdentity.GetValueOrDefault(-1) ?? []);
    }

    private const string Magic = "facenetml-facebank/2";

    /// <summary>Writes the bank (binary) so that rules can be refitted without embedding the photos again.</summary>
    public void Save(string path, string model)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write(Magic);
        w.Write(model);
        w.Write(Identities.Count);
        foreach (var identity in Identities)
        {
            w.Write(identity.Name);
            WriteFaces(w, identity.Faces);
        }
        WriteFaces(w, Strangers);
    }

    /// <summary>Reads a bank written by <see cref="Save"/> for <paramref name="model"/>.</summary>
    /// <exception cref="BadInputException">Not a bank file, or one of another model.</exception>
    public static FaceBank Load(string path, string model)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != Magic) throw new BadInputException($"{path}: not a face bank file");
            var saved = r.ReadString();
            if (saved != model) throw new BadInputException($"{path}: a face bank of model '{saved}', not '{model}'");
            int n = r.ReadInt32();
            var identities = new List<BankIdentity>();
            for (int i = 0; i < n; i++) identities.Add(new BankIdentity(r.ReadString(), ReadFaces(r)));
            return new FaceBank(identities, ReadFaces(r));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or OverflowException)
        {
            throw new BadInputException($"{path}: unreadable face bank ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static void WriteFaces(BinaryWriter w, IReadOnlyList<BankFace> faces)
    {
        w.Write(faces.Count);
        foreach (var f in faces)
        {
            w.Write(f.Path);
            WriteProbe(w, f.Probe);
            w.Write(f.Degraded.Count);
            foreach (var d in f.Degraded)
            {
                w.Write(d is not null);
                if (d is not null) WriteProbe(w, d);
            }
            WriteVector(w, f.EnrolColour);
            WriteVector(w, f.EnrolGray);
        }
    }

    private static List<BankFace> ReadFaces(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new FormatException("negative count");
        var faces = new List<BankFace>(Math.Min(n, 1 << 16));
        for (int i = 0; i < n; i++)
        {
            var path = r.ReadString();
            var probe = ReadProbe(r);
            int levels = r.ReadInt32();
            if (levels is < 0 or > 64) throw new FormatException($"{levels} degraded probes");
            var degraded = new FaceProbe?[levels];
            for (int k = 0; k < levels; k++) degraded[k] = r.ReadBoolean() ? ReadProbe(r) : null;
            faces.Add(new BankFace(path, probe, degraded, ReadVector(r), ReadVector(r)));
        }
        return faces;
    }

    private static void WriteProbe(BinaryWriter w, FaceProbe p)
    {
        WriteVector(w, p.Embedding);
        w.Write(p.FaceSize);
        w.Write(p.DetectorScore);
        w.Write(p.EmbeddingNorm);
        w.Write(p.Sharpness);
        w.Write(p.GrayEmbedding is not null);
        if (p.GrayEmbedding is { } g) WriteVector(w, g);
    }

    private static FaceProbe ReadProbe(BinaryReader r)
    {
        var e = ReadVector(r);
        float size = r.ReadSingle(), score = r.ReadSingle(), norm = r.ReadSingle(), sharpness = r.ReadSingle();
        return new FaceProbe(e, size, score, norm, sharpness, r.ReadBoolean() ? ReadVector(r) : null);
    }

    private static void WriteVector(BinaryWriter w, float[] v)
    {
        w.Write(v.Length);
        foreach (var x in v) w.Write(x);
    }

    private static float[] ReadVector(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n is < 1 or > 65536) throw new FormatException($"vector length {n}");
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.ReadSingle();
        return v;
    }

    private static DirectoryInfo Existing(string root) =>
        Directory.Exists(root) ? new DirectoryInfo(root) : throw new BadInputException($"{root}: data folder not found");

    /// <summary>A stable per-file seed (string.GetHashCode is randomised per process).</summary>
    private static int HashPath(string path)
    {
        unchecked
        {
            int h = 17;
            foreach (var c in Path.GetFileName(path)) h = h * 31 + c;
            return h;
        }
    }

    private static BankFace? Embed(FacePipeline pipeline, string path, Random rng)
    {
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(path);
        }
        catch (BadInputException)
        {
            return null;
        }
        var face = GalleryEnrolment.EnrolmentFace(pipeline.Detect(image), image);
        if (face is null) return null;
        var probe = FaceProbe.From(pipeline.EmbedFace(image, face, withGray: true));
        // Enrolled as a gallery photo is, in colour and as the grayscale photo it could have been.
        var colour = GalleryEnrolment.Embedding(pipeline, image, face);
        var gray = GalleryEnrolment.Embedding(pipeline, PixelOps.ToGray(image), face);
        float side = MathF.Min(face.Box.Width, face.Box.Height);
        var degraded = new FaceProbe?[BankFace.Levels];
        for (int level = 0; level < degraded.Length; level++)
            degraded[level] = VideoLike(pipeline, image, side, VideoDegradation.Draw(level, BankFace.Levels, rng), rng);
        return new BankFace(path, probe, degraded, colour, gray);
    }

    /// <summary>The photo as a small, soft, compressed video frame would show it; null when the detector no longer finds the face.</summary>
    private static FaceProbe? VideoLike(FacePipeline pipeline, RgbImage image, float faceSide, VideoDegradation degradation, Random rng)
    {
        var frame = degradation.Apply(image, faceSide, rng);
        var found = FacePipeline.Choose(pipeline.Detect(frame), frame, FaceChoice.Centred);
        return found is null ? null : FaceProbe.From(pipeline.EmbedFace(frame, found, withGray: true));
    }
}
