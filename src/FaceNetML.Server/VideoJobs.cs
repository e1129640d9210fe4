using System.Collections.Concurrent;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Video;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceNetML.Server;

/// <summary>
/// The server's video jobs: their folder (<c>DATA/videos/</c>, or a temporary folder when the server has no data folder),
/// the jobs by id, the checks an upload passes before it is queued (container, then ffprobe's header against the
/// limits), the bounded queue and its workers, and the retention timer that deletes finished jobs and their files.
/// Jobs do not outlive the server: job folders left by an earlier run are deleted at start.
/// </summary>
public sealed class VideoJobs : IDisposable
{
    private readonly ConcurrentDictionary<string, VideoJob> _jobs = new(StringComparer.Ordinal);
    private readonly VideoJobQueue _queue;
    private readonly Timer _sweeper;
    private readonly bool _ownsFolder;
    private int _disposed;

    public VideoJobs(FacePipeline pipeline, ServerGallery gallery, VideoJobOptions options, string? dataFolder, ILogger? log = null)
    {
        Options = options;
        _ownsFolder = dataFolder is null;
        Folder = Path.GetFullPath(dataFolder is not null ? Path.Combine(dataFolder, "videos")
            : Path.Combine(Path.GetTempPath(), "facenetml-videos-" + VideoJob.NewId()));
        Directory.CreateDirectory(Folder);
        foreach (var left in Directory.EnumerateDirectories(Folder).Where(d => VideoJob.IsId(Path.GetFileName(d))))
            DeleteFolder(left);
        var runner = new VideoJobRunner(pipeline, gallery, options, log);
        _queue = new VideoJobQueue(options.Workers, options.QueueLength, (job, stop) =>
        {
            try { runner.Run(job, stop, CountStatuses); }
            finally { CountStatuses(); }
        });
        var period = TimeSpan.FromTicks(Math.Clamp(options.Retention.Ticks / 10, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(10).Ticks));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
        CountStatuses();
    }

    public VideoJobOptions Options { get; }

    /// <summary>The folder holding one sub-folder per job.</summary>
    public string Folder { get; }

    public VideoJobQueue Queue => _queue;

    /// <summary>A job by its id; null for an unknown id or a value that is not an id at all.</summary>
    public VideoJob? Find(string? id) => VideoJob.IsId(id) && _jobs.TryGetValue(id!, out var job) ? job : null;

    /// <summary>Every job kept, newest first.</summary>
    public IReadOnlyList<VideoJob> All => [.. _jobs.Values.OrderByDescending(j => j.Created)];

    /// <summary>Refuses at once when the queue is full (before an upload is read).</summary>
    public void CheckRoom()
    {
        if (_queue.IsFull) throw Overloaded();
    }

    private ApiException Overloaded() => new(StatusCodes.Status429TooManyRequests,
        $"overloaded: {_queue.Workers} video worker{(_queue.Workers == 1 ? "" : "s")} busy and {_queue.Length} videos waiting; retry later");

    /// <summary>A new job's folder (empty, named by a new id).</summary>
    public (string Id, string Folder) NewFolder()
    {
        var id = VideoJob.NewId();
        var folder = Path.Combine(Folder, id);
        Directory.CreateDirectory(folder);
        return (id, folder);
    }

