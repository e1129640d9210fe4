using System.Net.Http.Json;
using System.Threading.Channels;
using FaceNetML.Contracts;
using Microsoft.Extensions.Logging;

namespace FaceNetML.Server;

/// <summary>
/// POSTs each stream event as JSON (<see cref="StreamEventMessage"/>, <see cref="ContractJson.Options"/>) to the URL of
/// <c>serve --webhook</c>, one at a time, in order, from a queue of its own: <see cref="Enqueue"/> never waits, so a slow
/// or dead receiver never holds up recognition. Each POST has <see cref="Timeout"/>; a failure (no connection, an error
/// status, the timeout) is counted and logged, not retried. When the queue is full the oldest event waiting is dropped
/// and counted. Results: <c>facenetml_webhook_posts_total{result="sent|failed|dropped"}</c>.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const int QueueCapacity = 1024;

    private readonly HttpClient _http;
    private readonly Channel<StreamEventMessage> _queue;
    private readonly Task _loop;
    private long _sent, _failed, _dropped;

    public WebhookSender(Uri url, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        Url = url;
        Timeout = timeout ?? TimeSpan.FromSeconds(5);
        _http = new HttpClient { Timeout = Timeout };
        _queue = Channel.CreateBounded<StreamEventMessage>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                StreamMetrics.Webhook.WithLabels("dropped").Inc();
            });
        _loop = Task.Run(Send);
    }

    public Uri Url { get; }

    /// <summary>Where failed deliveries are logged (warnings).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Longest a POST may take.</summary>
    public TimeSpan Timeout { get; }

    public long Sent => Interlocked.Read(ref _sent);
    public long Failed => Interlocked.Read(ref _failed);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues the event for the webhook; returns at once.</summary>
    public void Enqueue(StreamEventMessage message) => _queue.Writer.TryWrite(message);

    private async Task Send()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync())
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(Url, message, ContractJson.Options);
                if (response.IsSuccessStatusCode)
                {
                    _failing = false;
                    Interlocked.Increment(ref _sent);
                    StreamMetrics.Webhook.WithLabels("sent").Inc();
                    continue;
                }
                Fail(message, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                Fail(message, e is OperationCanceledException ? $"no answer in {Timeout.TotalSeconds:0.#} s" : e.Message.ReplaceLineEndings(" "));
            }
        }
    }

    private void Fail(StreamEventMessage message, string why)
    {
        long failed = Interlocked.Increment(ref _failed);
        StreamMetrics.Webhook.WithLabels("failed").Inc();
        // A receiver that is down fails every event: log when it starts failing and every 100th failure, not each one.
        if (!_failing || failed % 100 == 0)
            Logger?.LogWarning("webhook {Url}: {Type} event of {Stream} not delivered: {Why} ({Failed} failed so far)", Url, message.Type, message.Stream, why, failed);
        _failing = true;
    }

    /// <summary>Whether the latest POST failed (read and written by the sending loop only).</summary>
    private bool _failing;

    /// <summary>Stops taking events and waits (at most one timeout) for the queue to drain.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try
        {
            _loop.Wait(Timeout);
        }
        catch (AggregateException)
        {
        }
        _http.Dispose();
    }
}
