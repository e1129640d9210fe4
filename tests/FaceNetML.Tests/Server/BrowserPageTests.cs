using FaceNetML.Server;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The web page in a real browser: Playwright for .NET driving Debian's Chromium (<c>/usr/bin/chromium</c>, installed by
/// scripts/install-prerequisites.sh; never <c>playwright install</c>) against a real Kestrel server on loopback. Screenshots
/// go to <c>TestResults/</c> at the repository root.
/// </summary>
[TestClass]
public sealed class BrowserPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static string Screenshot(string name)
    {
        var dir = Path.Combine(TestData.RepoRoot, "TestResults");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    private static async Task<(IPlaywright, IBrowser, IPage)> Open(FaceServer server)
    {
        Assert.IsTrue(File.Exists(Chromium), $"{Chromium} missing: run scripts/install-prerequisites.sh (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 1300 } });
        // Waits, not timings: a verify takes seconds on a loaded 2-core machine, so the page gets a minute to answer.
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        await page.GotoAsync(server.Address.ToString());
        return (playwright, browser, page);
    }

    [TestMethod]
    public async Task ThePageVerifiesTwoPhotosDrawsBoxesAndShowsErrors()
    {
        await using var server = await ServerHost.StartAsync();
        var (playwright, browser, page) = await Open(server);
        try
        {
            await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("mobilefacenet");

            // Same person: obama / obama2.
            await page.SetInputFilesAsync("#verify-a", TestData.Photo("obama.jpg"));
            await page.SetInputFilesAsync("#verify-b", TestData.Photo("obama2.jpg"));
            await page.ClickAsync("#verify-run");
            var verdict = page.Locator("#verify-verdict");
            await Assertions.Expect(verdict).ToContainTextAsync("distance");
            var text = await verdict.InnerTextAsync();
            StringAssert.StartsWith(text, "Same person");
            // The page shows the API's distance, which is the CLI's (ServerApiTests): read it back from the page.
            using var http = ServerHost.Client(server);
            var (_, body) = await ServerHost.Read(await http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg"))));
            StringAssert.Contains(text, $"distance {body.GetProperty("distance").GetDouble():F4}");
            // A green box was drawn on each canvas (a pixel of the box's top edge, in canvas coordinates).
            foreach (var (canvas, side) in new[] { ("verify-canvas-a", "a"), ("verify-canvas-b", "b") })
            {
                var box = body.GetProperty("faces").GetProperty(side).EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var rgb = await page.EvaluateAsync<int[]>(@"([id, box]) => {
                    const c = document.getElementById(id), img = c.getContext('2d');
                    const scale = c.width / c.dataset.natural;
                    const d = img.getImageData(Math.round((box[0] + box[2] / 2) * scale), Math.round(box[1] * scale), 1, 1).data;
                    return [d[0], d[1], d[2]]; }", new object[] { canvas, box });
                Assert.IsTrue(rgb[1] > 150 && rgb[0] < 100 && rgb[2] < 100, $"{canvas}: no green box edge, pixel {string.Join(",", rgb)}");
            }
            await page.ScreenshotAsync(new() { Path = Screenshot("server-page-verify.png"), FullPage = true });

            // Different people: obama / biden.
            await page.SetInputFilesAsync("#verify-b", TestData.Photo("biden.jpg"));
            await page.ClickAsync("#verify-run");
            await Assertions.Expect(verdict).ToContainTextAsync("Different people");

            // Not an image: the error line says so in one readable line.
            await page.SetInputFilesAsync("#verify-b", new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = "not an image"u8.ToArray() });
            await page.ClickAsync("#verify-run");
            var error = page.Locator("#error");
            await Assertions.Expect(error).ToBeVisibleAsync();
            await Assertions.Expect(error).ToContainTextAsync("415");
            StringAssert.Contains(await error.InnerTextAsync(), "not a supported image");
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [TestMethod]
    public async Task ThePageEnrolsIdentifiesWithNamedBoxesAndRemoves()
    {
        await using var server = await ServerHost.StartAsync();
        var (playwright, browser, page) = await Open(server);
        try
        {
            await page.FillAsync("#enrol-name", "Barack Obama");
            await page.SetInputFilesAsync("#enrol-files", TestData.Photo("obama.jpg"));
            await page.ClickAsync("#enrol-run");
            await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("Barack Obama (1 photo)");

            await page.SetInputFilesAsync("#identify-file", TestData.Photo("obama2.jpg"));
            await page.ClickAsync("#identify-run");
            await Assertions.Expect(page.Locator("#identify-result")).ToContainTextAsync("Barack Obama (confidence");
            await page.ScreenshotAsync(new() { Path = Screenshot("server-page-identify.png"), FullPage = true });

            await page.ClickAsync("#people li button");
            await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("nobody enrolled yet");
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
