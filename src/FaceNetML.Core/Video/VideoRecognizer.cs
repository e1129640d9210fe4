using System.Collections.Concurrent;
using System.Diagnostics;
using System.Drawing;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Video;

/// <summary>Settings of <see cref="VideoRecognizer"/>.</summary>
public sealed record VideoRecognizerOptions
{
    /// <summary>Run the detector on every N-th frame (default 1 = every frame); the tracker carries boxes in between.</summary>
    public int Every { get; init; } = 1;

    /// <summary>Faces whose box side is below this many pixels are ignored (default 0: keep all). The detector's own
    /// <see cref="MtcnnOptions.MinFaceSize"/> (set on the <see cref="FacePipeline"/>) is what makes detection faster.</summary>
    public int MinFaceSize { get; init; }

    /// <summary>Follow faces across frames (IoU + embedding) and vote identities per track (default true).
    /// Without it every detection is identified alone and <see cref="Every"/> must be 1.</summary>
    public bool Track { get; init; } = true;

    /// <summary>A person appears at most once per frame: when several faces get the same name, only the most confident
    /// keeps it (default true).</summary>
    public bool OnePerPerson { get; init; } = true;

    public FaceTrackerOptions Tracker { get; init; } = new();

    /// <summary>Stop after this many frames (default: the whole video).</summary>
    public int? MaxFrames { get; init; }

    /// <summary>Frames analysed at once (default: the pipeline's <see cref="FacePipelineOptions.Parallelism"/>).</summary>
    public int? Parallelism { get; init; }

    public void Validate()
    {
        if (Every < 1) throw new ArgumentOutOfRangeException(nameof(Every), Every, "must be at least 1");
        if (MinFaceSize < 0) throw new ArgumentOutOfRangeException(nameof(MinFaceSize), MinFaceSize, "must be >= 0");
        if (!Track && Every != 1) throw new ArgumentException("detecting every N > 1 frames needs the tracker to carry boxes", nameof(Every));
        if (MaxFrames is < 0) throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "must be >= 0");
        if (Parallelism is < 1) throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "must be at least 1");
        Tracker.Validate();
    }
}

/// <summary>One processed frame: the decoded picture and the faces reported in it.</summary>
public sealed record VideoFrame(int Index, RgbImage Image, IReadOnlyList<VideoDetection> Detections);

/// <summary>
/// The result of a video: every detection, the frames processed, the speed, and — when the video could not be read to
/// the end — a one-line <see cref="Error"/> (the results before the failure are kept).
/// </summary>
public sealed record VideoRecognitionResult(string Path, VideoInfo? Info, int Frames, IReadOnlyList<VideoDetection> Detections, double Seconds, string? Error)
{
    public double FramesPerSecond => Seconds > 0 ? Frames / Seconds : 0;
    public bool Complete => Error is null;
}

/// <summary>
/// Finds the people of a <see cref="Gallery"/> in a video: per frame (or every N-th frame) detect, align, embed and match
/// against the gallery; a <see cref="FaceTracker"/> keeps identities stable and carries boxes between detection frames.
/// Frames are decoded by ffmpeg in its own process, detection frames are analysed <see cref="VideoRecognizerOptions.Parallelism"/>
/// at a time, and tracking runs in frame order.
/// </summary>
public sealed class VideoRecognizer
{
    private readonly FacePipeline _pipeline;
    private readonly Gallery _gallery;

