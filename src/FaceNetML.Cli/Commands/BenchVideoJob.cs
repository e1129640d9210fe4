using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FaceNetML.Contracts;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// The video job <c>bench serve</c> runs under its load: the clip posted to <c>POST /v1/videos</c>, then
/// <c>GET /v1/videos/{id}</c> polled until the job has finished. Its frames/s is the server's own (<c>progress.fps</c>
/// of the last answer); its wall time runs from the upload to the first answer that shows it finished.
/// </summary>
internal static class BenchVideoJob
{
    /// <summary>How a job ended: <c>done</c>, <c>failed</c>, <c>cancelled</c>, or <c>refused</c> (the upload was not taken)
    /// and <c>timed out</c> (still unfinished after <see cref="Patience"/>).</summary>
    public sealed record Outcome(string Clip, string? Id, string Status, int Frames, int? Total, double Fps, double WallSeconds, string? Error);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest the job is waited for (the server's own limits keep a job far shorter).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static async Task<Outcome> RunAsync(HttpClient http, string clip, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        string id;
        using (var form = new MultipartFormDataContent())
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(clip, cancel));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "video", Path.GetFileName(clip));
            using var posted = await http.PostAsync("/v1/videos", form, cancel);
            if ((int)posted.StatusCode != 202)
                return new Outcome(clip, null, "refused", 0, null, 0, Seconds(watch),
                    $"POST /v1/videos answered {(int)posted.StatusCode}: {(await posted.Content.ReadAsStringAsync(cancel)).ReplaceLineEndings(" ")}");
            var accepted = await posted.Content.ReadFromJsonAsync<VideoJobAccepted>(ContractJson.Options, cancel);
            id = accepted?.Id ?? throw new InvalidOperationException("POST /v1/videos answered 202 without a job id");
        }
        VideoJobAnswer? job = null;
        while (watch.Elapsed < Patience)
        {
            using var response = await http.GetAsync($"/v1/videos/{id}", cancel);
            if (response.IsSuccessStatusCode)
            {
                job = await response.Content.ReadFromJsonAsync<VideoJobAnswer>(ContractJson.Options, cancel);
                if (job?.Status is "done" or "failed" or "cancelled")
                    return new Outcome(clip, id, job.Status, job.Progress.Frames, job.Progress.Total, job.Progress.Fps, Seconds(watch), job.Error);
            }
            await Task.Delay(Poll, cancel);
        }
        return new Outcome(clip, id, "timed out", job?.Progress.Frames ?? 0, job?.Progress.Total, job?.Progress.Fps ?? 0, Seconds(watch),
            $"not finished after {Patience.TotalMinutes:0} minutes");
    }

    private static double Seconds(Stopwatch watch) => Math.Round(watch.Elapsed.TotalSeconds, 2);
}
