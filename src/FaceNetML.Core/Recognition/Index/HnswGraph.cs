using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace FaceNetML.Recognition;

/// <summary>
/// One USearch HNSW graph (squared-L2 metric), driven through USearch's C API (<c>usearch.h</c>), whose native library
/// the Cloud.Unum.USearch package ships for each platform. The package's own C# class cannot reserve capacity or change
/// the search width, which a parallel build and a reopened file both need, so this class binds the C API directly; the
/// option struct and the enums are the package's public ones, so their layout follows the package version.
/// </summary>
/// <remarks>After <see cref="Reserve"/>, <see cref="Add"/> may run on several threads at once (USearch's adds are
/// thread-safe within the reserved capacity); <see cref="Search"/> is always thread-safe. Disposal is not.</remarks>
internal sealed class HnswGraph : IDisposable
{
    private const string Library = "libusearch_c";

    /// <summary>
    /// Steps per unit of an i8 graph: a component x of a unit-length embedding is stored as round(x * 256), clamped to
    /// ±127 (|x| above ~0.5 is rare in 128-512 dimensions, where a typical component is about 0.05-0.09). USearch's own
    /// f32-to-i8 cast instead scales each vector to unit length and truncates x * 127, which leaves a 192-dimension
    /// embedding about ten levels per component: too coarse for its neighbours to stay apart in a large graph. The
    /// graph only chooses candidates; their distances are re-ranked exactly from f32 vectors.
    /// </summary>
    public const float Int8StepsPerUnit = 256f;

    private IntPtr _handle;
    private readonly ScalarKind _storage;

    private HnswGraph(IntPtr handle, ScalarKind storage) => (_handle, _storage) = (handle, storage);

    /// <summary>A new, empty graph.</summary>
    public static HnswGraph Create(int dimension, ScalarKind storage, ulong connectivity, ulong expansionAdd, ulong expansionSearch)
    {
        var options = new IndexOptions(MetricKind.L2sq, IntPtr.Zero, storage, (ulong)dimension, connectivity, expansionAdd, expansionSearch, false);
        var handle = usearch_init(ref options, out var error);
        Check(error, "usearch_init");
        if (handle == IntPtr.Zero) throw new USearchException("usearch_init returned no index");
        var graph = new HnswGraph(handle, storage);
        // USearch keeps the search width of the options only for some versions; setting it again is harmless.
        graph.ExpansionSearch = expansionSearch;
        return graph;
    }

