using System.Diagnostics;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// Identify from the camera: Chromium's fake capture device plays a YouTube Faces clip (ytf-dev, turned into a y4m
/// file by ffmpeg), the page grabs a frame (getUserMedia, canvas, JPEG) and the server names the clip's person, enrolled
/// from their ytf-dev gallery photo.
/// </summary>
[TestClass]
public sealed class BrowserCameraTests
{
    private const string Person = "Aaron_Guiel";

    private static string ClipAsY4m(string clip)
    {
        var y4m = Path.Combine(TestData.TempDir("camera"), "camera.y4m");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-i", TestData.DataPath("ytf-dev", clip), "-t", "3", "-pix_fmt", "yuv420p", y4m })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, "ffmpeg failed: " + error.Result);
        return y4m;
    }

    [TestMethod]
    public async Task TheCameraCaptureIdentifiesTheClipsPerson()
    {
        var y4m = ClipAsY4m($"{Person}_5.mp4");
        await using var server = await ServerHost.StartAsync();
        using (var http = ServerHost.Client(server))
        {
            var photo = Path.Combine(TestData.DataPath("ytf-dev", "gallery", Person), $"{Person}_0001.jpg");
            var enrolled = await http.PostAsync($"/v1/people/{Person}", ServerHost.Form(("image", Path.GetFileName(photo), File.ReadAllBytes(photo))));
            Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        await using var browser = await BrowserSession.OpenAsync(server.Address,
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--use-file-for-fake-video-capture=" + y4m);
        var page = browser.Page;
        await browser.TabAsync("Identify");
        await page.ClickAsync("#camera-start");
        await Assertions.Expect(page.Locator("#camera-video")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#camera-capture")).ToBeEnabledAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('camera-video').videoWidth > 0");
        await page.ClickAsync("#camera-capture");
        await Assertions.Expect(page.Locator("#identify-result")).ToContainTextAsync($"{Person} (confidence");
        // The frame sent was the camera's picture: the clip's size.
        var size = await page.EvaluateAsync<int[]>("() => { const a = JSON.parse(document.getElementById('identify-json').textContent); return [a.width, a.height]; }");
        CollectionAssert.AreEqual(new[] { 320, 240 }, size);
        await page.ClickAsync("#camera-stop");
        await Assertions.Expect(page.Locator("#camera-video")).ToBeHiddenAsync();
    }
}
