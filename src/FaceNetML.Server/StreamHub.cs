using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FaceNetML.Contracts;
using FaceNetML.Video;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FaceNetML.Server;

/// <summary>
/// The server's watched streams (<c>/v1/streams</c>): one <see cref="StreamWatcher"/> each, over the server's warm pipeline
/// and its gallery (each frame's recognition holds the gallery's read lock, as an identify request does). Every event goes
/// to the clients of <c>GET /v1/events</c> (<see cref="EventBroadcaster"/>), to the webhook when one is set
/// (<see cref="WebhookSender"/>) and to the metrics. Crops are written under <see cref="CropFolder"/><c>/NAME/</c>
/// (the data folder's <c>streams/</c>, or a temporary folder removed at exit when the server has none).
/// </summary>
public sealed partial class StreamHub : IDisposable
{
    private static readonly ConcurrentDictionary<StreamHub, byte> Live = new();
    private static readonly Lazy<bool> MetricsCallback = new(() =>
    {
        // Frame counters are the watchers' own: brought up to date before each scrape, not on every frame.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            foreach (var hub in Live.Keys)
                foreach (var w in hub.Watchers())
                {
                    StreamMetrics.Frames.WithLabels(w.Name).IncTo(w.Frames);
                    StreamMetrics.Dropped.WithLabels(w.Name).IncTo(w.Dropped);
                }
        });
        return true;
    });

    private readonly FaceService _service;
    private readonly OrderedDictionary<string, Entry> _streams = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly bool _temporaryCrops;
    private bool _disposed;

    public StreamHub(FaceService service)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
        var options = service.Options;
        _temporaryCrops = options.DataFolder is null;
        CropFolder = options.DataFolder is { } data ? Path.Combine(data, "streams")
            : Path.Combine(Path.GetTempPath(), "facenetml-streams", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        if (options.Webhook is { } webhook)
        {
            if (!Uri.TryCreate(webhook, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                throw new BadInputException($"webhook {webhook}: not an http:// or https:// URL");
            Webhook = new WebhookSender(url);
        }
        _ = MetricsCallback.Value;
        Live[this] = 0;
    }

    /// <summary>Where the streams' crops are written (one folder per stream name).</summary>
    public string CropFolder { get; }

    /// <summary>The clients of <c>GET /v1/events</c>.</summary>
    public EventBroadcaster Events { get; } = new();

    /// <summary>The webhook, when <see cref="FaceServerOptions.Webhook"/> is set.</summary>
    public WebhookSender? Webhook { get; }

    /// <summary>Where watchers and the webhook log (set by the server once its logging is built).</summary>
    public ILogger? Logger
    {
        get => _logger;
        set
        {
            _logger = value;
            if (Webhook is not null) Webhook.Logger = value;
        }
    }

    private ILogger? _logger;

    /// <summary>Starts watching a stream. 400 bad name, 409 name taken, 422 URL refused (scheme, or a file when files are not allowed).</summary>
    public StreamSummary Add(StreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = StreamWatcherOptions.CheckName(request.Name?.Trim());
        StreamSource source;
        try
        {
            source = StreamSource.Parse(request.Url, _service.Options.AllowFileStreams);
        }
        catch (BadInputException e)
        {
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, e.Message);
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_streams.ContainsKey(name)) throw new ApiException(StatusCodes.Status409Conflict, $"a stream named '{name}' is already watched");
            var recognizer = _service.Gallery.Read(g => new VideoRecognizer(_service.Pipeline, g));
            var watcher = new StreamWatcher(source, recognizer, new StreamWatcherOptions
            {
                Name = name,
                CropFolder = Path.Combine(CropFolder, name),
                ReconnectMax = _service.Options.StreamReconnectMax,
            }, e => Publish(name, e))
            {
                Guard = work => _service.Gallery.Read(_ => work()),
                Log = line => Logger?.LogInformation("stream {Line}", line),
            };
            var stop = new CancellationTokenSource();
            var run = watcher.RunAsync(stop.Token);
            _ = run.ContinueWith(t => Logger?.LogError(t.Exception, "stream {Name} failed", name), TaskContinuationOptions.OnlyOnFaulted);
            _streams[name] = new Entry(watcher, stop, run);
            return StreamSummary.From(watcher);
        }
    }

    /// <summary>Every stream with its status and counters, in the order they were added.</summary>
    public IReadOnlyList<StreamSummary> List() => [.. Watchers().Select(StreamSummary.From)];

    /// <summary>The streams that gave up reconnecting.</summary>
    public IReadOnlyList<string> Dead() => [.. Watchers().Where(w => w.Status == StreamStatus.Dead).Select(w => w.Name)];

    /// <summary>Stops a stream (its open tracks leave) and forgets it; 404 when there is none of that name.</summary>
    public async Task<StreamSummary> RemoveAsync(string name)
    {
        Entry? entry;
        lock (_gate)
            if (!_streams.Remove(name, out entry)) throw new ApiException(StatusCodes.Status404NotFound, $"no stream named '{name}'");
        await Stop(entry);
        StreamMetrics.Remove(name);
        return StreamSummary.From(entry.Watcher);
    }

    /// <summary>The crop file <paramref name="file"/> of stream <paramref name="name"/>, or null when there is none (names
    /// that are not a crop's, such as <c>../x</c>, never reach the disk).</summary>
    public string? CropFile(string name, string file)
    {
        if (!CropName().IsMatch(file)) return null;
        try
        {
            StreamWatcherOptions.CheckName(name);
        }
        catch (BadInputException)
        {
            return null;
        }
        var path = Path.Combine(CropFolder, name, file);
        return File.Exists(path) ? path : null;
    }

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}\\.jpg$")]
    private static partial Regex CropName();

    private IReadOnlyList<StreamWatcher> Watchers()
    {
        lock (_gate) return [.. _streams.Values.Select(e => e.Watcher)];
    }

    private void Publish(string name, StreamEvent e)
    {
        var cropUrl = e.Crop is null ? null : $"/v1/streams/{Uri.EscapeDataString(name)}/crops/{Uri.EscapeDataString(Path.GetFileName(e.Crop))}";
        var message = StreamEventMessage.From(e, cropUrl);
        StreamMetrics.Events.WithLabels(name, message.Type).Inc();
        if (e.Kind == StreamEventKind.Dead) Logger?.LogWarning("stream {Name} is dead: {Reason}", name, e.Reason);
        Events.Publish(message);
        Webhook?.Enqueue(message);
    }

    private static async Task Stop(Entry entry)
    {
        await entry.Stop.CancelAsync();
        try
        {
            await entry.Run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A watcher that died of a fault has reported it (its dead event and the log); a stuck one is abandoned.
        }
        entry.Stop.Dispose();
    }

    /// <summary>Stops every stream, ends the event clients' streams and drains the webhook.</summary>
    public void Dispose()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            entries = [.. _streams.Values];
            _streams.Clear();
        }
        Live.TryRemove(this, out _);
        Task.WhenAll(entries.Select(Stop)).GetAwaiter().GetResult();
        foreach (var e in entries) StreamMetrics.Remove(e.Watcher.Name);
        Events.CompleteAll();
        Webhook?.Dispose();
        if (_temporaryCrops)
        {
            try
            {
                if (Directory.Exists(CropFolder)) Directory.Delete(CropFolder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private sealed record Entry(StreamWatcher Watcher, CancellationTokenSource Stop, Task Run);
}
