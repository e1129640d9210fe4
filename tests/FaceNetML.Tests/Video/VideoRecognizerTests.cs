using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>End-to-end on real clips (ffmpeg must be installed: Debian package <c>ffmpeg</c>).</summary>
[TestClass]
public sealed class VideoRecognizerTests
{
    private const string Clip = "Aaron_Guiel_5";
    private static FacePipeline _pipeline = null!;
    private static Gallery _gallery = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });
        _gallery = Gallery.FromFolder(_pipeline, TestData.DataPath("ytf-dev", "gallery"));
    }

    [ClassCleanup]
    public static void Cleanup() => _pipeline?.Dispose();

    [TestMethod]
    public void YtfClip_AllSevenEnrolled_F1AtLeast0_90_SegmentsNameThePerson_AndAnnotatedVideoDecodes()
    {
        var dir = TestData.TempDir("video-e2e");
        var output = Path.Combine(dir, "annotated.mp4");
        var video = TestData.DataPath("ytf-dev", Clip + ".mp4");
        var info = Ffmpeg.Probe(video);
        var recognizer = new VideoRecognizer(_pipeline, _gallery, new VideoRecognizerOptions { Every = 2 });
        VideoRecognitionResult result;
        using (var writer = new AnnotatedVideoWriter(output, info, _gallery.People.Select(p => p.Name)))
        {
            result = recognizer.Recognize(video, writer.Write);
            writer.Complete();
        }
        Assert.IsNull(result.Error);
        Assert.AreEqual(132, result.Frames);
        // The person's segments (gaps up to a second bridged) cover most of the 5.28 s clip, and name nobody else.
        var segments = PersonSegmentBuilder.From(result.Detections, info.FrameRate, PersonSegmentBuilder.DefaultGap(info.FrameRate, 2));
        Assert.IsTrue(segments.All(g => g.Person == "Aaron_Guiel"), string.Join(", ", segments));
        Assert.IsGreaterThan(4.0, segments.Sum(g => g.End - g.Start), string.Join(", ", segments));
        var report = VideoEvaluation.Evaluate(VideoTruth.Load(TestData.DataPath("ytf-dev", Clip + ".truth.csv")), result.Detections, result.Frames);
        Assert.IsGreaterThanOrEqualTo(0.90, report.Overall.F1, $"P {report.Overall.Precision:F3} R {report.Overall.Recall:F3}");

        using var reader = new FfmpegFrameReader(output);
        Assert.AreEqual((info.Width, info.Height), (reader.Width, reader.Height));
        int frames = 0, redFrames = 0;
        while (reader.ReadFrame() is { } frame)
        {
            frames++;
            // Aaron_Guiel is the first person of the gallery: red boxes.
            var px = frame.Pixels;
            for (int i = 0; i < px.Length; i += 3)
                if (px[i] > 200 && px[i + 1] < 60 && px[i + 2] < 60)
                {
                    redFrames++;
                    break;
                }
        }
        Assert.IsNull(reader.Error);
        Assert.AreEqual(result.Frames, frames);
        Assert.IsGreaterThan(100, redFrames);
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void TruncatedMp4_KeepsTheFramesBeforeTheDamage_AndReportsAnError()
    {
        var dir = TestData.TempDir("video-trunc");
        // The shared clips keep their index at the end; move it to the front so that a cut file still plays.
        var faststart = Path.Combine(dir, "faststart.mp4");
        RunFfmpeg("-v", "error", "-y", "-i", TestData.DataPath("ytf-dev", Clip + ".mp4"), "-c", "copy", "-movflags", "+faststart", faststart);
        var cut = Path.Combine(dir, "cut.mp4");
        var bytes = File.ReadAllBytes(faststart);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 4 / 10)]);

        var result = new VideoRecognizer(_pipeline, _gallery, new VideoRecognizerOptions { Every = 3 }).Recognize(cut);
        Assert.IsNotNull(result.Error);
        StringAssert.Contains(result.Error, "cut.mp4");
        Assert.DoesNotContain('\n', result.Error);
        Assert.IsGreaterThan(10, result.Frames);
        Assert.IsLessThan(132, result.Frames);
        Assert.IsTrue(result.Detections.Any(d => d.Person == "Aaron_Guiel"));
        Assert.IsTrue(result.Detections.All(d => d.Frame < result.Frames));

        // The CLI prints the partial results with the error and exits 2.
        var (code, stdout) = RunCli("video", cut, "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--truth",
            TestData.DataPath("ytf-dev", Clip + ".truth.csv"), "--every", "3", "--json");
        Assert.AreEqual(2, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.AreEqual(result.Frames, json.RootElement.GetProperty("frames").GetInt32());
        StringAssert.Contains(json.RootElement.GetProperty("error").GetString(), "cut.mp4");
        Assert.IsGreaterThan(0.9, json.RootElement.GetProperty("precision").GetDouble());
        // The person's segments, in seconds, end before the damage.
        var segments = json.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.IsNotEmpty(segments);
        Assert.IsTrue(segments.All(g => g.GetProperty("person").GetString() == "Aaron_Guiel"), json.RootElement.GetProperty("segments").ToString());
        Assert.IsTrue(segments.All(g => g.GetProperty("end").GetDouble() <= result.Frames / 25.0 + 1e-9), json.RootElement.GetProperty("segments").ToString());

        // Cut without the index in front: nothing is decodable, a clear error at once.
        var noIndex = Path.Combine(dir, "noindex.mp4");
        var original = File.ReadAllBytes(TestData.DataPath("ytf-dev", Clip + ".mp4"));
        File.WriteAllBytes(noIndex, original[..(original.Length * 4 / 10)]);
        var e = Assert.ThrowsExactly<VideoException>(() => new FfmpegFrameReader(noIndex));
        StringAssert.Contains(e.Message, "noindex.mp4: not a readable video");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void TextFileOrMissingFile_GivesAClearOneLineError()
    {
        var dir = TestData.TempDir("video-text");
        var text = Path.Combine(dir, "notes.mp4");
        File.WriteAllText(text, "this is not a video\n");
        var e = Assert.ThrowsExactly<VideoException>(() => new VideoRecognizer(_pipeline, _gallery).Recognize(text));
        StringAssert.StartsWith(e.Message, text + ": not a readable video (");
        Assert.DoesNotContain('\n', e.Message);
        Assert.IsInstanceOfType<BadInputException>(e);

        var missing = Assert.ThrowsExactly<VideoException>(() => Ffmpeg.Probe(Path.Combine(dir, "missing.mp4")));
        StringAssert.EndsWith(missing.Message, "file not found");

        var (code, stdout) = RunCli("video", text, "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--json");
        Assert.AreEqual(2, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.AreEqual(0, json.RootElement.GetProperty("frames").GetInt32());
        StringAssert.Contains(json.RootElement.GetProperty("error").GetString(), "not a readable video");
        Directory.Delete(dir, true);
    }

    private static void RunFfmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo(Ffmpeg.FfmpegPath) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.AreEqual(0, p.ExitCode, err);
    }

    /// <summary>Runs <c>facenetml</c>'s entry point in-process; returns the exit code and stdout.</summary>
    private static (int Code, string Stdout) RunCli(params string[] args)
    {
        var entry = Assembly.Load("facenetml").EntryPoint!;
        var stdout = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(stdout);
        try
        {
            var code = (int)entry.Invoke(null, [args])!;
            return (code, stdout.ToString());
        }
        finally
        {
            Console.SetOut(previous);
        }
    }
}
