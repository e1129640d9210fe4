using System.Diagnostics;
using FaceNetML.Contracts;
using FaceNetML.Video;

namespace FaceNetML.Server;

/// <summary>
/// One video job: its folder (<c>VIDEOS/ID/</c>, every name in it fixed by the server: <c>input</c>, <c>frames.csv</c>,
/// <c>annotated.mp4</c>, <c>faces/N.jpg</c>), what its header said, and where it stands. Thread-safe: the worker changes
/// it while requests read it.
/// </summary>
public sealed class VideoJob : IDisposable
{
    private readonly object _lock = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = new();
    private int _frames;
    private VideoJobResult? _result;
    private string? _error;

    public VideoJob(string id, string folder, string name, VideoInfo info, int every, DateTimeOffset created)
    {
        Id = id;
        Folder = folder;
        Name = name;
        Info = info;
        Every = every;
        Created = created;
    }

    /// <summary>32 lower-case hex digits, made by the server (<see cref="NewId"/>).</summary>
    public string Id { get; }

    /// <summary>The job's folder; nothing under it is named by the client.</summary>
    public string Folder { get; }

    /// <summary>The uploaded file's name, for people (never part of a path).</summary>
    public string Name { get; }

    /// <summary>What ffprobe read from the upload's header.</summary>
    public VideoInfo Info { get; }

    /// <summary>The detector runs on every N-th frame.</summary>
    public int Every { get; }

    public DateTimeOffset Created { get; }

    public VideoJobStatus Status { get; private set; } = VideoJobStatus.Queued;

    /// <summary>When it finished (done, failed or cancelled), else null.</summary>
    public DateTimeOffset? Finished { get; private set; }

    /// <summary>Cancelled by <see cref="Cancel"/>.</summary>
    public CancellationToken Cancellation => _cancel.Token;

    /// <summary>Completes when a worker is done with the job (or it was cancelled before one took it).</summary>
    public Task Stopped => _stopped.Task;

    public string InputPath => Path.Combine(Folder, "input");
    public string CsvPath => Path.Combine(Folder, "frames.csv");
    public string AnnotatedPath => Path.Combine(Folder, "annotated.mp4");
    public string FacesFolder => Path.Combine(Folder, "faces");
    public string FacePath(int segment) => Path.Combine(FacesFolder, $"{segment}.jpg");

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Whether a route value can be a job id (32 hex digits): anything else is refused before a lookup, so that
    /// it can never reach the file system.</summary>
    public static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    public bool IsFinished => Status is VideoJobStatus.Done or VideoJobStatus.Failed or VideoJobStatus.Cancelled;

    /// <summary>A worker takes the job; false when it was cancelled while queued.</summary>
    public bool Start()
    {
        lock (_lock)
        {
            if (Status != VideoJobStatus.Queued) return false;
            Status = VideoJobStatus.Running;
            _clock.Start();
            return true;
        }
    }

    /// <summary>Frames processed so far.</summary>
    public void Progress(int frames) => Volatile.Write(ref _frames, frames);

    public void Succeed(VideoJobResult result) => Finish(VideoJobStatus.Done, result, null);

    public void Fail(string error) => Finish(VideoJobStatus.Failed, null, error.ReplaceLineEndings(" "));

    /// <summary>Asks a queued or running job to stop; true when it was (it is "cancelled" from now on), false when it had
    /// finished already.</summary>
    public bool Cancel()
    {
        bool queued;
        lock (_lock)
        {
            if (IsFinished) return false;
            queued = Status == VideoJobStatus.Queued;
            Status = VideoJobStatus.Cancelled;
            Finished = DateTimeOffset.UtcNow;
            _clock.Stop();
        }
        _cancel.Cancel();
        if (queued) _stopped.TrySetResult();
        return true;
    }

    /// <summary>The worker leaves the job (whatever became of it).</summary>
    public void Release()
    {
        lock (_lock)
        {
            // A job the worker left without a verdict (the server stopping) counts as cancelled.
            if (!IsFinished)
            {
                Status = VideoJobStatus.Cancelled;
                Finished = DateTimeOffset.UtcNow;
            }
            _clock.Stop();
        }
        _stopped.TrySetResult();
    }

    private void Finish(VideoJobStatus status, VideoJobResult? result, string? error)
    {
        lock (_lock)
        {
            if (IsFinished) return; // cancelled meanwhile: that stands
            Status = status;
            _result = result;
            _error = error;
            Finished = DateTimeOffset.UtcNow;
            _clock.Stop();
        }
    }

    public static string Url(string id) => $"/v1/videos/{id}";

    /// <summary>The job as the API writes it; <paramref name="retention"/> gives a finished job's expiry.</summary>
    public VideoJobAnswer Answer(TimeSpan retention)
    {
        lock (_lock)
        {
            int frames = Volatile.Read(ref _frames);
            double seconds = _clock.Elapsed.TotalSeconds;
            var done = Status == VideoJobStatus.Done;
            var links = new VideoJobLinks(Url(Id), done ? Url(Id) + "/frames.csv" : null, done ? Url(Id) + "/annotated.mp4" : null);
            return new VideoJobAnswer(Id, StatusName(Status), Name, Created, Finished + retention,
                new VideoJobProgress(frames, Info.ExpectedFrames, seconds > 0 ? Rounding.Round(frames / seconds, 1) : 0),
                _result, _error, links);
        }
    }

    public static string StatusName(VideoJobStatus status) => status.ToString().ToLowerInvariant();

    public void Dispose() => _cancel.Dispose();
}
