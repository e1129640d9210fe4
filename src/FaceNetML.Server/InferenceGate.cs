using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>
/// A bounded number of inference slots with a bounded queue in front: a request waits for a slot while fewer than
/// <see cref="QueueLimit"/> others wait; beyond that it is refused at once (429), so overload sheds work instead of
/// piling up memory and latency.
/// </summary>
public sealed class InferenceGate(int slots, int queueLimit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, slots), Math.Max(1, slots));
    private int _waiting;

    public int Slots { get; } = Math.Max(1, slots);
    public int QueueLimit { get; } = Math.Max(0, queueLimit);

    /// <summary>Requests waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Slots in use now.</summary>
    public int Busy => Slots - _slots.CurrentCount;

    /// <summary>Takes a slot (waiting in the queue if needed); dispose the result to give it back.</summary>
    /// <exception cref="ApiException">429 when the queue is full.</exception>
    /// <exception cref="OperationCanceledException">The request timed out or was aborted while waiting.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken cancel)
    {
        if (_slots.Wait(0)) return new Lease(this);
        if (Interlocked.Increment(ref _waiting) > QueueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            throw new ApiException(StatusCodes.Status429TooManyRequests, $"overloaded: {Slots} inference slots busy and {QueueLimit} requests waiting; retry later");
        }
        try
        {
            await _slots.WaitAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Lease(this);
    }

    private sealed class Lease(InferenceGate gate) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate._slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
