using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace FaceNetML.Recognition;

/// <summary>
/// The full-precision embeddings of an HNSW gallery as one flat, memory-mapped file (<c>NAME.usearch.f32</c>): a
/// 64-byte header (magic <c>FNMV</c>, version, dimension, the sidecar generation it matches) and then one row of
/// <c>dimension</c> f32 values per graph key, at <c>64 + key * dimension * 4</c>. Re-ranking reads a candidate's row
/// straight from the mapping, without a copy or a query. It is a cache of the sidecar's embeddings like the graph file:
/// written from the sidecar when it is missing or its generation is not the sidecar's.
/// </summary>
/// <remarks>Rows of removed faces stay (their keys are never returned). The file only grows (by a quarter at a time,
/// so several writers never see it shrink). Reads are thread-safe, also while one writer adds rows; writes are not.</remarks>
internal sealed unsafe class FaceVectorFile : IDisposable
{
    private const int HeaderBytes = 64, Version = 1;
    private static ReadOnlySpan<byte> Magic => "FNMV"u8;

    private readonly FileStream? _file;          // writable files only
    private readonly List<Mapping> _retired = []; // earlier, smaller mappings: readers may still hold them
    private Mapping _map;
    private long _usedRows;

    private sealed class Mapping(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* start, long rows)
    {
        public readonly MemoryMappedFile File = file;
        public readonly MemoryMappedViewAccessor View = view;
        public readonly byte* Start = start;
        public readonly long Rows = rows;
    }

    private FaceVectorFile(string path, int dimension, FileStream? file, Mapping map, long usedRows)
    {
        Path = path;
        Dimension = dimension;
        _file = file;
        _map = map;
        _usedRows = usedRows;
    }

    public string Path { get; }
    public int Dimension { get; }
    private long RowBytes => Dimension * 4L;

    /// <summary>Bytes that hold the header and the rows written so far (the file may be longer: room to grow).</summary>
    public long UsedBytes => HeaderBytes + Interlocked.Read(ref _usedRows) * RowBytes;

    /// <summary>The sidecar generation the file matches, or -1 when not known (rows added since).</summary>
    public long Generation => BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(_map.Start + 16, 8));

    /// <summary>Opens an existing file if its header is valid, its dimension is <paramref name="dimension"/> and it matches
    /// sidecar <paramref name="generation"/>; null otherwise (missing, damaged header, stale).</summary>
    public static FaceVectorFile? OpenValid(string path, int dimension, long generation, bool readOnly)
    {
        if (!File.Exists(path) || new FileInfo(path).Length < HeaderBytes) return null;
        FaceVectorFile? vectors = null;
        try
        {
            vectors = readOnly ? OpenRead(path, dimension) : OpenWrite(path, dimension, create: false);
            if (vectors.HeaderValid() && vectors.Generation == generation) return vectors;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        vectors?.Dispose();
        return null;
    }

    /// <summary>A new, empty writable file (replacing any file at <paramref name="path"/>).</summary>
    public static FaceVectorFile Create(string path, int dimension) => OpenWrite(path, dimension, create: true);

    /// <summary>Writes a complete file for <paramref name="rows"/> matching sidecar <paramref name="generation"/>, beside
    /// <paramref name="path"/> first and then moved over it, so a reader never sees half a file.</summary>
    public static void WriteWhole(string path, int dimension, IEnumerable<(long Key, float[] Vector)> rows, long generation)
    {
        var temp = path + ".tmp";
        using (var v = Create(temp, dimension))
        {
            foreach (var (key, vector) in rows) v.Write(key, vector);
            v.Commit(generation);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static FaceVectorFile OpenRead(string path, int dimension)
    {
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        long length = new FileInfo(path).Length;
        var map = Map(file, MemoryMappedFileAccess.Read, length, dimension);
        var vectors = new FaceVectorFile(path, dimension, null, map, map.Rows);
        return vectors;
    }

    private static FaceVectorFile OpenWrite(string path, int dimension, bool create)
    {
        var stream = new FileStream(path, create ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long length = Math.Max(stream.Length, HeaderBytes + 1024L * dimension * 4);
            var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            var map = Map(file, MemoryMappedFileAccess.ReadWrite, length, dimension);
            var vectors = new FaceVectorFile(path, dimension, stream, map, create ? 0 : map.Rows);
            if (create) vectors.WriteHeader(-1);
            return vectors;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static Mapping Map(MemoryMappedFile file, MemoryMappedFileAccess access, long length, int dimension)
    {
        var view = file.CreateViewAccessor(0, length, access);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        return new Mapping(file, view, start + view.PointerOffset, Math.Max(0, (length - HeaderBytes) / (dimension * 4L)));
    }

    private bool HeaderValid()
    {
        var h = new ReadOnlySpan<byte>(_map.Start, HeaderBytes);
        return h[..4].SequenceEqual(Magic) && BinaryPrimitives.ReadInt32LittleEndian(h[4..]) == Version
            && BinaryPrimitives.ReadInt32LittleEndian(h[8..]) == Dimension;
    }

    private void WriteHeader(long generation)
    {
        var h = new Span<byte>(_map.Start, HeaderBytes);
        Magic.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], Dimension);
        BinaryPrimitives.WriteInt64LittleEndian(h[16..], generation);
    }

    /// <summary>The stored row of <paramref name="key"/>; empty when the file has no such row.</summary>
    public ReadOnlySpan<float> Row(long key)
    {
        var map = Volatile.Read(ref _map);
        if (key < 0 || key >= map.Rows) return [];
        return new ReadOnlySpan<float>(map.Start + HeaderBytes + key * RowBytes, Dimension);
    }

    /// <summary>Stores the row of <paramref name="key"/>, growing the file when needed, and marks the file as not matching
    /// any generation until <see cref="Commit"/>.</summary>
    public void Write(long key, ReadOnlySpan<float> vector)
    {
        if (_file is null) throw new InvalidOperationException($"{Path}: opened read-only");
        if (vector.Length != Dimension) throw new ArgumentException($"vector has {vector.Length} values; the file's rows have {Dimension}");
        ArgumentOutOfRangeException.ThrowIfNegative(key);
        if (key >= _map.Rows) Grow(Math.Max(key + 1, _map.Rows + _map.Rows / 4));
        if (Generation != -1) WriteHeader(-1);
        vector.CopyTo(new Span<float>(_map.Start + HeaderBytes + key * RowBytes, Dimension));
        if (key + 1 > _usedRows) Interlocked.Exchange(ref _usedRows, key + 1);
    }

    private void Grow(long rows)
    {
        long length = HeaderBytes + rows * RowBytes;
        if (_file!.Length < length) _file.SetLength(length);
        var file = MemoryMappedFile.CreateFromFile(_file, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        var map = Map(file, MemoryMappedFileAccess.ReadWrite, length, Dimension);
        _retired.Add(_map);
        Volatile.Write(ref _map, map);
    }

    /// <summary>Records that the rows now match sidecar <paramref name="generation"/> and writes them to disk.</summary>
    public void Commit(long generation)
    {
        if (_file is null) throw new InvalidOperationException($"{Path}: opened read-only");
        _map.View.Flush();
        WriteHeader(generation);
        _map.View.Flush();
    }

    public void Dispose()
    {
        foreach (var m in _retired.Append(_map))
        {
            m.View.SafeMemoryMappedViewHandle.ReleasePointer();
            m.View.Dispose();
            m.File.Dispose();
        }
        _retired.Clear();
        _file?.Dispose();
    }
}
