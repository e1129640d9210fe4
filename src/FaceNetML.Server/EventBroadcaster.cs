using System.Collections.Concurrent;
using System.Threading.Channels;
using FaceNetML.Contracts;

namespace FaceNetML.Server;

/// <summary>
/// Hands every stream event to the clients of <c>GET /v1/events</c>. Each client has its own buffer of
/// <see cref="Capacity"/> events; publishing never waits: a client whose buffer is full (it reads slower than events come)
/// is dropped, its stream of events ends, and it may connect again. So no client holds an unbounded backlog, and no
/// client slows the watchers.
/// </summary>
public sealed class EventBroadcaster(int capacity = EventBroadcaster.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    private readonly ConcurrentDictionary<long, Client> _clients = new();
    private long _nextId;

    /// <summary>Events a client may have waiting before it is dropped.</summary>
    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Clients connected now.</summary>
    public int Clients => _clients.Count;

    /// <summary>Clients dropped for being slow so far.</summary>
    public long DroppedClients => Interlocked.Read(ref _droppedClients);

    private long _droppedClients;

    /// <summary>A new client: the events published from now on (of <paramref name="stream"/> only, when given). Dispose it
    /// when the client goes; its reader completes when it is dropped.</summary>
    public Subscription Subscribe(string? stream = null)
    {
        var channel = Channel.CreateBounded<StreamEventMessage>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = false,
        });
        long id = Interlocked.Increment(ref _nextId);
        _clients[id] = new Client(channel, stream);
        StreamMetrics.EventClients.Set(_clients.Count);
        return new Subscription(this, id, channel.Reader);
    }

    /// <summary>Gives the event to every client that wants it; drops the clients whose buffer is full.</summary>
    public void Publish(StreamEventMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (id, client) in _clients)
        {
            if (client.Stream is not null && client.Stream != message.Stream) continue;
            if (client.Channel.Writer.TryWrite(message)) continue;
            if (_clients.TryRemove(id, out _))
            {
                client.Channel.Writer.TryComplete();
                Interlocked.Increment(ref _droppedClients);
                StreamMetrics.SlowClients.Inc();
                StreamMetrics.EventClients.Set(_clients.Count);
            }
        }
    }

    /// <summary>Ends every client's stream of events (the server stops).</summary>
    public void CompleteAll()
    {
        foreach (var id in _clients.Keys) Remove(id);
    }

    private void Remove(long id)
    {
        if (_clients.TryRemove(id, out var client)) client.Channel.Writer.TryComplete();
        StreamMetrics.EventClients.Set(_clients.Count);
    }

    private sealed record Client(Channel<StreamEventMessage> Channel, string? Stream);

    /// <summary>One client's events; dispose when the client leaves.</summary>
    public sealed class Subscription(EventBroadcaster owner, long id, ChannelReader<StreamEventMessage> reader) : IDisposable
    {
        public ChannelReader<StreamEventMessage> Reader { get; } = reader;

        public void Dispose() => owner.Remove(id);
    }
}
