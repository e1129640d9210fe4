using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceNetML.Tests.Video;

/// <summary>
/// A live source for the stream tests: real ffmpeg playing a clip in real time (<c>-re</c>) as MPEG-TS over UDP to a
/// loopback port, re-encoded with a key frame every 10 frames so that a receiver that joins (or rejoins) late starts
/// decoding within half a second. Dispose (or <see cref="Kill"/>) stops it.
/// </summary>
internal sealed class StreamSender : IDisposable
{
    private readonly Process _process;

    private StreamSender(Process process) => _process = process;

    /// <summary>A UDP port free on loopback now.</summary>
    public static int FreeUdpPort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }

    /// <summary>The receiver's URL for a port.</summary>
    public static string Url(int port) => $"udp://127.0.0.1:{port}";

    /// <summary>Starts sending <paramref name="clip"/> to the port: once, or again and again with <paramref name="loop"/>.</summary>
    public static StreamSender Start(string clip, int port, bool loop)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        string[] args =
        [
            "-nostdin", "-v", "error", "-re", .. loop ? new[] { "-stream_loop", "-1" } : [], "-i", clip, "-an",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10", "-f", "mpegts", $"{Url(port)}?pkt_size=1316",
        ];
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new StreamSender(process);
    }

    /// <summary>Whether ffmpeg has finished (a clip sent once has ended).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills ffmpeg at once: the source vanishes, as a camera that loses power.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