    /// <summary>Opens a saved graph: memory-mapped (<paramref name="view"/>, read-only) or loaded into memory. A file
    /// does not keep the search width, so it is set again here.</summary>
    public static HnswGraph Open(string path, bool view, int dimension, ScalarKind storage, ulong connectivity, ulong expansionAdd, ulong expansionSearch)
    {
        var graph = Create(dimension, storage, connectivity, expansionAdd, expansionSearch);
        try
        {
            IntPtr error;
            if (view) usearch_view(graph._handle, path, out error);
            else usearch_load(graph._handle, path, out error);
            Check(error, view ? "usearch_view" : "usearch_load");
            graph.ExpansionSearch = expansionSearch;
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    /// <summary>Vectors in the graph.</summary>
    public ulong Size
    {
        get
        {
            var n = usearch_size(Handle, out var error);
            Check(error, "usearch_size");
            return (ulong)n;
        }
    }

    /// <summary>Vectors the graph holds before it must grow.</summary>
    public ulong Capacity
    {
        get
        {
            var n = usearch_capacity(Handle, out var error);
            Check(error, "usearch_capacity");
            return (ulong)n;
        }
    }

    /// <summary>Beam width of a search (HNSW's ef).</summary>
    public ulong ExpansionSearch
    {
        get
        {
            var n = usearch_expansion_search(Handle, out var error);
            Check(error, "usearch_expansion_search");
            return (ulong)n;
        }
        set
        {
            usearch_change_expansion_search(Handle, (UIntPtr)value, out var error);
            Check(error, "usearch_change_expansion_search");
        }
    }

    /// <summary>Graph degree (HNSW's M) of this graph (a loaded file's own).</summary>
    public ulong Connectivity
    {
        get
        {
            var n = usearch_connectivity(Handle, out var error);
            Check(error, "usearch_connectivity");
            return (ulong)n;
        }
    }

    /// <summary>Threads that add vectors at once (<see cref="AddParallel"/>); at least 1.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Grows the graph's capacity to at least <paramref name="capacity"/> vectors, with a thread slot for each
    /// of <see cref="Threads"/> adding threads and for each core searching, so that adds may run in parallel.</summary>
    public void Reserve(ulong capacity)
    {
        if (Capacity >= capacity) return;
        usearch_reserve(Handle, (UIntPtr)capacity, out var error);
        Check(error, "usearch_reserve");
        usearch_change_threads_add(Handle, (UIntPtr)(ulong)Math.Max(1, Threads), out error);
        Check(error, "usearch_change_threads_add");
        usearch_change_threads_search(Handle, (UIntPtr)(ulong)Math.Max(Environment.ProcessorCount, Threads), out error);
        Check(error, "usearch_change_threads_search");
    }

    /// <summary>Adds one f32 vector under <paramref name="key"/>, growing the capacity (by doubling) when it is full.
    /// Not for concurrent use: see <see cref="AddParallel"/>.</summary>
    public void Add(ulong key, ReadOnlySpan<float> vector)
    {
        var size = Size;
        if (size + 1 > Capacity) Reserve(Math.Max(16, 2 * size));
        AddReserved(key, vector);
    }

    private unsafe void AddReserved(ulong key, ReadOnlySpan<float> vector)
    {
        if (_storage == ScalarKind.Int8)
        {
            Span<sbyte> q = vector.Length <= 2048 ? stackalloc sbyte[vector.Length] : new sbyte[vector.Length];
            Quantize(vector, q);
            fixed (sbyte* v = q)
            {
                usearch_add(Handle, key, (IntPtr)v, ScalarKind.Int8, out var error);
                Check(error, "usearch_add");
            }
            return;
        }
        fixed (float* v = vector)
        {
            usearch_add(Handle, key, (IntPtr)v, ScalarKind.Float32, out var error);
            Check(error, "usearch_add");
        }
    }

    /// <summary>An embedding as the i8 graph stores it (<see cref="Int8StepsPerUnit"/>).</summary>
    internal static void Quantize(ReadOnlySpan<float> vector, Span<sbyte> into)
    {
        for (int i = 0; i < vector.Length; i++)
            into[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * Int8StepsPerUnit), -127f, 127f);
    }

    /// <summary>Vectors a graph gets one at a time before <see cref="AddParallel"/> adds on several threads.</summary>
    public const ulong SequentialStart = 1024;

    /// <summary>Adds vectors on <see cref="Threads"/> threads at once: reserves their room first (growing by at least
    /// half the capacity, so many small batches do not copy the graph's node table each time).</summary>
    public void AddParallel(IReadOnlyList<(long Key, float[] Vector)> rows)
    {
        if (rows.Count == 0) return;
        ulong need = Size + (ulong)rows.Count + 16, capacity = Capacity;
        if (need > capacity) Reserve(Math.Max(need, capacity + capacity / 2));
        // A small graph grows one vector at a time: concurrent adds into a graph of a few nodes can leave a node that no
        // search reaches.
        int first = (int)Math.Min((ulong)rows.Count, Size < SequentialStart ? SequentialStart - Size : 0);
        for (int i = 0; i < first; i++) AddReserved((ulong)rows[i].Key, rows[i].Vector);
        int rest = rows.Count - first;
        if (rest < 256 || Threads <= 1)
        {
            for (int i = first; i < rows.Count; i++) AddReserved((ulong)rows[i].Key, rows[i].Vector);
            return;
        }
        // One contiguous share of the rows per thread: one task each, not one per vector.
        int threads = Math.Min(Threads, rest / 64);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int from = first + (int)((long)rest * t / threads), to = first + (int)((long)rest * (t + 1) / threads);
            for (int i = from; i < to; i++) AddReserved((ulong)rows[i].Key, rows[i].Vector);
        });
    }

    /// <summary>The <paramref name="k"/> approximate nearest keys and their squared L2 distances in the graph's storage
    /// (an i8 graph's are scaled by <see cref="Int8StepsPerUnit"/> squared), nearest first.</summary>
    public unsafe (ulong[] Keys, float[] SquaredDistances) Search(ReadOnlySpan<float> query, int k)
    {
        var keys = new ulong[k];
        var distances = new float[k];
        nuint found;
        IntPtr error;
        fixed (ulong* pk = keys)
        fixed (float* pd = distances)
        {
            if (_storage == ScalarKind.Int8)
            {
                Span<sbyte> quantized = query.Length <= 2048 ? stackalloc sbyte[query.Length] : new sbyte[query.Length];
                Quantize(query, quantized);
                fixed (sbyte* q = quantized)
                    found = usearch_search(Handle, (IntPtr)q, ScalarKind.Int8, (UIntPtr)k, (IntPtr)pk, (IntPtr)pd, out error);
            }
            else
            {
                fixed (float* q = query)
                    found = usearch_search(Handle, (IntPtr)q, ScalarKind.Float32, (UIntPtr)k, (IntPtr)pk, (IntPtr)pd, out error);
            }
            Check(error, "usearch_search");
        }
        int n = (int)found;
        return n == k ? (keys, distances) : (keys[..n], distances[..n]);
    }

    /// <summary>Removes the vector under <paramref name="key"/> (the graph marks it deleted).</summary>
    public void Remove(ulong key)
    {
        usearch_remove(Handle, key, out var error);
        Check(error, "usearch_remove");
    }

    public void Save(string path)
    {
        usearch_save(Handle, path, out var error);
        Check(error, "usearch_save");
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        usearch_free(_handle, out _);
        _handle = IntPtr.Zero;
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(HnswGraph));

    private static void Check(IntPtr error, string call)
    {
        if (error != IntPtr.Zero) throw new USearchException($"{call} failed: {Marshal.PtrToStringAnsi(error)}");
    }

    [DllImport(Library)] private static extern IntPtr usearch_init(ref IndexOptions options, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_free(IntPtr index, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_save(IntPtr index, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_load(IntPtr index, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_view(IntPtr index, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_size(IntPtr index, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_capacity(IntPtr index, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_expansion_search(IntPtr index, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_change_expansion_search(IntPtr index, UIntPtr expansion, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_connectivity(IntPtr index, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_change_threads_add(IntPtr index, UIntPtr threads, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_change_threads_search(IntPtr index, UIntPtr threads, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_reserve(IntPtr index, UIntPtr capacity, out IntPtr error);
    [DllImport(Library)] private static extern void usearch_add(IntPtr index, ulong key, IntPtr vector, ScalarKind kind, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_search(IntPtr index, IntPtr query, ScalarKind kind, UIntPtr count, IntPtr keys, IntPtr distances, out IntPtr error);
    [DllImport(Library)] private static extern UIntPtr usearch_remove(IntPtr index, ulong key, out IntPtr error);
}
