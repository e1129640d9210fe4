using System.Text.Json;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Server;

/// <summary><c>facenetml serve</c> as a process: it prints its address, answers, and refuses bad options in one line.</summary>
[TestClass]
public sealed class ServeCommandTests
{
    [TestMethod]
    public async Task ServeListensOnAFreePortAndVerifies()
    {
        var keyFile = Path.Combine(TestData.TempDir("serve-key"), "key.txt");
        File.WriteAllText(keyFile, "k-123\n");
        var data = TestData.TempDir("serve-data");
        var start = CliRunner.StartInfo("serve", "--port", "0", "--api-key-file", keyFile, "--slots", "1", "--data", data);
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            _ = process.StandardOutput.ReadToEndAsync();
            var line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.IsNotNull(line);
            StringAssert.StartsWith(line, "listening on http://127.0.0.1:");
            StringAssert.Contains(line, "API key required");
            using var http = new HttpClient { BaseAddress = new Uri(line["listening on ".Length..].Split(' ')[0]) };
            http.DefaultRequestHeaders.Add("X-API-Key", "k-123");
            await ServerHost.AssertHealthy(http);
            // By default the gallery is the embedded index in the data folder.
            var (_, health) = await ServerHost.Read(await http.GetAsync("/health"));
            Assert.AreEqual("hnsw", health.GetProperty("gallery").GetProperty("backend").GetString());
            Assert.AreEqual(Path.Combine(Path.GetFullPath(data), "gallery.usearch"), health.GetProperty("gallery").GetProperty("location").GetString());
            Assert.IsTrue(health.GetProperty("gallery").GetProperty("persistent").GetBoolean());
            var (status, body) = await ServerHost.Read(await http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "biden.jpg"))));
            Assert.AreEqual(200, status, body.ToString());
            Assert.IsFalse(body.GetProperty("same").GetBoolean());
        }
        finally
        {
            process.Kill(true);
            process.WaitForExit();
        }
    }

    [TestMethod]
    public void ServeRefusesAMissingKeyFileAndABadPortInOneLine()
    {
        var r = CliRunner.Run("serve", "--api-key-file", "/nonexistent/key.txt", "--json");
        Assert.AreEqual(2, r.ExitCode, r.Stderr);
        StringAssert.Contains(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetString(), "cannot read the API key file");
        var p = CliRunner.Run("serve", "--port", "70000");
        Assert.AreEqual(2, p.ExitCode);
        Assert.AreEqual(1, p.Stderr.Trim().Split('\n').Length, p.Stderr);
    }
}
