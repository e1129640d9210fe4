using System.Collections.Concurrent;

namespace FaceNetML.Server;

/// <summary>
/// A bounded queue of video jobs in front of a fixed number of worker threads: a job waits while fewer than
/// <see cref="Length"/> others wait; beyond that <see cref="TryEnqueue"/> refuses it (the caller answers 429). Jobs run
/// on the workers, independent of the request that brought them.
/// </summary>
public sealed class VideoJobQueue : IDisposable
{
    private readonly BlockingCollection<VideoJob> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _workers;

    /// <param name="workers">Jobs run at once.</param>
    /// <param name="length">Jobs that may wait.</param>
    /// <param name="run">Runs one job on a worker thread; the token is cancelled when the queue is disposed.</param>
    public VideoJobQueue(int workers, int length, Action<VideoJob, CancellationToken> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Length = Math.Max(1, length);
        _queue = new BlockingCollection<VideoJob>(Length);
        _workers = [.. Enumerable.Range(0, Math.Max(1, workers)).Select(i => new Thread(() => Work(run)) { IsBackground = true, Name = $"video-job-{i}" })];
        foreach (var worker in _workers) worker.Start();
    }

    public int Workers => _workers.Length;
    public int Length { get; }

    /// <summary>Jobs waiting for a worker now.</summary>
    public int Waiting => _queue.Count;

    /// <summary>Whether a job would be refused now.</summary>
    public bool IsFull => _queue.Count >= Length;

    /// <summary>Queues a job; false when the queue is full (or closed).</summary>
    public bool TryEnqueue(VideoJob job)
    {
        try { return _queue.TryAdd(job); }
        catch (InvalidOperationException) { return false; } // completed: the server is stopping
    }

    private void Work(Action<VideoJob, CancellationToken> run)
    {
        try
        {
            foreach (var job in _queue.GetConsumingEnumerable(_stop.Token))
            {
                try { run(job, _stop.Token); }
                catch (Exception e) when (e is not OperationCanceledException) { job.Fail("internal error: " + e.Message); } // a worker never dies
                finally { job.Release(); }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the workers (running jobs are cancelled through their token) and waits for them.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _stop.Cancel();
        foreach (var worker in _workers) worker.Join();
        // Jobs still waiting never ran.
        while (_queue.TryTake(out var left)) left.Release();
        _queue.Dispose();
        _stop.Dispose();
    }
}
