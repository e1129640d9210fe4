using System.Buffers.Binary;
using System.Text;

namespace FaceNetML.Models.TfLite;

/// <summary>
/// A minimal, bounds-checked reader for FlatBuffers tables (the container format of .tflite files).
/// Every offset is validated, so a truncated or mutated file raises <see cref="BadInputException"/>
/// instead of reading outside the buffer or allocating absurd amounts of memory.
/// </summary>
internal readonly struct FlatBufferReader(byte[] buffer, string sourceName)
{
    private readonly byte[] _buffer = buffer;

    public string SourceName { get; } = sourceName;
    public int Length => _buffer.Length;

    /// <summary>The root table: a uint32 offset at position 0.</summary>
    public FlatTable Root()
    {
        if (_buffer.Length < 8) throw Bad($"file too short ({_buffer.Length} bytes)");
        return Table(ReadUOffset(0));
    }

    public string FileIdentifier => _buffer.Length >= 8 ? Encoding.ASCII.GetString(_buffer, 4, 4) : "";

    internal FlatTable Table(int position)
    {
        Check(position, 4);
        int vtable = checked(position - BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(position)));
        Check(vtable, 4);
        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(vtable));
        if (vtableSize < 4 || (vtableSize & 1) != 0) throw Bad($"bad vtable size {vtableSize} at {vtable}");
        Check(vtable, vtableSize);
        int tableSize = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(vtable + 2));
        Check(position, Math.Max(tableSize, 4));
        return new FlatTable(this, position, vtable, vtableSize, tableSize);
    }

    /// <summary>Follows the uint32 offset stored at <paramref name="position"/> (relative to itself).</summary>
    internal int ReadUOffset(int position)
    {
        Check(position, 4);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(position));
        long target = position + (long)offset;
        if (offset == 0 || target >= _buffer.Length) throw Bad($"offset {offset} at {position} points outside the file");
        return (int)target;
    }

    internal int VectorLength(int vectorPosition, int elementSize)
    {
        Check(vectorPosition, 4);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(vectorPosition));
        long bytes = (long)count * elementSize;
        if (vectorPosition + 4L + bytes > _buffer.Length)
            throw Bad($"vector of {count} elements at {vectorPosition} runs past the end of the file");
        return (int)count;
    }

    internal ReadOnlySpan<byte> Bytes(int position, int length)
    {
        Check(position, length);
        return _buffer.AsSpan(position, length);
    }

    internal void Check(int position, int length)
    {
        if (position < 0 || length < 0 || (long)position + length > _buffer.Length)
            throw Bad($"read of {length} bytes at {position} is outside the file ({_buffer.Length} bytes)");
    }

    internal BadInputException Bad(string what) =>
        new($"{SourceName}: not a valid TFLite model ({what})");
}

/// <summary>One FlatBuffers table: fields addressed by their schema index.</summary>
internal readonly struct FlatTable(FlatBufferReader reader, int position, int vtable, int vtableSize, int tableSize)
{
    private readonly FlatBufferReader _r = reader;

    /// <summary>Absolute position of field <paramref name="index"/>, or 0 when absent.</summary>
    private int Field(int index, int size)
    {
        int slot = 4 + 2 * index;
        if (slot + 2 > vtableSize) return 0;
        int rel = BinaryPrimitives.ReadUInt16LittleEndian(_r.Bytes(vtable + slot, 2));
        if (rel == 0) return 0;
        if (rel + size > tableSize) throw _r.Bad($"field {index} lies outside its table");
        return position + rel;
    }

    public bool Has(int index) => Field(index, 1) != 0;

    public byte Byte(int index, byte fallback = 0)
    {
        int p = Field(index, 1);
        return p == 0 ? fallback : _r.Bytes(p, 1)[0];
    }

    public int Int(int index, int fallback = 0)
    {
        int p = Field(index, 4);
        return p == 0 ? fallback : BinaryPrimitives.ReadInt32LittleEndian(_r.Bytes(p, 4));
    }

    public uint UInt(int index, uint fallback = 0)
    {
        int p = Field(index, 4);
        return p == 0 ? fallback : BinaryPrimitives.ReadUInt32LittleEndian(_r.Bytes(p, 4));
    }

    public FlatTable? Table(int index)
    {
        int p = Field(index, 4);
        return p == 0 ? null : _r.Table(_r.ReadUOffset(p));
    }

    public string? String(int index)
    {
        int p = Field(index, 4);
        if (p == 0) return null;
        int s = _r.ReadUOffset(p);
        int n = _r.VectorLength(s, 1);
        return Encoding.UTF8.GetString(_r.Bytes(s + 4, n));
    }

    public int[] Ints(int index)
    {
        int p = Field(index, 4);
        if (p == 0) return [];
        int v = _r.ReadUOffset(p);
        int n = _r.VectorLength(v, 4);
        var bytes = _r.Bytes(v + 4, n * 4);
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4));
        return result;
    }

    public ReadOnlySpan<byte> ByteVector(int index)
    {
        int p = Field(index, 4);
        if (p == 0) return [];
        int v = _r.ReadUOffset(p);
        int n = _r.VectorLength(v, 1);
        return _r.Bytes(v + 4, n);
    }

    public FlatTable[] Tables(int index)
    {
        int p = Field(index, 4);
        if (p == 0) return [];
        int v = _r.ReadUOffset(p);
        int n = _r.VectorLength(v, 4);
        var result = new FlatTable[n];
        for (int i = 0; i < n; i++) result[i] = _r.Table(_r.ReadUOffset(v + 4 + 4 * i));
        return result;
    }
}
