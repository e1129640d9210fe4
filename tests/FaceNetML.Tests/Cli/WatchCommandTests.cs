using System.Diagnostics;
using System.Text.Json;
using FaceNetML.Cli;
using FaceNetML.Imaging;
using FaceNetML.Tests.Video;

namespace FaceNetML.Tests.Cli;

/// <summary><c>facenetml watch</c> as a process on a live UDP source (real ffmpeg, real models): one JSON line per event.</summary>
[TestClass]
public sealed class WatchCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestMethod]
    public async Task Watch_AUdpStream_PrintsAppearedForThePerson_ThenLeftAfterTheClipEnds()
    {
        var crops = TestData.TempDir("watch-crops");
        int port = StreamSender.FreeUdpPort();
        var start = CliRunner.StartInfo("watch", StreamSender.Url(port), "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--name", "door",
            "--crops", crops, "--reconnect-max", "0", "--stall-timeout", "6");
        using var watch = Process.Start(start)!;
        var stdout = new List<string>();
        var stderr = new List<string>();
        var connecting = new TaskCompletionSource();
        watch.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line) lock (stdout) stdout.Add(line);
        };
        watch.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (stderr) stderr.Add(line);
            if (line.StartsWith("door: connecting to", StringComparison.Ordinal)) connecting.TrySetResult();
        };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            // The clip is sent once the watcher's ffmpeg listens (after the models and the gallery are loaded).
            await Task.WhenAny(connecting.Task, watch.WaitForExitAsync()).WaitAsync(Patience);
            Assert.IsTrue(connecting.Task.IsCompleted, "watch never connected: " + string.Join("\n", stderr));
            using (var sender = StreamSender.Start(TestData.DataPath("ytf-dev", "Aaron_Guiel_5.mp4"), port, loop: false))
                await watch.WaitForExitAsync().WaitAsync(Patience);
        }
        finally
        {
            if (!watch.HasExited) watch.Kill(true);
        }
        watch.WaitForExit(); // the last lines of the pipes
        var log = string.Join("\n", stderr);
        Assert.AreEqual(ExitCodes.Success, watch.ExitCode, log);
        var events = stdout.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var types = string.Join(", ", events.Select(e => e.GetProperty("type").GetString()));

        var appeared = events.FirstOrDefault(e => e.GetProperty("type").GetString() == "appeared" && e.GetProperty("person").GetString() == "Aaron_Guiel");
        Assert.AreEqual(JsonValueKind.Object, appeared.ValueKind, $"no appeared event for Aaron_Guiel: {types}\n{log}");
        Assert.AreEqual("door", appeared.GetProperty("stream").GetString());
        Assert.IsTrue(DateTimeOffset.TryParse(appeared.GetProperty("time").GetString(), out _), appeared.ToString());
        StringAssert.EndsWith(appeared.GetProperty("time").GetString(), "Z");
        Assert.AreEqual(4, appeared.GetProperty("box").GetArrayLength());
        Assert.IsGreaterThan(0.0, appeared.GetProperty("confidence").GetDouble());
        var crop = appeared.GetProperty("crop").GetString()!;
        StringAssert.StartsWith(crop, crops);
        Assert.IsGreaterThan(20, ImageDecoder.Decode(File.ReadAllBytes(crop), crop).Width);
        Assert.IsFalse(appeared.TryGetProperty("cropUrl", out _), "the command line has no URLs");

        // After the clip: the track leaves, the source is lost, and with --reconnect-max 0 that is the end.
        int track = appeared.GetProperty("track").GetInt32();
        int at = events.IndexOf(appeared);
        var left = events.Skip(at).FirstOrDefault(e => e.GetProperty("type").GetString() == "left" && e.GetProperty("track").GetInt32() == track);
        Assert.AreEqual(JsonValueKind.Object, left.ValueKind, types);
        Assert.AreEqual("Aaron_Guiel", left.GetProperty("person").GetString());
        Assert.IsGreaterThanOrEqualTo(appeared.GetProperty("seconds").GetDouble(), left.GetProperty("seconds").GetDouble());
        Assert.AreEqual("disconnected", events[^2].GetProperty("type").GetString(), types);
        StringAssert.Contains(events[^2].GetProperty("reason").GetString(), "no frame for 6 s");
        Assert.AreEqual("dead", events[^1].GetProperty("type").GetString(), types);
        StringAssert.Contains(log, "door: live (320x240)");
        Directory.Delete(crops, true);
    }

    [TestMethod]
    public void Watch_BadUrl_IsOneErrorLine_BeforeAnyModelLoads()
    {
        var r = CliRunner.Run("watch", "ftp://example.com/cam", "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--json");
        Assert.AreEqual(ExitCodes.BadInput, r.ExitCode, r.Stderr);
        StringAssert.Contains(r.Json.GetProperty("error").GetString(), "unsupported stream scheme 'ftp'");
        Assert.AreEqual(1, r.Stdout.Trim().Split('\n').Length, r.Stdout);

        var badName = CliRunner.Run("watch", "udp://127.0.0.1:5000", "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--name", "a/b");
        Assert.AreEqual(ExitCodes.BadInput, badName.ExitCode, badName.Stderr);
        StringAssert.Contains(badName.Stderr, "stream name 'a/b'");
        Assert.AreEqual("", badName.Stdout);
    }

    [TestMethod]
    public void Watch_ASourceThatSendsNothing_IsDead_AndExits2()
    {
        int port = StreamSender.FreeUdpPort();
        var r = CliRunner.Run("watch", StreamSender.Url(port), "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--reconnect-max", "0", "--stall-timeout", "1");
        Assert.AreEqual(ExitCodes.BadInput, r.ExitCode, r.Stderr);
        var dead = JsonDocument.Parse(r.Stdout.Trim()).RootElement;
        Assert.AreEqual("dead", dead.GetProperty("type").GetString());
        StringAssert.Contains(r.Stderr, $"error: udp://127.0.0.1:{port}: no frame received (no frame for 1 s)");
    }
}
