using System.Diagnostics;
using System.Threading.Channels;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>
/// Watches a live source (<see cref="StreamSource"/>) and raises <see cref="StreamEvent"/>s: people appearing and leaving,
/// the source disconnecting, reconnecting and, when it keeps failing, dying.
/// </summary>
/// <remarks>
/// <para>ffmpeg decodes the source (<see cref="FfmpegStreamReader"/>) on a thread of its own, into a bounded channel of
/// <see cref="StreamWatcherOptions.QueueCapacity"/> frames that drops its oldest frame when recognition falls behind
/// (<see cref="Dropped"/> counts them): recognition always works on recent frames, and memory stays bounded. Each frame
/// taken from the channel goes through the <see cref="VideoRecognizer"/> as a video's frames do
/// (<see cref="VideoRecognizer.Analyze"/> on every <see cref="VideoRecognizerOptions.Every"/>-th frame, then
/// <see cref="VideoRecognizer.Step"/> with the watcher's <see cref="FaceTracker"/>), and a <see cref="TrackAnnouncer"/>
/// turns the tracks into events.</para>
/// <para>The source is lost when ffmpeg ends (a finite source played out, a network error) or when no frame comes for
/// <see cref="StreamWatcherOptions.StallTimeout"/>. Then every open track leaves, <see cref="StreamEventKind.Disconnected"/>
/// is raised and, after a back-off that doubles from <see cref="StreamWatcherOptions.InitialBackoff"/> up to
/// <see cref="StreamWatcherOptions.MaxBackoff"/>, ffmpeg starts again; the first frame raises
/// <see cref="StreamEventKind.Reconnected"/>. After <see cref="StreamWatcherOptions.ReconnectMax"/> attempts without a frame
/// the watcher raises <see cref="StreamEventKind.Dead"/> and ends.</para>
/// </remarks>
public sealed class StreamWatcher
{
    private readonly VideoRecognizer _recognizer;
    private readonly Action<StreamEvent> _onEvent;
    private readonly Stopwatch _clock = new();
    private long _frames, _processed, _dropped, _events;
    private int _reconnects;
    private int _status = (int)StreamStatus.Connecting;
    private int _started;
    private string? _lastError;

