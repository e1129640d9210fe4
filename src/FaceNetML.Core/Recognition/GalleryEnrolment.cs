using System.Drawing;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Recognition;

/// <summary>
/// Builds galleries from photos. Each photo gives one flip-augmented embedding (<see cref="FacePipeline.EmbedFlipAugmented"/>)
/// of its centred face. Doubtful photos get a one-line warning each: no
/// face (skipped), several faces (the central large one is used), a tiny face, or a face far from the person's other
/// photos (over the model's verification threshold from their template: perhaps someone else).
/// </summary>
public static class GalleryEnrolment
{
    /// <summary>Faces whose shorter box side is under this many pixels are enrolled with a warning: too small to
    /// make a reliable template.</summary>
    public const int TinyFace = 40;

    /// <summary>
    /// Builds a gallery from <paramref name="folder"/> (see <see cref="GalleryPhotos"/>): one sub-folder per person (its
    /// name is the person's name) with one or more photos each, or photos named after their people. The face of each
    /// photo is the centred-and-large one (<see cref="FaceSelection.Primary"/>).
    /// </summary>
    /// <exception cref="BadInputException">The folder is missing, has no photos, or no usable photo at all.</exception>
    public static Gallery FromFolder(FacePipeline pipeline, string folder, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var photos = GalleryPhotos(folder);
        var gallery = FromPhotos(pipeline, photos, onProgress, folder);
        foreach (var person in photos.Select(p => p.Person).Distinct(StringComparer.Ordinal).Where(n => gallery[n] is null))
            gallery.Warn($"{person}: no usable photo, not enrolled");
        return gallery;
    }

