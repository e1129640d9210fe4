using System.Net.Http.Headers;
using System.Text.Json;
using FaceNetML.Server;
using FaceNetML.Video;
using SkiaSharp;

namespace FaceNetML.Tests.Server;

/// <summary>
/// Video jobs on a real server (Kestrel, real models, real ffmpeg) over ytf-dev clips: a clip's job names the person
/// enrolled from their gallery photo, with its CSV and a decodable annotated MP4; DELETE cancels a queued or running job
/// and deletes its files; uploads are checked before any decoding (415 not a video, 413 too large, 422 over the
/// duration, pixel or frame limits); a client's file name never becomes a path; finished jobs expire.
/// </summary>
[TestClass]
public sealed class VideoApiTests
{
    private static FaceServerOptions WithData(string data, VideoJobOptions? videos = null) =>
        new() { DataFolder = data, Videos = videos ?? new VideoJobOptions() };

    private static string[] JobFolders(string data) =>
        Directory.Exists(Path.Combine(data, "videos")) ? Directory.GetDirectories(Path.Combine(data, "videos")) : [];

    [TestMethod]
    public async Task AClipsJobNamesItsPerson_WithTheCsvAndADecodableAnnotatedMp4()
    {
        var data = TestData.TempDir("video-job");
        await using var server = await ServerHost.StartAsync(WithData(data));
        using var http = ServerHost.Client(server);
        await VideoJobClient.EnrolAsync(http);
        var id = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath(), every: 2);
        var job = await VideoJobClient.PollAsync(http, id);
        Assert.AreEqual("done", job.GetProperty("status").GetString(), job.ToString());
        Assert.AreEqual(VideoJobClient.Clip, job.GetProperty("name").GetString());
        var result = job.GetProperty("result");
        Assert.AreEqual(132, result.GetProperty("frames").GetInt32());
        Assert.AreEqual(132, job.GetProperty("progress").GetProperty("frames").GetInt32());
        Assert.AreEqual(132, job.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.AreEqual((320, 240), (result.GetProperty("width").GetInt32(), result.GetProperty("height").GetInt32()));
        Assert.AreEqual(2, result.GetProperty("every").GetInt32());

        // The segments name the clip's person, and together cover most of its 5.28 s.
        var segments = result.GetProperty("segments").EnumerateArray().ToList();
        Assert.IsNotEmpty(segments, job.ToString());
        Assert.IsTrue(segments.All(s => s.GetProperty("person").GetString() == VideoJobClient.Person), job.ToString());
        double covered = segments.Sum(s => s.GetProperty("end").GetDouble() - s.GetProperty("start").GetDouble());
        Assert.IsGreaterThan(4.0, covered, job.ToString());
        Assert.IsGreaterThan(100, result.GetProperty("namedBoxes").GetInt32());
        var best = segments[0];
        Assert.IsGreaterThan(0.5, best.GetProperty("bestConfidence").GetDouble());
        var face = await http.GetAsync(best.GetProperty("bestFace").GetString());
        Assert.AreEqual(200, (int)face.StatusCode);
        Assert.AreEqual("image/jpeg", face.Content.Headers.ContentType?.MediaType);
        using (var bitmap = SKBitmap.Decode(await face.Content.ReadAsByteArrayAsync()))
        {
            Assert.IsNotNull(bitmap, "the best face is not a decodable image");
            Assert.AreEqual((112, 112), (bitmap.Width, bitmap.Height));
        }

        // The CSV: the columns of facenetml video --csv, a row per face box, most of them naming the person.
        var links = job.GetProperty("links");
        var csv = await http.GetAsync(links.GetProperty("frames").GetString());
        Assert.AreEqual(200, (int)csv.StatusCode);
        Assert.AreEqual("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual("frame,person,x,y,width,height,distance,confidence,reason", lines[0]);
        Assert.AreEqual(result.GetProperty("namedBoxes").GetInt32() + result.GetProperty("unknownBoxes").GetInt32(), lines.Length - 1);
        Assert.IsGreaterThan(100, lines.Count(l => l.Split(',')[1] == VideoJobClient.Person));

        // The annotated MP4 is a video ffprobe reads, of the clip's size, and it decodes to the clip's frames.
        var mp4 = await http.GetAsync(links.GetProperty("annotated").GetString());
        Assert.AreEqual(200, (int)mp4.StatusCode);
        Assert.AreEqual("video/mp4", mp4.Content.Headers.ContentType?.MediaType);
        var annotated = Path.Combine(TestData.TempDir("video-job-out"), "annotated.mp4");
        await File.WriteAllBytesAsync(annotated, await mp4.Content.ReadAsByteArrayAsync());
        var info = Ffmpeg.Probe(annotated);
        Assert.AreEqual((320, 240), (info.Width, info.Height));
        using (var reader = new FfmpegFrameReader(annotated))
        {
            int frames = 0;
            while (reader.ReadFrame() is not null) frames++;
            Assert.IsNull(reader.Error);
            Assert.AreEqual(132, frames);
        }

        // The files lie in the job's folder of the data folder; the list has the job.
        var folder = Path.Combine(data, "videos", id);
        CollectionAssert.AreEquivalent(new[] { "annotated.mp4", "frames.csv", "input" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToList());
        var (_, list) = await ServerHost.Read(await http.GetAsync("/v1/videos"));
        Assert.AreEqual(id, list.GetProperty("jobs")[0].GetProperty("id").GetString());

        // Deleting a finished job forgets it with its files.
        var (status, deleted) = await ServerHost.Read(await http.DeleteAsync($"/v1/videos/{id}"));
        Assert.AreEqual(200, status, deleted.ToString());
        Assert.AreEqual(id, deleted.GetProperty("deleted").GetString());
        Assert.IsFalse(deleted.GetProperty("cancelled").GetBoolean());
        Assert.IsFalse(Directory.Exists(folder), "the job's files are deleted");
        await ServerHost.AssertError(await http.GetAsync($"/v1/videos/{id}"), 404, "no video job");
        await ServerHost.AssertError(await http.GetAsync(links.GetProperty("frames").GetString()), 404, "no video job");
        Directory.Delete(data, true);
    }

    [TestMethod]
    public async Task DeleteCancelsARunningAndAQueuedJob_AndDeletesTheirFiles()
    {
        var data = TestData.TempDir("video-cancel");
        await using var server = await ServerHost.StartAsync(WithData(data));
        using var http = ServerHost.Client(server);
        await VideoJobClient.EnrolAsync(http);
        // One worker: the second job waits while the first runs.
        var running = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath("Alberto_Ruiz_Gallardon_0.mp4"));
        var queued = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath());
        var job = await VideoJobClient.PollAsync(http, running, j => j.GetProperty("status").GetString() != "queued" && j.GetProperty("progress").GetProperty("frames").GetInt32() > 0);
        Assert.AreEqual("running", job.GetProperty("status").GetString(), "the job is stopped while it runs");
        var (_, waiting) = await ServerHost.Read(await http.GetAsync($"/v1/videos/{queued}"));
        Assert.AreEqual("queued", waiting.GetProperty("status").GetString());

        foreach (var id in new[] { queued, running })
        {
            var (status, deleted) = await ServerHost.Read(await http.DeleteAsync($"/v1/videos/{id}"));
            Assert.AreEqual(200, status, deleted.ToString());
            Assert.IsTrue(deleted.GetProperty("cancelled").GetBoolean(), deleted.ToString());
            Assert.IsFalse(Directory.Exists(Path.Combine(data, "videos", id)), "the cancelled job's files are deleted");
            var (_, after) = await ServerHost.Read(await http.GetAsync($"/v1/videos/{id}"));
            Assert.AreEqual("cancelled", after.GetProperty("status").GetString());
            Assert.AreEqual(JsonValueKind.Null, after.GetProperty("result").ValueKind);
            await ServerHost.AssertError(await http.GetAsync($"/v1/videos/{id}/annotated.mp4"), 409, "cancelled");
        }
        var stopped = await VideoJobClient.PollAsync(http, running);
        Assert.IsLessThan(132 + 65, stopped.GetProperty("progress").GetProperty("frames").GetInt32(), "the job stopped before the end of its clip");
        // The worker is free again: a new job runs to the end.
        var next = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath(), every: 4);
        Assert.AreEqual("done", (await VideoJobClient.PollAsync(http, next)).GetProperty("status").GetString());
        // A second DELETE forgets the cancelled job.
        var (_, forgotten) = await ServerHost.Read(await http.DeleteAsync($"/v1/videos/{running}"));
        Assert.IsFalse(forgotten.GetProperty("cancelled").GetBoolean());
        await ServerHost.AssertError(await http.GetAsync($"/v1/videos/{running}"), 404, "no video job");
        CollectionAssert.AreEqual(new[] { next }, JobFolders(data).Select(Path.GetFileName).ToList());
        Directory.Delete(data, true);
    }

    [TestMethod]
    public async Task UploadsAreCheckedBeforeDecoding_415_413_422_AndLeaveNothing()
    {
        var data = TestData.TempDir("video-refused");
        var clip = File.ReadAllBytes(VideoJobClient.ClipPath()); // 316 KB, 320x240, 132 frames, 5.28 s
        await using (var server = await ServerHost.StartAsync(WithData(data, new VideoJobOptions { MaxUploadBytes = 250_000, MaxDurationSeconds = 5 })))
        {
            using var http = ServerHost.Client(server);
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form("this is not a video\n"u8.ToArray(), "notes.mp4")), 415, "video (notes.mp4): not a video");
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(File.ReadAllBytes(TestData.Photo("obama-480p.jpg")), "obama.mp4")), 415, "video (obama.mp4): not a video");
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form([], "empty.mp4")), 415, "zero-byte");
            // An MP4 whose header is cut off: the container's first bytes, and nothing ffprobe can read.
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(clip[..2000], "cut.mp4")), 415, "video (cut.mp4): ");
            // Over the size limit: a declared length is refused at once, a chunked body when it crosses the limit.
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(clip, "big.mp4")), 413, "too large");
            var chunked = VideoJobClient.Form(clip, "big.mp4");
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/videos") { Content = new StreamContent(await chunked.ReadAsStreamAsync()) };
            request.Content.Headers.ContentType = chunked.Headers.ContentType;
            request.Headers.TransferEncodingChunked = true;
            await ServerHost.AssertError(await http.SendAsync(request), 413, "too large");
            // Over the duration limit (the Agbani_Darego clip is 169 KB and 7.4 s long).
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(File.ReadAllBytes(VideoJobClient.ClipPath("Agbani_Darego_0.mp4")), "long.mp4")),
                422, "the limit is 5 s");
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), 415, "multipart/form-data");
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", ServerHost.Form(ServerHost.Photo("image", "obama-240p.jpg"))), 400, "missing file field 'video'");
            var form = VideoJobClient.Form(File.ReadAllBytes(VideoJobClient.ClipPath("Agbani_Darego_0.mp4")), "a.mp4", every: 0);
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", form), 400, "every must be");
            await ServerHost.AssertHealthy(http);
            var (_, list) = await ServerHost.Read(await http.GetAsync("/v1/videos"));
            Assert.AreEqual(0, list.GetProperty("jobs").GetArrayLength(), list.ToString());
        }
        await using (var server = await ServerHost.StartAsync(WithData(data, new VideoJobOptions { MaxPixels = 320 * 240 - 1 })))
        {
            using var http = ServerHost.Client(server);
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(clip, "clip.mp4")), 422, "320x240 frames");
        }
        await using (var server = await ServerHost.StartAsync(WithData(data, new VideoJobOptions { MaxFrames = 100 })))
        {
            using var http = ServerHost.Client(server);
            await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(clip, "clip.mp4")), 422, "132 frames; the limit is 100");
        }
        Assert.IsEmpty(JobFolders(data), "a refused upload leaves no file");
        Directory.Delete(data, true);
    }

    [TestMethod]
    public async Task AClientsFileNameNeverBecomesAPath_AndBadIdsAre404()
    {
        var root = TestData.TempDir("video-traversal");
        var data = Directory.CreateDirectory(Path.Combine(root, "a", "b", "data")).FullName;
        await using var server = await ServerHost.StartAsync(WithData(data));
        using var http = ServerHost.Client(server);
        var id = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath(), every: 4, fileName: "../../evil.mp4");
        var job = await VideoJobClient.PollAsync(http, id);
        Assert.AreEqual("done", job.GetProperty("status").GetString(), job.ToString());
        Assert.AreEqual("evil.mp4", job.GetProperty("name").GetString());
        // Every file written lies inside the data folder, under the job's id; none is named after the upload.
        var written = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.IsNotEmpty(written);
        foreach (var file in written)
        {
            StringAssert.StartsWith(file, Path.Combine(data, "videos", id) + Path.DirectorySeparatorChar, "a file outside the job's folder");
            Assert.AreNotEqual("evil.mp4", Path.GetFileName(file));
        }
        Assert.IsFalse(File.Exists(Path.Combine(root, "a", "evil.mp4")) || File.Exists(Path.Combine(data, "..", "..", "evil.mp4")));

        foreach (var bad in new[] { "..%2F..%2Fetc", "%2e%2e", "..", id.ToUpperInvariant(), id + "0", "00000000000000000000000000000000" })
        {
            var response = await http.GetAsync($"/v1/videos/{bad}");
            Assert.AreEqual(404, (int)response.StatusCode, bad);
            response = await http.GetAsync($"/v1/videos/{bad}/frames.csv");
            Assert.AreEqual(404, (int)response.StatusCode, bad);
            response = await http.DeleteAsync($"/v1/videos/{bad}");
            Assert.AreEqual(404, (int)response.StatusCode, bad);
        }
        await ServerHost.AssertError(await http.GetAsync($"/v1/videos/{id}/faces/7.jpg"), 404, "no segment 7's face");
        Directory.Delete(root, true);
    }

    [TestMethod]
    public async Task AVideoThatBreaksPartWay_IsDoneWithAWarning_AndTheServersPathsStayHidden()
    {
        var data = TestData.TempDir("video-cut");
        // The shared clips keep their index at the end; moved to the front (ffmpeg), a cut file still starts to play.
        var faststart = Path.Combine(data, "faststart.mp4");
        var psi = new System.Diagnostics.ProcessStartInfo(Ffmpeg.FfmpegPath) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-i", VideoJobClient.ClipPath(), "-c", "copy", "-movflags", "+faststart", faststart }) psi.ArgumentList.Add(a);
        using (var ffmpeg = System.Diagnostics.Process.Start(psi)!)
        {
            var error = await ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            Assert.AreEqual(0, ffmpeg.ExitCode, error);
        }
        var bytes = File.ReadAllBytes(faststart);
        await using var server = await ServerHost.StartAsync(WithData(Path.Combine(data, "server")));
        using var http = ServerHost.Client(server);
        await VideoJobClient.EnrolAsync(http);
        var response = await http.PostAsync("/v1/videos", VideoJobClient.Form(bytes[..(bytes.Length * 4 / 10)], "cut.mp4", every: 3));
        var (status, accepted) = await ServerHost.Read(response);
        Assert.AreEqual(202, status, accepted.ToString());
        var job = await VideoJobClient.PollAsync(http, accepted.GetProperty("id").GetString()!);
        Assert.AreEqual("done", job.GetProperty("status").GetString(), job.ToString());
        var result = job.GetProperty("result");
        Assert.IsLessThan(132, result.GetProperty("frames").GetInt32());
        Assert.IsGreaterThan(10, result.GetProperty("frames").GetInt32());
        var warning = result.GetProperty("warning").GetString()!;
        StringAssert.StartsWith(warning, "video: ");
        Assert.DoesNotContain(data, warning, "the server's folders are not shown to clients");
        Assert.IsTrue(result.GetProperty("segments").EnumerateArray().Any(g => g.GetProperty("person").GetString() == VideoJobClient.Person), job.ToString());
        Directory.Delete(data, true);
    }

    [TestMethod]
    public async Task FinishedJobsExpire_WithTheirFiles()
    {
        var data = TestData.TempDir("video-retention");
        await using var server = await ServerHost.StartAsync(WithData(data, new VideoJobOptions { Retention = TimeSpan.FromSeconds(1) }));
        using var http = ServerHost.Client(server);
        var id = await VideoJobClient.PostAsync(http, VideoJobClient.ClipPath(), every: 4);
        var response = await http.GetAsync($"/v1/videos/{id}");
        for (int i = 0; i < 2400 && (int)response.StatusCode == 200; i++)
        {
            await Task.Delay(250);
            response = await http.GetAsync($"/v1/videos/{id}");
        }
        await ServerHost.AssertError(response, 404, "no video job");
        Assert.IsEmpty(JobFolders(data), "the expired job's files are deleted");
        Directory.Delete(data, true);
    }

    [TestMethod]
    public async Task VideoEndpointsNeedTheApiKey()
    {
        await using var server = await ServerHost.StartAsync(new FaceServerOptions { ApiKey = "s3cret-key" });
        using var http = ServerHost.Client(server);
        await ServerHost.AssertError(await http.PostAsync("/v1/videos", VideoJobClient.Form(File.ReadAllBytes(VideoJobClient.ClipPath()), "clip.mp4")), 401, "missing API key");
        await ServerHost.AssertError(await http.GetAsync("/v1/videos"), 401, "missing API key");
        http.DefaultRequestHeaders.Add("X-API-Key", "s3cret-key");
        var (status, list) = await ServerHost.Read(await http.GetAsync("/v1/videos"));
        Assert.AreEqual(200, status, list.ToString());
    }
}
