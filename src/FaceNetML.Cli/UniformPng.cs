using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FaceNetML.Cli;

/// <summary>
/// Writes a valid one-colour 8-bit grayscale PNG of any size, row by row, without holding the image: the
/// "decompression bomb" that <c>bench --memory</c> and the tests feed to <c>detect</c> (16384x16384 compresses
/// to about 260 KB). Each row is filter 0 followed by zero bytes, all in one zlib stream in one IDAT chunk.
/// </summary>
internal static class UniformPng
{
    public static void Write(string path, int width, int height, byte gray = 128)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + width];
            Array.Fill(row, gray, 1, width);
            for (int y = 0; y < height; y++) zlib.Write(row);
        }
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (gray), deflate, filter method 0, no interlace
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