    /// <param name="source">What to watch.</param>
    /// <param name="recognizer">Detection, identification and tracking settings, and the gallery.</param>
    /// <param name="options">Name, crops, reconnection and queue settings.</param>
    /// <param name="onEvent">Receives every event, in order, on the watcher's thread: keep it quick.</param>
    public StreamWatcher(StreamSource source, VideoRecognizer recognizer, StreamWatcherOptions options, Action<StreamEvent> onEvent)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        _recognizer = recognizer ?? throw new ArgumentNullException(nameof(recognizer));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Options.Validate();
        if (!recognizer.Options.Track) throw new ArgumentException("a stream needs the tracker: events are about tracks", nameof(recognizer));
        _onEvent = onEvent ?? throw new ArgumentNullException(nameof(onEvent));
    }

    public StreamSource Source { get; }
    public StreamWatcherOptions Options { get; }
    public string Name => Options.Name;

    /// <summary>One line per step of the connection (connecting, live, lost, waiting, dead), for a log.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Runs each frame's analysis and tracking (the argument) and returns its result: a server passes one that
    /// holds its gallery's read lock meanwhile. Null: run it as is.</summary>
    public Func<Func<IReadOnlyList<VideoDetection>>, IReadOnlyList<VideoDetection>>? Guard { get; init; }

    public StreamStatus Status => (StreamStatus)Volatile.Read(ref _status);

    /// <summary>Frames decoded from the source (over all connections).</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Frames recognised.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Frames dropped because recognition was behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events raised.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Reconnection attempts made.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Why the source was last lost (one line), or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Whether frames ever arrived.</summary>
    public bool EverLive { get; private set; }

    /// <summary>
    /// Watches until <paramref name="cancel"/> (open tracks leave, status <see cref="StreamStatus.Stopped"/>; the task ends
    /// without throwing) or until the watcher gives up (<see cref="StreamEventKind.Dead"/>). Once per watcher. A failure
    /// that is not the source's (ffmpeg missing, a fault in recognition) raises <see cref="StreamEventKind.Dead"/> and is
    /// thrown.
    /// </summary>
    public Task RunAsync(CancellationToken cancel = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("a stream watcher runs once");
        // Recognition is CPU work between awaits: keep it off the caller's thread.
        return Task.Run(() => Watch(cancel), CancellationToken.None);
    }

    private async Task Watch(CancellationToken cancel)
    {
        _clock.Start();
        var tracker = new FaceTracker(_recognizer.Gallery, _recognizer.Options.Tracker);
        var announcer = new TrackAnnouncer(Name, Options.CropFolder, Options.UnknownAfter, Raise);
        int failures = 0; // reconnection attempts since frames last flowed
        try
        {
            while (true)
            {
                Log?.Invoke($"{Name}: {(EverLive || failures > 0 ? "reconnecting to" : "connecting to")} {Source.Display}");
                var (gotFrames, reason) = await Connection(tracker, announcer, cancel);
                if (gotFrames) failures = 0;
                Volatile.Write(ref _lastError, reason);
                announcer.EndAll(Seconds);
                tracker.Reset();
                if (gotFrames) Raise(ConnectionEvent(StreamEventKind.Disconnected, reason));
                if (failures >= Options.ReconnectMax)
                {
                    var why = Options.ReconnectMax == 0 ? $"{reason}; reconnecting is off"
                        : $"gave up after {Options.ReconnectMax} reconnection attempt{(Options.ReconnectMax == 1 ? "" : "s")} ({reason})";
                    SetStatus(StreamStatus.Dead);
                    Log?.Invoke($"{Name}: dead: {why}");
                    Raise(ConnectionEvent(StreamEventKind.Dead, why));
                    return;
                }
                var wait = Backoff(failures);
                failures++;
                SetStatus(StreamStatus.Reconnecting);
                Log?.Invoke($"{Name}: lost ({reason}); trying again in {wait.TotalSeconds:0.#} s (attempt {failures} of {Options.ReconnectMax})");
                await Task.Delay(wait, cancel);
                Interlocked.Increment(ref _reconnects);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            announcer.EndAll(Seconds);
            SetStatus(StreamStatus.Stopped);
            Log?.Invoke($"{Name}: stopped");
        }
        catch (Exception e)
        {
            var why = e.Message.ReplaceLineEndings(" ");
            Volatile.Write(ref _lastError, why);
            SetStatus(StreamStatus.Dead);
            Log?.Invoke($"{Name}: dead: {why}");
            Raise(ConnectionEvent(StreamEventKind.Dead, why));
            throw;
        }
    }

    /// <summary>The wait before reconnection attempt <paramref name="failures"/> + 1: the initial back-off doubled per failure, capped.</summary>
    public TimeSpan Backoff(int failures)
    {
        double seconds = Options.InitialBackoff.TotalSeconds * Math.Pow(2, Math.Min(failures, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, Options.MaxBackoff.TotalSeconds));
    }

    /// <summary>One run of ffmpeg: frames until the source ends, fails or stalls. Returns whether frames came, and why it ended.</summary>
    private async Task<(bool GotFrames, string Reason)> Connection(FaceTracker tracker, TrackAnnouncer announcer, CancellationToken cancel)
    {
        var channel = Channel.CreateBounded<(RgbImage Image, int Index, double Seconds)>(
            new BoundedChannelOptions(Options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
        using var reader = new FfmpegStreamReader(Source);
        Exception? readerFailure = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                while (reader.ReadFrame() is { } frame)
                {
                    int index = (int)Math.Min(int.MaxValue, Interlocked.Increment(ref _frames));
                    channel.Writer.TryWrite((frame, index, Seconds));
                }
            }
            catch (Exception e)
            {
                readerFailure = e;
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        bool gotFrames = false;
        string reason;
        try
        {
            while (true)
            {
                bool more;
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel))
                {
                    stall.CancelAfter(Options.StallTimeout);
                    try
                    {
                        more = await channel.Reader.WaitToReadAsync(stall.Token);
                    }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                    {
                        reason = $"no frame for {Options.StallTimeout.TotalSeconds:0.#} s";
                        break;
                    }
                }
                if (!more)
                {
                    reason = readerFailure?.Message ?? reader.Error ?? (gotFrames ? "the source ended" : "the source ended without a frame");
                    break;
                }
                while (channel.Reader.TryRead(out var item))
                {
                    cancel.ThrowIfCancellationRequested();
                    if (!gotFrames)
                    {
                        gotFrames = true;
                        SetStatus(StreamStatus.Live);
                        Log?.Invoke($"{Name}: live ({item.Image.Width}x{item.Image.Height})");
                        if (EverLive) Raise(ConnectionEvent(StreamEventKind.Reconnected, $"frames again from {Source.Display}"));
                        EverLive = true;
                    }
                    Process(tracker, announcer, item.Image, item.Index, item.Seconds);
                }
            }
        }
        finally
        {
            reader.Stop();
            await producer;
        }
        return (gotFrames, reason.ReplaceLineEndings(" "));
    }

    private void Process(FaceTracker tracker, TrackAnnouncer announcer, RgbImage image, int index, double seconds)
    {
        bool detect = Processed % _recognizer.Options.Every == 0;
        IReadOnlyList<VideoDetection> Work() => _recognizer.Step(tracker, index, detect ? _recognizer.Analyze(image) : null);
        var found = Guard is null ? Work() : Guard(Work);
        Interlocked.Increment(ref _processed);
        announcer.Observe(image, seconds, found, tracker.Tracks.Select(t => t.Id));
    }

    private double Seconds => _clock.Elapsed.TotalSeconds;

    private StreamEvent ConnectionEvent(StreamEventKind kind, string reason) => new(kind, Name, DateTimeOffset.UtcNow, Seconds) { Reason = reason };

    private void Raise(StreamEvent e)
    {
        Interlocked.Increment(ref _events);
        _onEvent(e);
    }

    private void SetStatus(StreamStatus status) => Volatile.Write(ref _status, (int)status);
}
