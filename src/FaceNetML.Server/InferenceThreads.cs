using System.Collections.Concurrent;

namespace FaceNetML.Server;

/// <summary>
/// A fixed set of long-lived threads, one per inference slot, that run the requests' decoding and inference. Keeping
/// the native work (SkiaSharp decoding, ONNX Runtime) on the same few threads, instead of whichever thread-pool thread
/// is free, keeps the native allocator's per-thread arenas few, so resident memory stops growing under load.
/// </summary>
public sealed class InferenceThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread[] _threads;

    public InferenceThreads(int count)
    {
        _threads = new Thread[Math.Max(1, count)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"facenetml-inference-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on one of the threads; the task ends with its result or exception.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Loop()
    {
        foreach (var action in _work.GetConsumingEnumerable()) action();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(10));
        _work.Dispose();
    }
}
