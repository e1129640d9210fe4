using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml bench serve</c>: a bounded load generator on loopback. Starts <c>facenetml serve --port 0</c> as a
/// process of its own, warms it up, sends N <c>POST /v1/verify</c> requests (two photos each) at a fixed
/// concurrency, and reports requests/s, p50/p99 latency, the count of each status, and the server's resident memory
/// after warm-up, after each quarter of the run and at the end (VmRSS from <c>/proc/PID/status</c>).
/// </summary>
internal static class BenchServeCommand
{
    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "Verify requests to send", DefaultValueFactory = _ => 400 }.AtLeast(1);
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var a = new Option<string?>("--a") { Description = "First photo (default: $FACENETML_DATA/photos/obama.jpg)" };
        var b = new Option<string?>("--b") { Description = "Second photo (default: $FACENETML_DATA/photos/obama2.jpg)" };
        var command = new Command("serve", "Load-test 'facenetml serve' on loopback: N verify requests at a concurrency; requests/s, p50/p99, 5xx, RSS growth")
        {
            requests, concurrency, a, b, ServeCommand.Slots, ServeCommand.Queue,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var photoA = parse.GetValue(a) ?? BenchCommand.DataPath("photos", "obama.jpg");
            var photoB = parse.GetValue(b) ?? BenchCommand.DataPath("photos", "obama2.jpg");
            foreach (var p in new[] { photoA, photoB })
                if (!File.Exists(p)) throw new BadInputException($"{p}: photo not found");
            byte[] bytesA = File.ReadAllBytes(photoA), bytesB = File.ReadAllBytes(photoB);
            int n = parse.GetValue(requests), c = parse.GetValue(concurrency);

            using var server = StartServer(parse, out var address);
            try
            {
                using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
                HttpContent Body()
                {
                    var form = new MultipartFormDataContent();
                    var ca = new ByteArrayContent(bytesA); ca.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    var cb = new ByteArrayContent(bytesB); cb.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    form.Add(ca, "a", Path.GetFileName(photoA));
                    form.Add(cb, "b", Path.GetFileName(photoB));
                    return form;
                }
                // Warm-up: every slot's first requests (ONNX Runtime and JIT), then the baseline memory.
                await Send(http, Body, Math.Max(32, 8 * c), c, cancel, null);
                long rssBefore = Rss(server.Id);
                Console.Error.WriteLine($"{n} verify requests at concurrency {c} against {address} ...");
                var watch = Stopwatch.StartNew();
                // Resident memory after each quarter of the run: bounded means it levels off, not that it never moves.
                var rssQuarters = new double[4];
                var results = await Send(http, Body, n, c, cancel, done =>
                {
                    for (int q = 1; q <= 4; q++)
                        if (done == (int)Math.Ceiling(n * q / 4.0)) rssQuarters[q - 1] = Math.Round(Rss(server.Id) / 1e6, 1);
                });
                double seconds = watch.Elapsed.TotalSeconds;
                long rssAfter = Rss(server.Id);
                var ms = results.Select(r => r.Ms).Order().ToArray();
                var statuses = results.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count());
                int server5xx = results.Count(r => r.Status >= 500);
                var report = new
                {
                    requests = n,
                    concurrency = c,
                    seconds = Math.Round(seconds, 2),
                    requestsPerSecond = Math.Round(n / seconds, 2),
                    p50Ms = Math.Round(Percentile(ms, 0.50), 1),
                    p99Ms = Math.Round(Percentile(ms, 0.99), 1),
                    statuses,
                    errors5xx = server5xx,
                    rssBeforeMb = Math.Round(rssBefore / 1e6, 1),
                    rssAfterMb = Math.Round(rssAfter / 1e6, 1),
                    rssGrowthMb = Math.Round((rssAfter - rssBefore) / 1e6, 1),
                    rssQuartersMb = rssQuarters,
                    cores = Environment.ProcessorCount,
                };
                if (parse.GetValue(CliContext.Json)) CliContext.WriteJson(report);
                else
                    Console.WriteLine($"{n} verify requests, concurrency {c}, {Environment.ProcessorCount} cores: {report.requestsPerSecond} requests/s, " +
                        $"p50 {report.p50Ms} ms, p99 {report.p99Ms} ms, statuses {string.Join(" ", statuses.Select(s => $"{s.Key}x{s.Value}"))}, 5xx {server5xx}, " +
                        $"server RSS {report.rssBeforeMb} -> {report.rssAfterMb} MB ({report.rssGrowthMb:+0.0;-0.0} MB; after each quarter {string.Join(", ", rssQuarters)} MB)");
                return server5xx == 0 && results.All(r => r.Status == 200) ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                if (!server.HasExited) server.Kill(true);
            }
        });
        return command;
    }

    private readonly record struct Sample(int Status, double Ms);

    private static async Task<List<Sample>> Send(HttpClient http, Func<HttpContent> body, int n, int concurrency, CancellationToken cancel, Action<int>? onDone)
    {
        var samples = new List<Sample>(n);
        int next = -1;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < n)
            {
                var watch = Stopwatch.StartNew();
                int status;
                try
                {
                    using var content = body();
                    using var response = await http.PostAsync("/v1/verify", content, cancel);
                    await response.Content.ReadAsByteArrayAsync(cancel);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException) { status = 0; }
                int done;
                lock (samples)
                {
                    samples.Add(new Sample(status, watch.Elapsed.TotalMilliseconds));
                    done = samples.Count;
                }
                onDone?.Invoke(done);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancel)));
        return samples;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Starts <c>facenetml serve --port 0</c> (this same program) and reads the address it prints.</summary>
    private static Process StartServer(ParseResult parse, out Uri address)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = typeof(BenchServeCommand).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(self);
        foreach (var arg in new[] { "serve", "--port", "0", "--slots", parse.GetValue(ServeCommand.Slots).ToString(CultureInfo.InvariantCulture),
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
