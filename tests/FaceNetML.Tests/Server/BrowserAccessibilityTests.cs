using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The web page for keyboard and assistive technology: the tabs are a tablist driven by the arrow keys, and axe-core
/// (pinned, installed by scripts/axe-core.sh, injected by Playwright) finds no serious or critical violation on any tab
/// with real answers shown. The same run takes the screenshots of docs/server.md (FACENETML_PAGE_SCREENSHOTS=docs).
/// </summary>
[TestClass]
public sealed class BrowserAccessibilityTests
{
    [TestMethod]
    public async Task TheTabsFollowTheArrowKeys()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        var verify = page.GetByRole(AriaRole.Tab, new() { Name = "Verify" });
        await verify.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        var identify = page.GetByRole(AriaRole.Tab, new() { Name = "Identify" });
        await Assertions.Expect(identify).ToBeFocusedAsync();
        await Assertions.Expect(identify).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.Locator("#identify")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#verify")).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Streams" })).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#streams-panel")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Videos" })).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#videos")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("ArrowRight"); // wraps around
        await Assertions.Expect(verify).ToBeFocusedAsync();
        await Assertions.Expect(verify).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.Locator("#verify")).ToBeVisibleAsync();
        // Only the chosen tab is in the Tab order.
        Assert.AreEqual("0", await verify.GetAttributeAsync("tabindex"));
        Assert.AreEqual("-1", await identify.GetAttributeAsync("tabindex"));
    }

    [TestMethod]
    public async Task AxeFindsNoSeriousViolationOnAnyTab()
    {
        await using var server = await ServerHost.StartAsync();
        using (var http = ServerHost.Client(server))
        {
            var enrolled = await http.PostAsync("/v1/people/Barack%20Obama", ServerHost.Form(ServerHost.Photo("image", "obama.jpg")));
            Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        var failures = new List<string>();
        async Task Check(string tab, bool screenshot = true)
        {
            var found = (await browser.SeriousAxeViolationsAsync()).Select(v => $"{tab}: {v}").ToList();
            foreach (var line in found) Console.WriteLine(line);
            failures.AddRange(found);
            if (screenshot) await browser.ScreenshotAsync(tab.ToLowerInvariant());
        }

        await page.SetInputFilesAsync("#verify-a", TestData.Photo("obama.jpg"));
        await page.SetInputFilesAsync("#verify-b", TestData.Photo("obama2.jpg"));
        await page.ClickAsync("#verify-run");
        await Assertions.Expect(page.Locator("#verify-verdict")).ToContainTextAsync("Same person");
        await Check("Verify");

        await browser.TabAsync("Identify");
        await page.SetInputFilesAsync("#identify-file", TestData.Photo("two_people.jpg"));
        await page.ClickAsync("#identify-run");
        await Assertions.Expect(page.Locator("#identify-result")).ToContainTextAsync("Barack Obama (confidence");
        await page.Locator("#identify details.json summary").ClickAsync(); // the JSON view open
        await Check("Identify");

        await browser.TabAsync("People");
        await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("Barack Obama (1 face)");
        await Check("People grid", screenshot: false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Barack Obama" }).ClickAsync();
        await Assertions.Expect(page.Locator("#person-name")).ToHaveTextAsync("Barack Obama");
        await Assertions.Expect(page.Locator("#person-faces li")).ToHaveCountAsync(1);
        await Check("People");

        // A clip whose person is enrolled (after the People tab's picture, which shows one person).
        using (var http = ServerHost.Client(server)) await VideoJobClient.EnrolAsync(http);
        await browser.TabAsync("Videos");
        await page.SetInputFilesAsync("#video-file", VideoJobClient.ClipPath());
        await page.FillAsync("#video-every", "2");
        await page.ClickAsync("#video-run");
        await Assertions.Expect(page.Locator("#video-status")).ToContainTextAsync("done", new() { Timeout = 600_000 });
        await Assertions.Expect(page.Locator("#video-timeline .bar").First).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('video-player').readyState >= 2");
        // The picture two seconds in, where the clip's person has a named box.
        await page.EvaluateAsync("() => { document.getElementById('video-player').currentTime = 2; }");
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('video-player'); return !v.seeking && v.readyState >= 2 && v.currentTime > 1.9; }");
        await Check("Videos");
        await browser.TabAsync("Streams");
        await Assertions.Expect(page.Locator("#streams-none")).ToBeVisibleAsync();
        await Check("Streams", screenshot: false);

        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));

        // This server keeps its gallery in memory: the page says people vanish on restart.
        await Assertions.Expect(page.Locator("#gallery-warning")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#gallery-warning")).ToContainTextAsync("vanish");
    }
}
