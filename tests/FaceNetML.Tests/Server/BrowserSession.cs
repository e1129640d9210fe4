using System.Diagnostics;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// One page of the server in a real browser: Playwright for .NET driving Debian's Chromium (<c>/usr/bin/chromium</c>,
/// installed by scripts/install-prerequisites.sh; never <c>playwright install</c>). Waits, not timings: an inference
/// takes seconds on a loaded 2-core machine, so the page gets a minute to answer.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    public IPage Page { get; }

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page) => (_playwright, _browser, Page) = (playwright, browser, page);

    /// <summary>Opens <paramref name="address"/>; <paramref name="chromiumArgs"/> go to Chromium (e.g. a fake camera).</summary>
    public static async Task<BrowserSession> OpenAsync(Uri address, params string[] chromiumArgs)
    {
        Assert.IsTrue(File.Exists(Chromium), $"{Chromium} missing: run scripts/install-prerequisites.sh (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = chromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 1300 } });
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        await page.GotoAsync(address.ToString());
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>Chooses a tab by clicking it, and waits for its panel.</summary>
    public async Task TabAsync(string name)
    {
        await Page.GetByRole(AriaRole.Tab, new() { Name = name }).ClickAsync();
        var panel = await Page.GetByRole(AriaRole.Tab, new() { Name = name }).GetAttributeAsync("aria-controls");
        await Assertions.Expect(Page.Locator("#" + panel)).ToBeVisibleAsync();
    }

    /// <summary>
    /// A full-page screenshot: into docs/ (server-page-NAME.png, the pictures of docs/server.md) when
    /// FACENETML_PAGE_SCREENSHOTS=docs, else into TestResults/ at the repository root.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        var toDocs = Environment.GetEnvironmentVariable("FACENETML_PAGE_SCREENSHOTS") == "docs";
        var dir = Path.Combine(TestData.RepoRoot, toDocs ? "docs" : "TestResults");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"server-page-{name}.png"), FullPage = true });
    }

    /// <summary>Runs axe-core (installed pinned by scripts/axe-core.sh) in the page; returns its serious and critical
    /// violations, one line each ("id: help (n nodes: selector, ...)").</summary>
    public async Task<IReadOnlyList<string>> SeriousAxeViolationsAsync()
    {
        await Page.AddScriptTagAsync(new() { Path = AxeScript.Value });
        var lines = await Page.EvaluateAsync<string[]>(@"async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} (${v.nodes.length} nodes: ${v.nodes.map(n => n.target.join(' ')).join(', ')})`); }");
        return lines;
    }

    private static readonly Lazy<string> AxeScript = new(() =>
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(TestData.RepoRoot, "scripts", "axe-core.sh"));
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, "scripts/axe-core.sh failed: " + error.Result);
        Assert.IsTrue(File.Exists(path), $"axe.min.js not found at '{path}'");
        return path;
    });

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
