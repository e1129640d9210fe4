using System.Diagnostics;
using FaceNetML.Tests.Cli;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// People enrolled from the page outlive the server: a real <c>facenetml serve</c> process with a data folder (the
/// gallery and the faces' thumbnails) is stopped and started again, and the People tab still shows the person with their face thumbnails.
/// </summary>
[TestClass]
public sealed class BrowserRestartTests
{
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;

        public Uri Address { get; }

        private ServeProcess(Process process, Uri address) => (_process, Address) = (process, address);

        public static async Task<ServeProcess> StartAsync(string data)
        {
            var process = Process.Start(CliRunner.StartInfo("serve", "--port", "0", "--slots", "1", "--data", data))!;
            _ = process.StandardOutput.ReadToEndAsync();
            var line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            if (line is null || !line.StartsWith("listening on http://", StringComparison.Ordinal))
            {
                process.Kill(true);
                Assert.Fail($"facenetml serve did not start: {line}");
            }
            _ = process.StandardError.ReadToEndAsync();
            return new ServeProcess(process, new Uri(line["listening on ".Length..].Split(' ')[0]));
        }

        public void Dispose()
        {
            _process.Kill(true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }

    /// <summary>Waits until every image of <paramref name="selector"/> has loaded a real picture (at least one image).</summary>
    internal static Task AssertThumbnailsLoad(IPage page, string selector) =>
        page.WaitForFunctionAsync("s => { const all = [...document.querySelectorAll(s)]; return all.length > 0 && all.every(i => i.complete && i.naturalWidth > 0); }", selector);

    [TestMethod]
    public async Task PeopleEnrolledFromThePageAreStillThereAfterARestart()
    {
        var data = TestData.TempDir("restart");
        using (var server = await ServeProcess.StartAsync(data))
        {
            await using var browser = await BrowserSession.OpenAsync(server.Address);
            var page = browser.Page;
            await browser.TabAsync("People");
            await page.FillAsync("#enrol-name", "Barack Obama");
            await page.SetInputFilesAsync("#enrol-files", new[] { TestData.Photo("obama.jpg"), TestData.Photo("obama2.jpg") });
            await page.ClickAsync("#enrol-run");
            await Assertions.Expect(page.Locator("#person-faces li")).ToHaveCountAsync(2);
            await AssertThumbnailsLoad(page, "#person-faces img");
            // A gallery in the data folder: no warning about people vanishing.
            await Assertions.Expect(page.Locator("#gallery-warning")).ToBeHiddenAsync();
        }

        using (var server = await ServeProcess.StartAsync(data))
        {
            await using var browser = await BrowserSession.OpenAsync(server.Address);
            var page = browser.Page;
            await browser.TabAsync("People");
            await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("Barack Obama (2 faces)");
            await AssertThumbnailsLoad(page, "#people img");
            await page.GetByRole(AriaRole.Button, new() { Name = "Barack Obama" }).ClickAsync();
            await Assertions.Expect(page.Locator("#person-faces li")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#person-faces")).ToContainTextAsync("obama2.jpg");
            await AssertThumbnailsLoad(page, "#person-faces img");
        }
    }
}
