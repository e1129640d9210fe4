using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FaceNetML.Video;

/// <summary>A video file or stream that ffmpeg cannot read, or that ends early. The message is one line.</summary>
public sealed class VideoException(string message, Exception? inner = null) : BadInputException(message, inner);

/// <summary>What <c>ffprobe</c> says about the first video stream.</summary>
/// <param name="FrameCount">Frames announced by the container (<c>nb_frames</c>), or null when unknown.</param>
/// <param name="Duration">Seconds announced by the stream or, failing that, the container; null when unknown.</param>
public sealed record VideoInfo(int Width, int Height, double FrameRate, int? FrameCount, double? Duration = null)
{
    /// <summary>The frames announced, else the duration times the frame rate (rounded up); null when neither is known.</summary>
    public int? ExpectedFrames => FrameCount ?? (Duration is { } d ? (int)Math.Min(int.MaxValue, Math.Ceiling(d * FrameRate - 1e-6)) : null);
}

/// <summary>Locating and starting the <c>ffmpeg</c> / <c>ffprobe</c> binaries (Debian package <c>ffmpeg</c>).</summary>
/// <remarks><c>FACENETML_FFMPEG</c> / <c>FACENETML_FFPROBE</c> override the binaries found on PATH.</remarks>
public static class Ffmpeg
{
    public static string FfmpegPath => Environment.GetEnvironmentVariable("FACENETML_FFMPEG") is { Length: > 0 } p ? p : "ffmpeg";
    public static string FfprobePath => Environment.GetEnvironmentVariable("FACENETML_FFPROBE") is { Length: > 0 } p ? p : "ffprobe";

    /// <summary>Probes the first video stream of a file.</summary>
    /// <exception cref="VideoException">Missing file, not a video, unreadable container, or ffprobe missing.</exception>
    public static VideoInfo Probe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckFile(path);
        var (code, stdout, stderr) = RunToEnd(FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,r_frame_rate,nb_frames,duration:format=duration", "-of", "json", path]);
        if (code != 0)
            throw new VideoException($"{path}: not a readable video ({FirstLine(stderr, path) ?? $"ffprobe exit code {code}"})");
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            if (!doc.RootElement.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
                throw new VideoException($"{path}: no video stream (not a video file?)");
            var s = streams[0];
            int w = s.TryGetProperty("width", out var we) ? we.GetInt32() : 0;
            int h = s.TryGetProperty("height", out var he) ? he.GetInt32() : 0;
            if (w <= 0 || h <= 0)
                throw new VideoException($"{path}: video stream without a frame size");
            double fps = s.TryGetProperty("r_frame_rate", out var re) ? ParseRate(re.GetString()) : 0;
            int? frames = s.TryGetProperty("nb_frames", out var ne) && int.TryParse(ne.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            double? duration = Seconds(s) ?? (doc.RootElement.TryGetProperty("format", out var format) ? Seconds(format) : null);
            return new VideoInfo(w, h, fps > 0 ? fps : 25, frames, duration);
        }
        catch (JsonException e)
        {
            throw new VideoException($"{path}: unexpected ffprobe output ({e.Message})", e);
        }
    }

    /// <summary>A positive <c>duration</c> of an ffprobe stream or format object, else null.</summary>
    private static double? Seconds(JsonElement element) =>
        element.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.String && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            && v > 0 && double.IsFinite(v) ? v : null;

    internal static void CheckFile(string path)
    {
        if (Directory.Exists(path)) throw new VideoException($"{path}: is a directory, not a video file");
        if (!File.Exists(path)) throw new VideoException($"{path}: file not found");
        if (new FileInfo(path).Length == 0) throw new VideoException($"{path}: not a video (zero-byte file)");
    }

    internal static double ParseRate(string? rate)
    {
        if (string.IsNullOrEmpty(rate)) return 0;
        var parts = rate.Split('/');
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)) return 0;
        if (parts.Length == 1) return num;
        return double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && den > 0 ? num / den : 0;
    }

    /// <summary>Starts a binary with redirected streams; a missing binary becomes a clear <see cref="VideoException"/>.</summary>
    internal static Process Start(string binary, IEnumerable<string> args, bool stdin, bool stdout)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = stdin,
            RedirectStandardOutput = stdout,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            return Process.Start(psi) ?? throw new VideoException($"could not start {binary}");
        }
        catch (Win32Exception e)
        {
            throw new FfmpegNotFoundException($"cannot run {binary} ({e.Message}); install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set FACENETML_FFMPEG/FACENETML_FFPROBE", e);
        }
    }

    /// <summary>Collects a process's stderr in the background (so it can never block the pipes).</summary>
    internal static StringBuilder CollectStderr(Process process)
    {
        var sb = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (sb)
                if (sb.Length < 64 * 1024) sb.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        return sb;
    }

    private static (int Code, string Stdout, string Stderr) RunToEnd(string binary, IEnumerable<string> args)
    {
        using var p = Start(binary, args, stdin: false, stdout: true);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The first informative line of ffmpeg's stderr, with the file path prefix removed.</summary>
    internal static string? FirstLine(string stderr, string? path = null)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Prefer the line about the file itself ("FILE: Invalid data found when processing input").
        var line = path is null ? null : lines.LastOrDefault(l => l.StartsWith(path + ":", StringComparison.Ordinal));
        line ??= lines.FirstOrDefault();
        if (line is null) return null;
        if (path is not null && line.StartsWith(path + ":", StringComparison.Ordinal)) line = line[(path.Length + 1)..].Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