    /// <summary>
    /// The checks of an uploaded video, from its first bytes and its header only: a known container (else 415), a video
    /// stream ffprobe reads (else 415), and the limits on frame size, duration and frame count (else 422).
    /// </summary>
    /// <param name="path">The uploaded file.</param>
    /// <param name="label">How messages name it ("video (clip.mp4)").</param>
    public VideoInfo Check(string path, string label)
    {
        if (new FileInfo(path).Length == 0) throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"{label}: not a video (zero-byte file)");
        if (VideoContainer.Recognise(path) is null)
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"{label}: not a video (its first bytes are none of MP4, QuickTime, Matroska/WebM, AVI, MPEG-PS/TS, FLV, Ogg, ASF)");
        VideoInfo info;
        try
        {
            info = Ffmpeg.Probe(path);
        }
        catch (VideoException e)
        {
            var reason = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"{label}: {reason.Replace(path, "video", StringComparison.Ordinal)}");
        }
        catch (FfmpegNotFoundException e)
        {
            throw new ApiException(StatusCodes.Status500InternalServerError, "the server cannot read videos: " + e.Message);
        }
        long pixels = (long)info.Width * info.Height;
        if (pixels > Options.MaxPixels)
            throw new ApiException(StatusCodes.Status422UnprocessableEntity,
                $"{label}: {info.Width}x{info.Height} frames ({pixels / 1e6:0.##} MP); the limit is {Options.MaxPixels / 1e6:0.##} MP");
        if (info.Duration > Options.MaxDurationSeconds)
            throw new ApiException(StatusCodes.Status422UnprocessableEntity,
                $"{label}: {info.Duration:0.#} s long; the limit is {Options.MaxDurationSeconds:0.#} s");
        if (info.ExpectedFrames is not { } frames)
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"{label}: its header gives neither a frame count nor a duration");
        if (frames > Options.MaxFrames)
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"{label}: {frames} frames; the limit is {Options.MaxFrames}");
        return info;
    }

    /// <summary>Queues a checked job (429 when the queue filled meanwhile; the caller deletes its folder).</summary>
    public void Submit(VideoJob job)
    {
        if (!_jobs.TryAdd(job.Id, job)) throw new InvalidOperationException($"job {job.Id} exists");
        if (!_queue.TryEnqueue(job))
        {
            _jobs.TryRemove(job.Id, out _);
            throw Overloaded();
        }
        CountStatuses();
    }

    /// <summary>
    /// Deletes a job: a queued or running one is cancelled (the worker stops at its next frame), its files are deleted and
    /// it stays listed as cancelled until it expires; a finished one is forgotten with its files. True when it was cancelled.
    /// </summary>
    public async Task<bool> DeleteAsync(VideoJob job)
    {
        bool cancelled = job.Cancel();
        if (cancelled)
        {
            // The worker lets go of the files (ffmpeg's processes end with it) before they are deleted.
            await job.Stopped.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        }
        else
        {
            _jobs.TryRemove(job.Id, out _);
            job.Dispose();
        }
        DeleteFolder(job.Folder);
        CountStatuses();
        return cancelled;
    }

    /// <summary>Forgets the finished jobs whose retention has passed, with their files.</summary>
    public void Sweep()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var job in _jobs.Values.Where(j => j.IsFinished && j.Finished + Options.Retention <= now).ToList())
        {
            if (!_jobs.TryRemove(job.Id, out _)) continue;
            DeleteFolder(job.Folder);
            job.Dispose();
        }
        CountStatuses();
    }

    /// <summary>Deletes a job's folder; a folder already gone, or held by a file still open elsewhere, is left to the next sweep.</summary>
    internal static void DeleteFolder(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void CountStatuses()
    {
        var counts = _jobs.Values.GroupBy(j => j.Status).ToDictionary(g => g.Key, g => g.Count());
        foreach (var status in Enum.GetValues<VideoJobStatus>())
            ServerMetrics.VideoJobs.WithLabels(VideoJob.StatusName(status)).Set(counts.GetValueOrDefault(status));
    }

    /// <summary>Stops the workers (running jobs are cancelled) and deletes the files of jobs that did not finish; a
    /// temporary folder goes whole.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _sweeper.Dispose();
        foreach (var job in _jobs.Values) job.Cancel();
        _queue.Dispose();
        foreach (var job in _jobs.Values)
        {
            if (job.Status == VideoJobStatus.Cancelled) DeleteFolder(job.Folder);
            job.Dispose();
        }
        if (_ownsFolder) DeleteFolder(Folder);
    }
}
