using FaceNetML.Tests.Video;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The Streams tab in a real browser (Chromium via Playwright): a stream added from the keyboard-usable form, fed by
/// ffmpeg in real time over UDP, shows up live in the table, and its live events (EventSource) name the clip's person
/// with the face crop, with no serious axe-core violation; the stream is removed from the table.
/// </summary>
[TestClass]
public sealed class BrowserStreamsTests
{
    private const string Person = "Aaron_Guiel";

    [TestMethod]
    public async Task AStreamAddedOnThePage_ShowsItsLiveEventsWithTheirCrops()
    {
        await using var server = await ServerHost.StartAsync();
        using (var http = ServerHost.Client(server))
        {
            var photo = Directory.GetFiles(TestData.DataPath("ytf-dev", "gallery", Person))[0];
            var enrolled = await http.PostAsync($"/v1/people/{Person}", ServerHost.Form(("image", Path.GetFileName(photo), File.ReadAllBytes(photo))));
            Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("Streams");
        await Assertions.Expect(page.Locator("#events-status")).ToHaveTextAsync("receiving events");

        int port = StreamSender.FreeUdpPort();
        await page.Locator("#stream-name").FillAsync("hall");
        await page.Locator("#stream-url").FillAsync(StreamSender.Url(port));
        await page.Locator("#stream-url").PressAsync("Enter"); // the form submits from the keyboard
        await Assertions.Expect(page.Locator("#streams-body")).ToContainTextAsync("hall");

        using var sender = StreamSender.Start(TestData.DataPath("ytf-dev", $"{Person}_5.mp4"), port, loop: true);
        var appeared = page.Locator("#stream-events li.event-appeared", new() { HasText = $"{Person} appeared" }).First;
        await Assertions.Expect(appeared).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(appeared.Locator("img")).ToHaveAttributeAsync("alt", new System.Text.RegularExpressions.Regex($"face of {Person}"));
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#stream-events img')].some(i => i.complete && i.naturalWidth > 20)");
        await Assertions.Expect(page.Locator("#streams-body")).ToContainTextAsync("live");
        // With a stream and its events on the tab: no serious accessibility violation, and the picture of docs/server.md.
        var violations = await browser.SeriousAxeViolationsAsync();
        Assert.IsEmpty(violations, string.Join("\n", violations));
        await browser.ScreenshotAsync("streams");

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop watching hall" }).ClickAsync();
        await Assertions.Expect(page.Locator("#streams-none")).ToBeVisibleAsync();
    }
}
