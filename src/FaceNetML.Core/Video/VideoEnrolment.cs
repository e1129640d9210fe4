using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Video;

/// <summary>
/// Enrols a person from a clip (<c>facenetml enroll --from-video CLIP --person NAME</c>): faces are detected and tracked
/// through the clip, the longest track is taken to be the person, and it is cut into up to
/// <see cref="MaxEmbeddings"/> consecutive parts whose mean embeddings are enrolled, like a few photos taken across
/// the clip.
/// </summary>
public static class VideoEnrolment
{
    /// <summary>Embeddings enrolled per clip at most (the identification rule was calibrated on 1-3 photos per person).</summary>
    public const int MaxEmbeddings = 3;

    /// <summary>Adds the person's embeddings to <paramref name="gallery"/>; returns how many (0 when the clip shows no face).</summary>
    /// <exception cref="VideoException">The clip cannot be read.</exception>
    public static int AddFromVideo(Gallery gallery, FacePipeline pipeline, string clip, string person, int every = 1, int? maxFrames = null)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(person);
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "must be at least 1");
        gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
        var tracker = new FaceTracker(pipeline.Threshold);
        var faces = new Dictionary<int, List<(int Frame, float[] Embedding)>>();
        using var reader = new FfmpegFrameReader(clip);
        for (int index = 0; maxFrames is not { } max || index < max; index++)
        {
            var frame = reader.ReadFrame();
            if (frame is null) break;
            if (index % every != 0) continue;
            var observations = pipeline.EmbedAll(frame)
                .Select(f => new FaceObservation(f.Face!.Box, FaceProbe.From(f), Identification.Nobody)).ToList();
            foreach (var t in tracker.Update(index, observations).Where(t => t.DetectedNow && t.LastDetectedFrame == index))
            {
                if (!faces.TryGetValue(t.Id, out var list)) faces[t.Id] = list = [];
                list.Add((index, t.LastObservation.Embedding));
            }
        }
        if (reader.Error is { } error) throw new VideoException(error);
        if (faces.Count == 0) return 0;
        var longest = faces.Values.OrderByDescending(l => l.Count).First();
        int parts = Math.Min(MaxEmbeddings, longest.Count);
        for (int p = 0; p < parts; p++)
        {
            var part = longest.Skip(p * longest.Count / parts).Take((p + 1) * longest.Count / parts - p * longest.Count / parts).ToList();
            var mean = new float[part[0].Embedding.Length];
            foreach (var (_, e) in part)
                for (int i = 0; i < mean.Length; i++) mean[i] += e[i];
            EmbeddingDistance.L2Normalize(mean);
            gallery.Add(person, mean, $"{clip}#frames {part[0].Frame}-{part[^1].Frame}");
        }
        return parts;
    }
}
