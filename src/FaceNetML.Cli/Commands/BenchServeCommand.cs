using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FaceNetML.Contracts;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml bench serve</c>: a bounded load test on loopback. Starts <c>facenetml serve --port 0</c> as a process of
/// its own (a temporary data folder, an in-memory gallery), enrols people through <c>POST /v1/people/{name}</c>, warms
/// it up (requests on every slot and, with a clip, one video job), then sends N <c>POST /v1/identify</c> (or <c>/v1/verify</c>) requests at a fixed concurrency while a video job
/// (<c>POST /v1/videos</c>) runs beside them: the load goes on until the job has finished and at least N requests were
/// sent. Reports requests/s, p50/p99 latency, the count of each status, the job's outcome and frames/s, and the
/// server's resident memory (VmRSS from <c>/proc/PID/status</c>) after warm-up, after the run and after an idle settle.
/// </summary>
internal static class BenchServeCommand
{
    /// <summary>Idle time after the run before the last memory reading (the server has no way to ask for a collection,
    /// so its garbage collector runs on its own schedule meanwhile).</summary>
    private const int SettleSeconds = 5;

    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "Requests to send (at least; with a video, until its job is done)", DefaultValueFactory = _ => 400 }.AtLeast(1);
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var endpoint = new Option<string>("--endpoint") { Description = "Endpoint under load: identify (one photo) or verify (two)", DefaultValueFactory = _ => "identify" };
        endpoint.AcceptOnlyFromAmong("identify", "verify");
        var photo = new Option<string?>("--photo") { Description = "Photo to identify (default: $FACENETML_DATA/photos/two_people.jpg)" };
        var a = new Option<string?>("--a") { Description = "First photo to verify (default: $FACENETML_DATA/photos/obama.jpg)" };
        var b = new Option<string?>("--b") { Description = "Second photo to verify (default: $FACENETML_DATA/photos/obama2.jpg)" };
        var video = new Option<string?>("--video") { Description = "Clip of the video job run under the load (default: $FACENETML_DATA/ytf-dev/Aaron_Guiel_5.mp4 when it exists)" };
        var noVideo = new Option<bool>("--no-video") { Description = "Run no video job" };
        var command = new Command("serve", "Load-test 'facenetml serve' on loopback: identify (or verify) requests at a concurrency while a video job runs; " +
            "requests/s, p50/p99, statuses, the job's frames/s, RSS growth")
        {
            requests, concurrency, endpoint, photo, a, b, video, noVideo, ServeCommand.Slots, ServeCommand.Queue,
        };
        command.SetAction(async (parse, cancel) =>
        {
            bool identify = parse.GetValue(endpoint) == "identify";
            var photos = identify
                ? new[] { ("image", parse.GetValue(photo) ?? BenchCommand.DataPath("photos", "two_people.jpg")) }
                : [("a", parse.GetValue(a) ?? BenchCommand.DataPath("photos", "obama.jpg")), ("b", parse.GetValue(b) ?? BenchCommand.DataPath("photos", "obama2.jpg"))];
            foreach (var (_, p) in photos)
                if (!File.Exists(p)) throw new BadInputException($"{p}: photo not found");
            var clip = Clip(parse.GetValue(video), parse.GetValue(noVideo));
            var people = People(clip);
            var bytes = photos.Select(p => File.ReadAllBytes(p.Item2)).ToArray();
            int n = parse.GetValue(requests), c = parse.GetValue(concurrency);
            string path = identify ? "/v1/identify" : "/v1/verify";

            var data = Directory.CreateTempSubdirectory("facenetml-bench-serve-");
            Process? server = null;
            try
            {
                server = StartServer(parse, data.FullName, out var address);
                using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
                HttpContent Body()
                {
                    var form = new MultipartFormDataContent();
                    for (int i = 0; i < photos.Length; i++) form.Add(Jpeg(bytes[i]), photos[i].Item1, Path.GetFileName(photos[i].Item2));
                    return form;
                }
                foreach (var (name, enrolPhoto) in people) await Enrol(http, name, enrolPhoto, cancel);
                // Warm-up: every slot's first requests (ONNX Runtime and JIT) and, with a clip, one video job beside them (the
                // video worker's first job: its ONNX Runtime thread, ffmpeg, the annotated writer), then the baseline memory,
                // so that the growth over the run is what the run itself kept.
                var warmJob = clip is null ? null : BenchVideoJob.RunAsync(http, clip, cancel);
                await Send(http, path, Body, Math.Max(32, 8 * c), c, () => warmJob is { IsCompleted: false }, cancel);
                if (warmJob is not null) await warmJob;
                var named = identify ? await Named(http, Body, cancel) : [];
                long rssWarm = Rss(server.Id);
                Console.Error.WriteLine($"{n} {(clip is null ? "" : "or more ")}{parse.GetValue(endpoint)} requests at concurrency {c} against {address}" +
                    (clip is null ? "" : $" while a video job reads {Path.GetFileName(clip)}") + " ...");
                var watch = Stopwatch.StartNew();
                var job = clip is null ? null : BenchVideoJob.RunAsync(http, clip, cancel);
                var results = await Send(http, path, Body, n, c, () => job is { IsCompleted: false }, cancel);
                double seconds = watch.Elapsed.TotalSeconds;
                var videoJob = job is null ? null : await job;
                long rssRun = Rss(server.Id);
                await Task.Delay(TimeSpan.FromSeconds(SettleSeconds), cancel);
                long rssSettled = Rss(server.Id);

                var ms = results.Select(r => r.Ms).Order().ToArray();
                var msDuringVideo = results.Where(r => r.DuringVideo).Select(r => r.Ms).Order().ToArray();
                var statuses = results.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count());
                int server5xx = results.Count(r => r.Status >= 500), not200 = results.Count(r => r.Status != 200);
                var report = new
                {
                    endpoint = parse.GetValue(endpoint),
                    requests = results.Count,
                    concurrency = c,
                    seconds = Math.Round(seconds, 2),
                    requestsPerSecond = Math.Round(results.Count / seconds, 2),
                    p50Ms = Math.Round(Percentile(ms, 0.50), 1),
                    p99Ms = Math.Round(Percentile(ms, 0.99), 1),
                    statuses,
                    errors5xx = server5xx,
                    requestsDuringVideo = msDuringVideo.Length,
                    p50DuringVideoMs = msDuringVideo.Length == 0 ? (double?)null : Math.Round(Percentile(msDuringVideo, 0.50), 1),
                    p99DuringVideoMs = msDuringVideo.Length == 0 ? (double?)null : Math.Round(Percentile(msDuringVideo, 0.99), 1),
                    enrolled = people.Select(p => p.Name).ToArray(),
                    named,
                    video = videoJob is null ? null : new
                    {
                        clip = Path.GetFileName(videoJob.Clip),
                        id = videoJob.Id,
                        status = videoJob.Status,
                        frames = videoJob.Frames,
                        total = videoJob.Total,
                        fps = videoJob.Fps,
                        wallSeconds = videoJob.WallSeconds,
                        error = videoJob.Error,
                    },
                    rssAfterWarmUpMb = Mb(rssWarm),
                    rssAfterRunMb = Mb(rssRun),
                    rssSettledMb = Mb(rssSettled),
                    rssGrowthMb = Mb(rssSettled - rssWarm),
                    settleSeconds = SettleSeconds,
                    cores = Environment.ProcessorCount,
                };
                if (parse.GetValue(CliContext.Json)) CliContext.WriteJson(report);
                else
                    Console.WriteLine($"{results.Count} {report.endpoint} requests, concurrency {c}, {Environment.ProcessorCount} cores: {report.requestsPerSecond} requests/s, " +
                        $"p50 {report.p50Ms} ms, p99 {report.p99Ms} ms, statuses {string.Join(" ", statuses.Select(s => $"{s.Key}x{s.Value}"))}, 5xx {server5xx}" +
                        (named.Length == 0 ? "" : $", named {string.Join(", ", named)}") +
                        (videoJob is null ? "" : $"; video job {videoJob.Status}: {videoJob.Frames} frames at {videoJob.Fps} frames/s, {videoJob.WallSeconds} s, " +
                            $"{msDuringVideo.Length} requests started while it ran (p50 {report.p50DuringVideoMs} ms, p99 {report.p99DuringVideoMs} ms)") +
                        $"; server RSS {report.rssAfterWarmUpMb} MB after warm-up, {report.rssAfterRunMb} MB after the run, {report.rssSettledMb} MB after {SettleSeconds} s idle " +
                        $"({report.rssGrowthMb:+0.0;-0.0} MB)");
                if (not200 > 0) CliContext.Error($"error: {not200} of {results.Count} requests not answered 200 ({server5xx} 5xx)");
                if (videoJob is { Status: not "done" }) CliContext.Error($"error: the video job is {videoJob.Status}{(videoJob.Error is null ? "" : ": " + videoJob.Error)}");
                return not200 == 0 && videoJob is null or { Status: "done" } ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                if (server is { HasExited: false }) server.Kill(true);
                server?.WaitForExit();
                server?.Dispose();
                try { data.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        });
        return command;
    }

    /// <summary>The clip of the video job: <c>--video</c> (which must exist), else the ytf-dev clip when the data has it;
    /// null with <c>--no-video</c>.</summary>
    private static string? Clip(string? video, bool none)
    {
        if (none) return null;
        if (video is not null) return File.Exists(video) ? Path.GetFullPath(video) : throw new BadInputException($"{video}: video not found");
        var clip = BenchCommand.DataPath("ytf-dev", "Aaron_Guiel_5.mp4");
        return File.Exists(clip) ? clip : null;
    }

    /// <summary>Who is enrolled before the load, so that answers name someone: the two people of two_people.jpg, and the
    /// clip's person when the clip sits in a ytf-dev folder (<c>gallery/PERSON/</c> beside <c>PERSON_N.mp4</c>).</summary>
    private static List<(string Name, string Photo)> People(string? clip)
    {
        var people = new List<(string, string)>();
        foreach (var (name, file) in new[] { ("Barack_Obama", "obama.jpg"), ("Joe_Biden", "biden.jpg") })
            if (BenchCommand.DataPath("photos", file) is var p && File.Exists(p)) people.Add((name, p));
        if (clip is not null)
        {
            var stem = Path.GetFileNameWithoutExtension(clip);
            var person = stem.LastIndexOf('_') is > 0 and var cut ? stem[..cut] : stem;
            var folder = Path.Combine(Path.GetDirectoryName(clip)!, "gallery", person);
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).FirstOrDefault() is { } first)
                people.Add((person, first));
        }
        return people;
    }

    private static ByteArrayContent Jpeg(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private static async Task Enrol(HttpClient http, string name, string photo, CancellationToken cancel)
    {
        using var form = new MultipartFormDataContent { { Jpeg(await File.ReadAllBytesAsync(photo, cancel)), "image", Path.GetFileName(photo) } };
        using var response = await http.PostAsync($"/v1/people/{name}", form, cancel);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"enrolling {name} from {photo}: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancel)).ReplaceLineEndings(" ")}");
    }

    /// <summary>The people one identify answer names (in the detector's order).</summary>
    private static async Task<string[]> Named(HttpClient http, Func<HttpContent> body, CancellationToken cancel)
    {
        using var content = body();
        using var response = await http.PostAsync("/v1/identify", content, cancel);
        if (!response.IsSuccessStatusCode) return [];
        var answer = await response.Content.ReadFromJsonAsync<IdentifyAnswer>(ContractJson.Options, cancel);
        return [.. (answer?.Faces ?? []).Select(f => f.Person).OfType<string>()];
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1e6, 1);

    /// <summary>One request: its status, its latency, and whether it started while the video job was running.</summary>
    private readonly record struct Sample(int Status, double Ms, bool DuringVideo);

    /// <summary>Sends requests from <paramref name="concurrency"/> clients until <paramref name="n"/> were sent and
    /// <paramref name="more"/> (true while the video job runs) says no more; a request the server never answered counts as
    /// status 0.</summary>
    private static async Task<List<Sample>> Send(HttpClient http, string path, Func<HttpContent> body, int n, int concurrency, Func<bool> more, CancellationToken cancel)
    {
        var samples = new List<Sample>(n);
        int next = -1;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < n || more())
            {
                var watch = Stopwatch.StartNew();
                bool during = more();
                int status;
                try
                {
                    using var content = body();
                    using var response = await http.PostAsync(path, content, cancel);
                    await response.Content.ReadAsByteArrayAsync(cancel);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException) { status = 0; }
                catch (TaskCanceledException) when (!cancel.IsCancellationRequested) { status = 0; } // the client's timeout
                lock (samples) samples.Add(new Sample(status, watch.Elapsed.TotalMilliseconds, during));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancel)));
        return samples;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Starts <c>facenetml serve --port 0</c> (this same program) on a data folder of its own with an in-memory
    /// gallery, and reads the address it prints.</summary>
    private static Process StartServer(ParseResult parse, string data, out Uri address)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = typeof(BenchServeCommand).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(self);
        foreach (var arg in new[] { "serve", "--port", "0", "--data", data, "--gallery", ":memory:", "--slots", parse.GetValue(ServeCommand.Slots).ToString(CultureInfo.InvariantCulture),
                     "--queue", parse.GetValue(ServeCommand.Queue).ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        if (parse.GetValue(CliContext.Models) is { } models) { start.ArgumentList.Add("--models"); start.ArgumentList.Add(models); }
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start facenetml serve");
        process.StandardOutput.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is { } line)
        {
            const string prefix = "listening on ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                address = new Uri(line[prefix.Length..].Split(' ')[0]);
                process.StandardError.ReadToEndAsync();
                return process;
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) break;
        }
        if (!process.HasExited) process.Kill(true);
        throw new InvalidOperationException("facenetml serve did not start (no 'listening on' line)");
    }

    /// <summary>Resident memory of a process (VmRSS), bytes.</summary>
    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