    public VideoRecognizer(FacePipeline pipeline, Gallery gallery, VideoRecognizerOptions? options = null)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _gallery = gallery ?? throw new ArgumentNullException(nameof(gallery));
        Options = options ?? new VideoRecognizerOptions();
        Options.Validate();
        gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
        _likeForLike = gallery.HasGrayFaces;
    }

    /// <summary>Whether faces also need their grayscale embedding (the gallery holds grayscale photos); read once.</summary>
    private readonly bool _likeForLike;

    public VideoRecognizerOptions Options { get; }
    public Gallery Gallery => _gallery;

    /// <summary>
    /// Processes a video file. <paramref name="onFrame"/> sees every frame in order (to paint, write or show progress).
    /// Unreadable files throw <see cref="VideoException"/>; a file that breaks part-way returns the frames before the
    /// damage with <see cref="VideoRecognitionResult.Error"/> set.
    /// </summary>
    public VideoRecognitionResult Recognize(string path, Action<VideoFrame>? onFrame = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var reader = new FfmpegFrameReader(path);
        return Recognize(reader, onFrame, clock, cancellationToken);
    }

    /// <summary>Processes the frames of an open reader (see <see cref="Recognize(string, Action{VideoFrame}?, CancellationToken)"/>).</summary>
    public VideoRecognitionResult Recognize(FfmpegFrameReader reader, Action<VideoFrame>? onFrame = null, CancellationToken cancellationToken = default) =>
        Recognize(reader, onFrame, Stopwatch.StartNew(), cancellationToken);

    private VideoRecognitionResult Recognize(FfmpegFrameReader reader, Action<VideoFrame>? onFrame, Stopwatch clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int parallelism = Math.Max(1, Options.Parallelism ?? _pipeline.Options.Parallelism);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<(int Index, RgbImage Image, Task<IReadOnlyList<FaceObservation>>? Analysis)>(
            Math.Max(4, 2 * parallelism * Options.Every));
        using var slots = new SemaphoreSlim(parallelism);
        Exception? readerFailure = null;

        var producer = new Thread(() =>
        {
            try
            {
                int index = 0;
                while (Options.MaxFrames is not { } max || index < max)
                {
                    cts.Token.ThrowIfCancellationRequested();
                    var frame = reader.ReadFrame();
                    if (frame is null) break;
                    Task<IReadOnlyList<FaceObservation>>? analysis = null;
                    if (index % Options.Every == 0)
                    {
                        slots.Wait(cts.Token);
                        analysis = Task.Run(() =>
                        {
                            try
                            {
                                return Analyze(frame);
                            }
                            finally
                            {
                                slots.Release();
                            }
                        });
                    }
                    queue.Add((index++, frame, analysis), cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                readerFailure = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = "video-decode" };
        producer.Start();

        var tracker = new FaceTracker(_gallery, Options.Tracker);
        var detections = new List<VideoDetection>();
        int frames = 0;
        try
        {
            foreach (var (index, image, analysis) in queue.GetConsumingEnumerable(cts.Token))
            {
                var found = Step(tracker, index, analysis?.GetAwaiter().GetResult());
                detections.AddRange(found);
                frames = index + 1;
                onFrame?.Invoke(new VideoFrame(index, image, found));
            }
        }
        finally
        {
            cts.Cancel();
            producer.Join();
            // Let in-flight analyses finish before the caller disposes the pipeline.
            while (queue.TryTake(out var left)) left.Analysis?.ContinueWith(_ => { }).Wait();
        }
        if (readerFailure is not null) throw readerFailure;
        cancellationToken.ThrowIfCancellationRequested();
        clock.Stop();
        string? error = Options.MaxFrames is { } m && frames >= m ? null : reader.Error;
        return new VideoRecognitionResult(reader.Path, reader.Info, frames, detections, clock.Elapsed.TotalSeconds, error);
    }

    /// <summary>
    /// Detects, aligns, embeds and identifies every face of one frame (no tracking). Thread-safe.
    /// </summary>
    public IReadOnlyList<FaceObservation> Analyze(RgbImage frame)
    {
        // Tracks decide from their accumulated evidence; the per-frame answer is only needed without tracking.
        return _pipeline.EmbedAll(frame, Options.MinFaceSize, _likeForLike).Select(f =>
        {
            var probe = FaceProbe.From(f);
            return new FaceObservation(f.Face!.Box, probe, Options.Track ? Identification.Nobody : _gallery.Identify(probe));
        }).ToList();
    }

    /// <summary>One frame of a stream processed in order: <paramref name="observations"/> for detection frames, null otherwise.</summary>
    public IReadOnlyList<VideoDetection> Step(FaceTracker tracker, int frame, IReadOnlyList<FaceObservation>? observations)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        if (!Options.Track)
        {
            var single = (observations ?? []).Select(o => new VideoDetection(frame, o.Identity.Person, o.Box, o.Identity.Distance, 0, true, o.Identity)).ToList();
            return Options.OnePerPerson ? OnePerPerson(single) : single;
        }
        var tracks = observations is null ? tracker.Carry(frame) : tracker.Update(frame, observations);
        var found = tracks.Select(t => new VideoDetection(frame, t.Person, t.Box, t.Distance, t.Id, t.DetectedNow, t.Identity)).ToList();
        return Options.OnePerPerson ? OnePerPerson(found) : found;
    }

    private static List<VideoDetection> OnePerPerson(List<VideoDetection> found)
    {
        for (int i = 0; i < found.Count; i++)
        {
            var p = found[i].Person;
            if (p is null) continue;
            for (int j = i + 1; j < found.Count; j++)
            {
                if (found[j].Person != p) continue;
                if (found[j].Identity.Confidence > found[i].Identity.Confidence)
                {
                    found[i] = found[i] with { Person = null };
                    break;
                }
                found[j] = found[j] with { Person = null };
            }
        }
        return found;
    }

    /// <summary>Clips a box to the frame (for drawing and reporting).</summary>
    internal static RectangleF Clip(RectangleF box, int width, int height) => RectangleF.Intersect(box, new RectangleF(0, 0, width, height));
}
