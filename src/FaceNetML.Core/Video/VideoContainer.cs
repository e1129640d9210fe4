using System.Text;

namespace FaceNetML.Video;

/// <summary>
/// What the first bytes of a file say it is, before ffprobe is asked: one of the video containers people upload (MP4 and
/// QuickTime, Matroska and WebM, AVI, MPEG program and transport streams, FLV, Ogg, ASF/WMV) or not. ffprobe alone would
/// take a JPEG or a PNG for a one-frame video; a server refuses those before it spends a process on them.
/// </summary>
public static class VideoContainer
{
    /// <summary>Bytes to read from the start of a file for <see cref="Recognise(string)"/>.</summary>
    public const int HeaderBytes = 512;

    private static readonly byte[] Ebml = [0x1A, 0x45, 0xDF, 0xA3];
    private static readonly byte[] MpegPack = [0x00, 0x00, 0x01, 0xBA];
    private static readonly byte[] Asf = [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11];

    /// <summary>Major brands of HEIF/AVIF pictures and picture sequences, which are images, not videos.</summary>
    private static readonly HashSet<string> StillBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"];

    /// <summary>The container's name ("mp4", "matroska", ...), or null when the header is none of them.</summary>
    public static string? Recognise(ReadOnlySpan<byte> header)
    {
        // ISO media; HEIF and AVIF still pictures share the box layout and are told apart by their brand.
        if (header.Length >= 12 && Ascii(header[4..8]) == "ftyp") return StillBrands.Contains(Ascii(header[8..12])) ? null : "mp4";
        // QuickTime files may start with other atoms (moov, mdat, wide, free, skip) before or without ftyp.
        if (header.Length >= 8 && Ascii(header[4..8]) is "moov" or "mdat" or "wide" or "free" or "skip") return "mov";
        if (header.StartsWith(Ebml)) return "matroska";
        if (header.Length >= 12 && Ascii(header[..4]) == "RIFF" && Ascii(header[8..12]) == "AVI ") return "avi";
        if (header.StartsWith(MpegPack)) return "mpeg";
        if (IsTransportStream(header)) return "mpegts";
        if (header.Length >= 4 && Ascii(header[..3]) == "FLV" && header[3] == 1) return "flv";
        if (header.Length >= 4 && Ascii(header[..4]) == "OggS") return "ogg";
        if (header.StartsWith(Asf)) return "asf";
        return null;
    }

    /// <summary>The container of a file's first <see cref="HeaderBytes"/> bytes, or null (see <see cref="Recognise(ReadOnlySpan{byte})"/>).</summary>
    public static string? Recognise(string path)
    {
        var header = new byte[HeaderBytes];
        using var file = File.OpenRead(path);
        int read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return Recognise(header.AsSpan(0, read));
    }

    /// <summary>MPEG-TS: 188-byte packets, each starting with the sync byte 0x47 (three in a row are asked for).</summary>
    private static bool IsTransportStream(ReadOnlySpan<byte> header) =>
        header.Length >= 2 * 188 + 1 && header[0] == 0x47 && header[188] == 0x47 && header[2 * 188] == 0x47;

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);
}
