using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceNetML.Imaging;

namespace FaceNetML.Video;

/// <summary>
/// Encodes <see cref="RgbImage"/> frames as H.264 MP4 through the <c>ffmpeg</c> binary: raw rgb24 frames go into
/// <c>ffmpeg -f rawvideo ... -c:v libx264 -pix_fmt yuv420p -movflags +faststart out.mp4</c>. Odd sizes are padded by
/// one pixel (yuv420p needs even sizes). Call <see cref="Complete"/> to finish the file and learn about errors;
/// disposing without it aborts the encoder.
/// </summary>
public sealed class FfmpegFrameWriter : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly StringBuilder _stderr;
    private bool _completed;
    private bool _disposed;

    /// <param name="preset">x264 preset (default <c>veryfast</c>: real time on two cores at 640x360).</param>
    /// <param name="crf">x264 constant quality (default 23).</param>
    public FfmpegFrameWriter(string path, int width, int height, double frameRate, string preset = "veryfast", int crf = 23)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!(frameRate > 0) || !double.IsFinite(frameRate))
            throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "frame rate must be positive");
        Path = path;
        Width = width;
        Height = height;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _process = Ffmpeg.Start(Ffmpeg.FfmpegPath,
        [
            "-nostdin", "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", frameRate.ToString("0.#####", CultureInfo.InvariantCulture), "-i", "-",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-preset", preset, "-crf", crf.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
        ], stdin: true, stdout: false);
        // ffmpeg reads its arguments: stdin is the -i - input here, -nostdin only stops interactive key handling.
        _stderr = Ffmpeg.CollectStderr(_process);
        _stdin = _process.StandardInput.BaseStream;
    }

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public int FramesWritten { get; private set; }

    /// <summary>Sends one frame (must have the writer's size).</summary>
    /// <exception cref="VideoException">The encoder has stopped (disk full, bad path, codec missing).</exception>
    public void Write(RgbImage frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("the writer has been completed");
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"frame is {frame.Width}x{frame.Height}; the writer takes {Width}x{Height}", nameof(frame));
        try
        {
            _stdin.Write(frame.Pixels, 0, frame.Pixels.Length);
        }
        catch (IOException e)
        {
            _process.WaitForExit(5000);
            throw new VideoException($"{Path}: encoder stopped after {FramesWritten} frames ({StderrLine() ?? e.Message})", e);
        }
        FramesWritten++;
    }

    /// <summary>Closes the input, waits for ffmpeg to finish the file. Throws <see cref="VideoException"/> when encoding failed.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        _completed = true;
        try
        {
            _stdin.Flush();
            _stdin.Close();
        }
        catch (IOException)
        {
        }
        _process.WaitForExit();
        if (_process.ExitCode != 0)
            throw new VideoException($"{Path}: encoding failed ({StderrLine() ?? $"ffmpeg exit code {_process.ExitCode}"})");
    }

    private string? StderrLine()
    {
        lock (_stderr) return Ffmpeg.FirstLine(_stderr.ToString());
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_completed && !_process.HasExited) _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