    /// <summary>
    /// The photos of a gallery folder, in ordinal order of person: the photos of each sub-folder belong to the person the
    /// sub-folder is named after (<c>train/obama/1.jpg</c>), and a photo directly in the folder to the person its file
    /// is named after, without the extension (<c>known/Barack Obama.jpg</c>). Both may be mixed.
    /// </summary>
    /// <exception cref="BadInputException">The folder is missing or holds no photo.</exception>
    public static List<(string Person, string Path)> GalleryPhotos(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: gallery folder not found");
        var named = Directory.GetFiles(folder).Where(ImageDecoder.IsImageFile).Select(f => (Person: Path.GetFileNameWithoutExtension(f), Path: f));
        var inFolders = Directory.GetDirectories(folder)
            .SelectMany(d => Directory.GetFiles(d).Where(ImageDecoder.IsImageFile).Select(f => (Person: Path.GetFileName(d)!, Path: f)));
        var photos = named.Concat(inFolders)
            .OrderBy(p => p.Person, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        if (photos.Count == 0)
            throw new BadInputException($"{folder}: no photos found (expected one sub-folder of .jpg/.png photos per person, or photos named after their people)");
        return photos;
    }

    /// <summary>The photos of a folder with one sub-folder per person (its name is the person's name), in ordinal order.</summary>
    /// <exception cref="BadInputException">The folder is missing or holds no photo in a person sub-folder.</exception>
    public static List<(string Person, string Path)> PersonPhotos(string folder, string what = "folder")
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new BadInputException($"{folder}: {what} not found");
        var photos = Directory.GetDirectories(folder).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Where(ImageDecoder.IsImageFile)
                .OrderBy(f => f, StringComparer.Ordinal).Select(f => (Person: Path.GetFileName(d)!, Path: f)))
            .ToList();
        if (photos.Count == 0)
            throw new BadInputException($"{folder}: no photos found (expected one sub-folder per person holding .jpg/.png photos)");
        return photos;
    }

    /// <summary>Builds a gallery from (person, photo) pairs; see <see cref="FromFolder"/>. <paramref name="source"/> names
    /// where the photos came from in the error.</summary>
    /// <exception cref="BadInputException">No usable face in any photo.</exception>
    public static Gallery FromPhotos(FacePipeline pipeline, IReadOnlyList<(string Person, string Path)> photos, Action<int, int>? onProgress = null,
        string source = "gallery")
    {
        var gallery = Embed(pipeline, photos, onProgress);
        if (gallery.PersonCount == 0)
            throw new BadInputException($"{source}: no usable face in any of {photos.Count} photos ({(gallery.Warnings.Count > 0 ? gallery.Warnings[0] : "none given")})");
        return gallery;
    }

    /// <summary>
    /// Enrols a folder of people (see <see cref="FromFolder"/>) into <paramref name="target"/>, any backend, in batches of
    /// <paramref name="peoplePerBatch"/> people: each batch is embedded, then written one person per unit (transaction), so
    /// an interrupted enrolment keeps every person it finished and never half a person. Photos the target already holds
    /// for their person are not embedded again, so running the same enrolment again continues where it stopped. Returns
    /// the faces added and the warnings (as <see cref="Gallery.Warnings"/>).
    /// </summary>
    /// <exception cref="BadInputException">The folder is missing or has no photos; or neither it nor the target holds a usable face.</exception>
    public static (long Added, IReadOnlyList<string> Warnings) EnrolFolder(Gallery target, FacePipeline pipeline, string folder,
        int peoplePerBatch = 256, Action<int, int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(peoplePerBatch, 1);
        var byPerson = GalleryPhotos(folder).GroupBy(p => p.Person, StringComparer.Ordinal).ToList();
        int total = byPerson.Sum(g => g.Count()), done = 0;
        long added = 0;
        var warnings = new List<string>();
        foreach (var batch in byPerson.Chunk(peoplePerBatch))
        {
            var todo = new List<(string Person, string Path)>();
            foreach (var person in batch)
            {
                var stored = target[person.Key]?.Sources.ToHashSet(StringComparer.Ordinal);
                foreach (var photo in person)
                    if (stored is null || !stored.Contains(photo.Path)) todo.Add(photo);
                    else onProgress?.Invoke(++done, total);
            }
            if (todo.Count == 0) continue;
            int before = done;
            var embedded = Embed(pipeline, todo, (n, _) => onProgress?.Invoke(before + n, total));
            done = before + todo.Count;
            warnings.AddRange(embedded.Warnings);
            added += GalleryStore.CopyInto(embedded, target);
        }
        foreach (var person in byPerson.Where(p => target[p.Key] is null))
            warnings.Add($"{person.Key}: no usable photo, not enrolled");
        if (target.PersonCount == 0)
            throw new BadInputException($"{folder}: no usable face in any of {total} photos ({(warnings.Count > 0 ? warnings[0] : "none given")})");
        return (added, warnings);
    }

    /// <summary>The photos' enrolment embeddings as an in-memory gallery (people without a usable face left out), with
    /// the warnings of each photo and of photos far from their person's others.</summary>
    private static Gallery Embed(FacePipeline pipeline, IReadOnlyList<(string Person, string Path)> photos, Action<int, int>? onProgress)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(photos);
        var results = new PhotoResult[photos.Count];
        int done = 0;
        Parallel.For(0, photos.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, pipeline.Options.Parallelism) }, i =>
        {
            results[i] = EmbedPhoto(pipeline, photos[i].Path);
            onProgress?.Invoke(Interlocked.Increment(ref done), photos.Count);
        });

        var gallery = new Gallery(pipeline.Model.Name, pipeline.Threshold);
        for (int i = 0; i < photos.Count; i++)
        {
            if (results[i].Embedding is { } e) gallery.Add(photos[i].Person, e, photos[i].Path, results[i].Gray);
            if (results[i].Warning is { } w) gallery.Warn(w);
        }
        WarnOutliers(gallery);
        return gallery;
    }

    /// <summary>Warns about each photo farther than the verification threshold from the template of the person's other photos.</summary>
    public static void WarnOutliers(Gallery gallery)
    {
        foreach (var p in gallery.People.Where(p => p.Embeddings.Count >= 2))
        {
            for (int i = 0; i < p.Embeddings.Count; i++)
            {
                var others = new float[p.Embeddings[i].Length];
                for (int j = 0; j < p.Embeddings.Count; j++)
                    if (j != i)
                        for (int k = 0; k < others.Length; k++) others[k] += p.Embeddings[j][k];
                EmbeddingDistance.L2Normalize(others);
                float d = EmbeddingDistance.Euclidean(others, p.Embeddings[i]);
                if (d >= gallery.Threshold)
                    gallery.Warn($"{p.Sources[i]}: far from {p.Name}'s other photos (distance {d:F2} >= {gallery.Threshold:F2}): a different person?");
            }
        }
    }

    /// <summary>One enrolment photo's result: its embedding (null when it has no usable face), whether the photo is
    /// grayscale (probes then meet it like for like), a one-line warning when doubtful, and the face enrolled.</summary>
    public readonly record struct PhotoResult(float[]? Embedding, bool Gray, string? Warning, DetectedFace? Face = null);

    private static PhotoResult EmbedPhoto(FacePipeline pipeline, string path)
    {
        try
        {
            return EmbedPhoto(pipeline, ImageDecoder.Decode(path), path);
        }
        catch (BadInputException e)
        {
            return new(null, false, e.Message + ", skipped");
        }
    }

    /// <summary>
    /// The enrolment of one decoded photo (every enrolment path uses it: folders, the server's uploads): the flip-augmented
    /// embedding of its centred face, whether the photo is grayscale, and a warning for no face (then no embedding),
    /// several faces or a tiny face. <paramref name="source"/> names the photo in the warning.
    /// </summary>
    public static PhotoResult EmbedPhoto(FacePipeline pipeline, RgbImage image, string source) => EmbedPhoto(pipeline, image, source, null);

    /// <summary>As <see cref="EmbedPhoto(FacePipeline, RgbImage, string)"/>; with a <paramref name="box"/> (the image's
    /// pixels) the detected face that best overlaps it is enrolled instead of the central large one (none overlapping:
    /// no embedding).</summary>
    public static PhotoResult EmbedPhoto(FacePipeline pipeline, RgbImage image, string source, RectangleF? box)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(image);
        var faces = pipeline.Detect(image);
        var face = box is { } b ? BoxFace(faces, b) : EnrolmentFace(faces, image);
        if (face is null) return new(null, false, box is null ? $"{source}: no face found, skipped" : $"{source}: no face in the box, skipped");
        string? warning = null;
        float side = MathF.Min(face.Box.Width, face.Box.Height);
        if (faces.Count > 1 && box is null) warning = $"{source}: {faces.Count} faces, the central large one was enrolled";
        else if (side < TinyFace) warning = $"{source}: tiny face ({side:F0} px < {TinyFace}), a weak template";
        return new(Embedding(pipeline, image, face), PixelOps.IsGray(image), warning, face);
    }

    /// <summary>The face that best overlaps <paramref name="box"/> (largest intersection over union), or null when none does.</summary>
    public static DetectedFace? BoxFace(IReadOnlyList<DetectedFace> faces, RectangleF box)
    {
        ArgumentNullException.ThrowIfNull(faces);
        DetectedFace? best = null;
        float bestIou = 0;
        foreach (var f in faces)
        {
            var inter = RectangleF.Intersect(f.Box, box);
            if (inter.IsEmpty) continue;
            float i = inter.Width * inter.Height;
            float iou = i / (f.Box.Width * f.Box.Height + box.Width * box.Height - i);
            if (iou > bestIou) (best, bestIou) = (f, iou);
        }
        return best;
    }

    /// <summary>The face an enrolment photo stands for: the centred large one (<see cref="FaceChoice.Centred"/>), or null.</summary>
    public static DetectedFace? EnrolmentFace(IReadOnlyList<DetectedFace> faces, RgbImage image) => FacePipeline.Choose(faces, image, FaceChoice.Centred);

    /// <summary>The enrolment embedding of a face: flip-augmented (<see cref="FacePipeline.EmbedFlipAugmented"/>). The
    /// identification rule's calibration bank enrols its gallery faces with this same call.</summary>
    public static float[] Embedding(FacePipeline pipeline, RgbImage image, DetectedFace face) => pipeline.EmbedFlipAugmented(image, face);
}
