using System.Text.Json;
using Microsoft.Playwright;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The web page in a real browser (<see cref="BrowserSession"/>: Playwright driving Debian's Chromium) against a real
/// Kestrel server on loopback: Verify, Identify (every face boxed and listed, an unknown face enrolled from the result)
/// and People (faces, remove, rename, merge).
/// </summary>
[TestClass]
public sealed class BrowserPageTests
{
    /// <summary>The answer shown in a "JSON answer" box.</summary>
    private static async Task<JsonElement> ShownJson(IPage page, string id)
    {
        var text = await page.Locator("#" + id).TextContentAsync();
        Assert.IsFalse(string.IsNullOrWhiteSpace(text), $"#{id} is empty");
        return JsonDocument.Parse(text!).RootElement.Clone();
    }

    /// <summary>The colour of a canvas pixel at the middle of a box's top edge (box in photo pixels).</summary>
    private static Task<int[]> BoxEdgePixel(IPage page, string canvas, double[] box) =>
        page.EvaluateAsync<int[]>(@"([id, box]) => {
            const c = document.getElementById(id), img = c.getContext('2d');
            const scale = c.width / c.dataset.natural;
            const d = img.getImageData(Math.round((box[0] + box[2] / 2) * scale), Math.round(box[1] * scale), 1, 1).data;
            return [d[0], d[1], d[2]]; }", new object[] { canvas, box });

    private static double[] Box(JsonElement face) => face.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [TestMethod]
    public async Task ThePageVerifiesTwoPhotosDrawsBoxesAndShowsErrors()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("mobilefacenet");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Verify" })).ToHaveAttributeAsync("aria-selected", "true");

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
        // The JSON view holds the raw answer.
        Assert.AreEqual(body.GetProperty("distance").GetDouble(), (await ShownJson(page, "verify-json")).GetProperty("distance").GetDouble());
        // A green box was drawn on each canvas (a pixel of the box's top edge, in canvas coordinates).
        foreach (var (canvas, side) in new[] { ("verify-canvas-a", "a"), ("verify-canvas-b", "b") })
        {
            var box = body.GetProperty("faces").GetProperty(side).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var rgb = await BoxEdgePixel(page, canvas, box);
            Assert.IsTrue(rgb[1] > 150 && rgb[0] < 100 && rgb[2] < 100, $"{canvas}: no green box edge, pixel {string.Join(",", rgb)}");
        }

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

    [TestMethod]
    public async Task IdentifyBoxesAndListsBothFacesOfATwoPersonPhoto()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("Identify");
        await page.SetInputFilesAsync("#identify-file", TestData.Photo("two_people.jpg"));
        await page.ClickAsync("#identify-run");
        var rows = page.Locator("#identify-result li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var faces = (await ShownJson(page, "identify-json")).GetProperty("faces").EnumerateArray().ToList();
        Assert.AreEqual(2, faces.Count);
        // The canvas's text alternative names what is drawn.
        await Assertions.Expect(page.Locator("#identify-canvas")).ToHaveAttributeAsync("aria-label", "the photo with 2 faces boxed: unknown, unknown");
        for (int i = 0; i < 2; i++)
        {
            // Nobody is enrolled: both faces are unknown, each with its distance line and an enrol button.
            await Assertions.Expect(rows.Nth(i)).ToContainTextAsync($"Face {i + 1}: unknown");
            await Assertions.Expect(rows.Nth(i).GetByRole(AriaRole.Button, new() { Name = "Enrol this face" })).ToBeVisibleAsync();
            // Each face has its own box on the canvas: the orange of an unknown face at its top edge.
            var rgb = await BoxEdgePixel(page, "identify-canvas", Box(faces[i]));
            Assert.IsTrue(rgb[0] > 180 && rgb[1] > 110 && rgb[1] < 190 && rgb[2] < 70, $"face {i + 1}: no orange box edge, pixel {string.Join(",", rgb)}");
        }
    }

    [TestMethod]
    public async Task AnUnknownFaceEnrolledFromTheIdentifyResultIsNamedNextTime()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("Identify");
        await page.SetInputFilesAsync("#identify-file", TestData.Photo("two_people.jpg"));
        await page.ClickAsync("#identify-run");
        var rows = page.Locator("#identify-result li");
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        // The first face (the photo's right-hand person), chosen by its box rather than by the enrolment's own choice of
        // face: without the box the server enrols the other one.
        var row = rows.Nth(0);
        var form = row.GetByLabel("Name of face 1");
        await Assertions.Expect(form).ToBeHiddenAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Enrol this face" }).ClickAsync();
        await form.FillAsync("Right Person");
        await row.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("enrolled as Right Person");

        await page.ClickAsync("#identify-run");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("Face 1: Right Person (confidence");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Face 2: unknown");
    }

    [TestMethod]
    public async Task ThePeopleTabShowsFacesAndRemovesRenamesAndMerges()
    {
        await using var server = await ServerHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        await browser.TabAsync("People");
        await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("nobody enrolled yet");

        async Task Enrol(string name, params string[] photos)
        {
            await page.FillAsync("#enrol-name", name);
            await page.SetInputFilesAsync("#enrol-files", photos.Select(TestData.Photo));
            await page.ClickAsync("#enrol-run");
            await Assertions.Expect(page.Locator("#person-name")).ToHaveTextAsync(name);
        }

        // Enrolling opens the person: one thumbnail per face, each a real image, with its source.
        await Enrol("Barack", "obama.jpg", "obama2.jpg");
        var faces = page.Locator("#person-faces li");
        await Assertions.Expect(faces).ToHaveCountAsync(2);
        await Assertions.Expect(faces.Nth(0)).ToContainTextAsync("obama.jpg");
        await BrowserRestartTests.AssertThumbnailsLoad(page, "#person-faces img");
        await BrowserRestartTests.AssertThumbnailsLoad(page, "#people img");

        // Remove a face, rename the person.
        await faces.Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(faces).ToHaveCountAsync(1);
        await page.FillAsync("#rename-to", "Barack Obama");
        await page.ClickAsync("#rename-run");
        await Assertions.Expect(page.Locator("#person-name")).ToHaveTextAsync("Barack Obama");
        await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("Barack Obama (1 face)");

        // A second person merged into the first: one person with both faces.
        await Enrol("Obama 480p", "obama-480p.jpg");
        await page.SelectOptionAsync("#merge-into", "Barack Obama");
        await page.ClickAsync("#merge-run");
        await Assertions.Expect(page.Locator("#person-name")).ToHaveTextAsync("Barack Obama");
        await Assertions.Expect(faces).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#people > li")).ToHaveCountAsync(1);

        // Removing the last faces removes the person.
        await faces.Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(faces).ToHaveCountAsync(1);
        await faces.Nth(0).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#person")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("nobody enrolled yet");
    }

    [TestMethod]
    public async Task ThePageSendsTheApiKeyForCallsAndThumbnails()
    {
        await using var server = await ServerHost.StartAsync(new FaceNetML.Server.FaceServerOptions { ApiKey = "k-page" });
        using (var http = ServerHost.Client(server))
        {
            http.DefaultRequestHeaders.Add("X-API-Key", "k-page");
            var enrolled = await http.PostAsync("/v1/people/Barack%20Obama", ServerHost.Form(ServerHost.Photo("image", "obama.jpg")));
            Assert.AreEqual(200, (int)enrolled.StatusCode, await enrolled.Content.ReadAsStringAsync());
        }
        await using var browser = await BrowserSession.OpenAsync(server.Address);
        var page = browser.Page;
        // Without the key the people list is refused, in one line.
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("401: missing API key");
        await page.FillAsync("#api-key", "k-page");
        await page.Locator("#api-key").DispatchEventAsync("change");
        await browser.TabAsync("People");
        await Assertions.Expect(page.Locator("#people")).ToContainTextAsync("Barack Obama (1 face)");
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();
        await BrowserRestartTests.AssertThumbnailsLoad(page, "#people img");
        // The key is kept for this browser tab only.
        Assert.AreEqual("k-page", await page.EvaluateAsync<string>("() => sessionStorage.getItem('facenetml-key')"));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#api-key")).ToHaveValueAsync("k-page");
    }
}
