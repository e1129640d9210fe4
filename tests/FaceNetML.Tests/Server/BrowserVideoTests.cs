using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The Videos tab in a real browser (Playwright, Debian's Chromium) against a real server: a ytf-dev clip uploaded from
/// the page is followed to the end, the timeline has a bar for the clip's person (enrolled from their gallery photo),
/// the annotated MP4 plays in the page's video element, and a running job is cancelled from the page.
/// </summary>
[TestClass]
public sealed class BrowserVideoTests
{
    [TestMethod]
    public async Task AnUploadedClipShowsItsPersonOnTheTimeline_AndTheAnnotatedVideoPlays()
    {
        await using var server = await ServerHost.StartAsync();
        using (var http = ServerHost.Client(server)) await VideoJobClient.EnrolAsync(http);
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("Videos");
        await page.SetInputFilesAsync("#video-file", VideoJobClient.ClipPath());
        await page.FillAsync("#video-every", "2");
        await page.ClickAsync("#video-run");
        await Assertions.Expect(page.Locator("#video-status")).ToContainTextAsync("done", new() { Timeout = 600_000 });

        // One row, for the clip's person, with bars titled "Person: 1.2 s – 3.4 s".
        await Assertions.Expect(page.Locator("#video-timeline li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#video-timeline li .who")).ToHaveTextAsync(VideoJobClient.Person);
        var bars = page.Locator("#video-timeline .bar");
        Assert.IsGreaterThanOrEqualTo(1, await bars.CountAsync());
        foreach (var title in await bars.EvaluateAllAsync<string[]>("bars => bars.map(b => b.title)"))
            StringAssert.Matches(title, new Regex($@"^{VideoJobClient.Person}: \d+\.\d s – \d+\.\d s$"));
        var label = await bars.First.GetAttributeAsync("aria-label");
        StringAssert.StartsWith(label, $"{VideoJobClient.Person}: ");

        // The annotated MP4 plays in the page: Chromium decodes its H.264 frames at the clip's size.
        await Assertions.Expect(page.Locator("#video-player")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('video-player'); return v.readyState >= 2 && v.videoWidth === 320 && v.videoHeight === 240; }");
        // A bar is a button: from the keyboard it plays the video from the segment's start.
        await bars.Last.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.getElementById('video-player').currentTime > 0");
        await Assertions.Expect(page.Locator("#video-csv")).ToHaveAttributeAsync("href", new Regex("frames\\.csv$"));
        await Assertions.Expect(page.Locator("#video-jobs li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#video-jobs li button")).ToHaveTextAsync($"{VideoJobClient.Clip}: done");
    }

    [TestMethod]
    public async Task WithAnApiKey_TheVideoTheCsvAndTheBestFaceAreFetchedWithIt()
    {
        await using var server = await ServerHost.StartAsync(new FaceNetML.Server.FaceServerOptions { ApiKey = "k-video" });
        using (var http = ServerHost.Client(server))
        {
            http.DefaultRequestHeaders.Add("X-API-Key", "k-video");
            await VideoJobClient.EnrolAsync(http);
        }
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await page.FillAsync("#api-key", "k-video");
        await page.Locator("#api-key").DispatchEventAsync("change");
        await browser.TabAsync("Videos");
        await page.SetInputFilesAsync("#video-file", VideoJobClient.ClipPath());
        await page.FillAsync("#video-every", "3");
        await page.ClickAsync("#video-run");
        await Assertions.Expect(page.Locator("#video-status")).ToContainTextAsync("done", new() { Timeout = 600_000 });
        // A plain src or href could not send the key: the files are fetched with it and shown from blob: URLs.
        await Assertions.Expect(page.Locator("#video-csv")).ToHaveAttributeAsync("href", new Regex("^blob:"));
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('video-player'); return v.src.startsWith('blob:') && v.readyState >= 2 && v.videoWidth === 320; }");
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#video-timeline .who img'); return i && i.complete && i.naturalWidth === 112; }");
        var csv = await page.EvaluateAsync<string>("async () => await (await fetch(document.getElementById('video-csv').href)).text()");
        StringAssert.StartsWith(csv, "frame,person,x,y,width,height,distance,confidence,reason");
    }

    [TestMethod]
    public async Task ARunningJobIsCancelledFromThePage()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("Videos");
        await page.SetInputFilesAsync("#video-file", VideoJobClient.ClipPath("Alberto_Ruiz_Gallardon_0.mp4"));
        await page.ClickAsync("#video-run");
        await Assertions.Expect(page.Locator("#video-status")).ToContainTextAsync("frames/s)…");
        await page.ClickAsync("#video-cancel");
        await Assertions.Expect(page.Locator("#video-status")).ToContainTextAsync("cancelled");
        await Assertions.Expect(page.Locator("#video-cancel")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#video-jobs li button")).ToHaveTextAsync("Alberto_Ruiz_Gallardon_0.mp4: cancelled");
    }
}
