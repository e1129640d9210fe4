using System.Net.Http.Headers;
using System.Text.Json;

namespace FaceNetML.Tests.Server;

/// <summary>What the video job tests share: a ytf-dev person enrolled from their gallery photo, a clip posted to
/// <c>/v1/videos</c>, and a job polled until it finishes.</summary>
internal static class VideoJobClient
{
    /// <summary>The ytf-dev clip of <see cref="Person"/> (320x240, 132 frames at 25 frames/s).</summary>
    public const string Clip = "Aaron_Guiel_5.mp4";

    public const string Person = "Aaron_Guiel";

    public static string ClipPath(string clip = Clip) => TestData.DataPath("ytf-dev", clip);

    /// <summary>Enrols a ytf-dev person from their gallery photo.</summary>
    public static async Task EnrolAsync(HttpClient http, string person = Person)
    {
        var photo = Path.Combine(TestData.DataPath("ytf-dev", "gallery", person), $"{person}_0001.jpg");
        var enrolled = await http.PostAsync($"/v1/people/{person}", ServerHost.Form(("image", Path.GetFileName(photo), File.ReadAllBytes(photo))));
        Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());
    }

    /// <summary>A form with a <c>video</c> file (and an <c>every</c> field when given).</summary>
    public static MultipartFormDataContent Form(byte[] video, string fileName, int? every = null)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(video);
        part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(part, "video", fileName);
        if (every is { } n) form.Add(new StringContent(n.ToString(System.Globalization.CultureInfo.InvariantCulture)), "every");
        return form;
    }

    /// <summary>Posts a clip; asserts the 202 answer and its Location; returns the job's id.</summary>
    public static async Task<string> PostAsync(HttpClient http, string clipPath, int? every = null, string? fileName = null)
    {
        var response = await http.PostAsync("/v1/videos", Form(File.ReadAllBytes(clipPath), fileName ?? Path.GetFileName(clipPath), every));
        var (status, body) = await ServerHost.Read(response);
        Assert.AreEqual(202, status, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        Assert.AreEqual("queued", body.GetProperty("status").GetString());
        Assert.AreEqual($"/v1/videos/{id}", body.GetProperty("links").GetProperty("self").GetString());
        Assert.AreEqual($"/v1/videos/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    /// <summary>Polls a job until <paramref name="until"/> holds (by default: it finished); fails after 10 minutes.</summary>
    public static async Task<JsonElement> PollAsync(HttpClient http, string id, Func<JsonElement, bool>? until = null)
    {
        until ??= j => j.GetProperty("status").GetString() is "done" or "failed" or "cancelled";
        for (int i = 0; i < 2400; i++)
        {
            var (status, job) = await ServerHost.Read(await http.GetAsync($"/v1/videos/{id}"));
            Assert.AreEqual(200, status, job.ToString());
            if (until(job)) return job;
            await Task.Delay(250);
        }
        Assert.Fail($"video job {id} did not get there in 10 minutes");
        return default;
    }
}
