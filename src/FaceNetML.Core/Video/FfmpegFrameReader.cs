using System.Diagnostics;
using System.Text;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>
/// Decodes a video into <see cref="RgbImage"/> frames through the <c>ffmpeg</c> binary over a pipe
/// (<c>ffmpeg -v error -i FILE -f rawvideo -pix_fmt rgb24 -</c>); size and rate come from <c>ffprobe</c>.
/// Frame index = 0-based decode order. Owns the ffmpeg process: dispose to stop it.
/// </summary>
/// <remarks>
/// A file that ends early (truncated, corrupt) still yields every frame decoded before the damage; afterwards
/// <see cref="Error"/> says what went wrong (ffmpeg's exit code, fewer frames than the container announced, or a
/// partial last frame). <see cref="ReadFrame"/> never throws for damaged data once the reader is open.
/// </remarks>
public sealed class FfmpegFrameReader : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr;
    private readonly int _frameBytes;
    private bool _ended;
    private bool _disposed;

    /// <summary>Probes and opens the file. Throws <see cref="VideoException"/> for a missing, non-video or unreadable file.</summary>
    public FfmpegFrameReader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        Info = Ffmpeg.Probe(path);
        _frameBytes = checked(Info.Width * Info.Height * 3);
        _process = Ffmpeg.Start(Ffmpeg.FfmpegPath, ["-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            stdin: false, stdout: true);
        _stderr = Ffmpeg.CollectStderr(_process);
        _stdout = _process.StandardOutput.BaseStream;
    }

    public string Path { get; }
    public VideoInfo Info { get; }
    public int Width => Info.Width;
    public int Height => Info.Height;

    /// <summary>Frames returned so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>After the last frame: null when the whole video decoded cleanly, else a one-line reason (the frames read are valid).</summary>
    public string? Error { get; private set; }

    /// <summary>Anything ffmpeg printed on stderr (errors only, at <c>-v error</c>).</summary>
    public string Diagnostics
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>The next frame, or null at the end of the video (then check <see cref="Error"/>).</summary>
    public RgbImage? ReadFrame()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended) return null;
        var pixels = new byte[_frameBytes];
        int filled = 0;
        while (filled < pixels.Length)
        {
            int n = _stdout.Read(pixels, filled, pixels.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        if (filled == pixels.Length)
        {
            FramesRead++;
            return new RgbImage(Info.Width, Info.Height, pixels);
        }
        Finish(partialBytes: filled);
        return null;
    }

    /// <summary>All remaining frames; stops at the end or at the damage (then <see cref="Error"/> is set).</summary>
    public IEnumerable<RgbImage> ReadFrames()
    {
        while (ReadFrame() is { } frame) yield return frame;
    }

    private void Finish(int partialBytes)
    {
        _ended = true;
        _process.WaitForExit();
        string stderr = Diagnostics;
        string? detail = Ffmpeg.FirstLine(stderr, Path);
        if (_process.ExitCode != 0)
            Error = $"{Path}: decoding failed after {FramesRead} frames ({detail ?? $"ffmpeg exit code {_process.ExitCode}"})";
        else if (partialBytes > 0)
            Error = $"{Path}: video ends inside frame {FramesRead} (truncated file?)";
        else if (Info.FrameCount is { } expected && FramesRead < expected)
            Error = $"{Path}: truncated or corrupt video: decoded {FramesRead} of {expected} frames ({detail ?? "stream ends early"})";
        else if (FramesRead == 0)
            Error = $"{Path}: no frame could be decoded ({detail ?? "empty video stream"})";
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
