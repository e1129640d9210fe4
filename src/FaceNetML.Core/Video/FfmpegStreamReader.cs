using System.Diagnostics;
using System.Text;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>
/// Decodes a live input (<see cref="StreamSource"/>: RTSP, UDP MPEG-TS, HTTP, ..., or a file played in real time) into
/// <see cref="RgbImage"/> frames through the <c>ffmpeg</c> binary. Nothing is probed beforehand (a live source cannot be
/// opened twice): ffmpeg writes each decoded frame as a binary PPM image (<c>-c:v ppm -f image2pipe</c>) whose header
/// carries its size, so the first frame needs no probe and a source that changes its resolution keeps working. Frames
/// are passed through as decoded (<c>-fps_mode passthrough</c>): none is duplicated or dropped to keep a frame rate. A
/// network input is analysed for at most 1 s before its first frame (<c>-analyzeduration</c>; ffmpeg's default is 5 s).
/// Owns the ffmpeg process: <see cref="Stop"/> (from any thread) kills it, which also ends a <see cref="ReadFrame"/>
/// blocked on a silent source; dispose once the reading thread is done.
/// </summary>
public sealed class FfmpegStreamReader : IDisposable
{
    /// <summary>Frames larger than this many pixels are refused (a corrupt header must not allocate gigabytes).</summary>
    public const long MaxPixels = 8192L * 8192;

    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr;
    private bool _ended;
    private int _stopped;
    private bool _disposed;

    /// <summary>Starts ffmpeg on the source. Throws <see cref="FfmpegNotFoundException"/> when ffmpeg cannot be run.</summary>
    public FfmpegStreamReader(StreamSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        List<string> args = ["-nostdin", "-v", "error"];
        // A file plays in real time, as a camera would. A live input is probed for 1 s, not ffmpeg's 5 s, before the first
        // frame (enough to find the codec parameters after a key frame).
        if (source.IsFile) args.Add("-re");
        else args.AddRange(["-analyzeduration", "1000000"]);
        // RTSP over TCP (interleaved): cameras generally serve it, and it crosses NAT and loses no packets, unlike RTP over UDP.
        if (source.Input.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase)) args.AddRange(["-rtsp_transport", "tcp"]);
        args.AddRange(["-i", source.Input, "-map", "0:v:0", "-an", "-sn", "-fps_mode", "passthrough", "-c:v", "ppm", "-f", "image2pipe", "-"]);
        _process = Ffmpeg.Start(Ffmpeg.FfmpegPath, args, stdin: false, stdout: true);
        _stderr = Ffmpeg.CollectStderr(_process);
        _stdout = new BufferedStream(_process.StandardOutput.BaseStream, 1 << 16);
    }

    public StreamSource Source { get; }

    /// <summary>Frames returned so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>After the last frame: null when ffmpeg ended cleanly (a finite source played to its end), else a one-line
    /// reason (ffmpeg's first error line or exit code, or a malformed frame).</summary>
    public string? Error { get; private set; }

    /// <summary>The next frame, or null when the source ended, failed or the reader was disposed (then see <see cref="Error"/>).</summary>
    public RgbImage? ReadFrame()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended || Volatile.Read(ref _stopped) != 0) return null;
        try
        {
            var header = ReadHeader();
            if (header is not var (width, height))
            {
                Finish(null);
                return null;
            }
            var pixels = new byte[checked(width * height * 3)];
            if (_stdout.ReadAtLeast(pixels, pixels.Length, throwOnEndOfStream: false) < pixels.Length)
            {
                Finish("the stream ends inside a frame");
                return null;
            }
            FramesRead++;
            return new RgbImage(width, height, pixels);
        }
        catch (InvalidDataException e)
        {
            Finish(e.Message);
            return null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe closed under us: the reader was stopped while waiting for a frame.
            Finish(Volatile.Read(ref _stopped) != 0 ? null : e.Message);
            return null;
        }
    }

    /// <summary>Reads a PPM header (<c>P6 WIDTH HEIGHT 255</c> and one whitespace byte); null at a clean end of stream.</summary>
    private (int Width, int Height)? ReadHeader()
    {
        int first = _stdout.ReadByte();
        if (first < 0) return null;
        if (first != 'P' || _stdout.ReadByte() != '6') throw new InvalidDataException("ffmpeg wrote something other than a PPM frame");
        int width = ReadNumber(), height = ReadNumber(), maxValue = ReadNumber();
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            throw new InvalidDataException($"frame size {width}x{height} is out of range (at most {MaxPixels / 1_000_000} megapixels)");
        if (maxValue != 255) throw new InvalidDataException($"unexpected PPM depth {maxValue} (expected 8 bits)");
        return (width, height);
    }

    /// <summary>A decimal number after whitespace, consuming the one whitespace byte that ends it.</summary>
    private int ReadNumber()
    {
        int c;
        do c = _stdout.ReadByte(); while (c is ' ' or '\n' or '\r' or '\t');
        long value = 0;
        int digits = 0;
        for (; c is >= '0' and <= '9'; c = _stdout.ReadByte())
        {
            value = value * 10 + (c - '0');
            if (++digits > 9) throw new InvalidDataException("malformed PPM header (number too long)");
        }
        if (digits == 0 || c is not (' ' or '\n' or '\r' or '\t'))
            throw new InvalidDataException(c < 0 ? "the stream ends inside a frame header" : "malformed PPM header");
        return (int)value;
    }

    private void Finish(string? problem)
    {
        if (_ended) return;
        _ended = true;
        if (Volatile.Read(ref _stopped) != 0) return;
        try
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        string stderr;
        lock (_stderr) stderr = _stderr.ToString();
        var detail = Ffmpeg.FirstLine(stderr, Source.Input);
        if (problem is not null) Error = $"{Source.Display}: {problem}{(detail is null ? "" : $" ({StreamSource.Redact(detail)})")}";
        else if (_process.HasExited && _process.ExitCode != 0)
            Error = $"{Source.Display}: {(detail is null ? $"ffmpeg exit code {_process.ExitCode}" : StreamSource.Redact(detail))}";
    }

    /// <summary>Kills ffmpeg (thread-safe): a blocked or later <see cref="ReadFrame"/> returns null, with no <see cref="Error"/>.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        Stop();
        _disposed = true;
        try
        {
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
