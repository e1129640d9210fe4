using System.Net.Http.Headers;
using System.Text.Json;
using FaceNetML.Pipeline;
using FaceNetML.Server;

namespace FaceNetML.Tests.Server;

/// <summary>Real Kestrel servers on a free loopback port for the tests, sharing one warm pipeline (real models).</summary>
internal static class ServerHost
{
    private static readonly Lazy<FacePipeline> SharedPipeline = new(() => new FacePipeline(new FacePipelineOptions { Store = TestModels.Store, Parallelism = 1 }));

    public static FacePipeline Pipeline => SharedPipeline.Value;

    /// <summary>Starts a server on 127.0.0.1 with a free port; the caller disposes it.</summary>
    public static async Task<FaceServer> StartAsync(FaceServerOptions? options = null)
    {
        var server = FaceServer.Create((options ?? new FaceServerOptions()) with { Host = "127.0.0.1", Port = 0 }, Pipeline);
        await server.StartAsync();
        return server;
    }

    public static HttpClient Client(FaceServer server) => new() { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>A multipart form of (field, file name, bytes).</summary>
    public static MultipartFormDataContent Form(params (string Field, string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            form.Add(part, field, name);
        }
        return form;
    }

    public static (string, string, byte[]) Photo(string field, string name) => (field, name, File.ReadAllBytes(TestData.Photo(name)));

    /// <summary>A 300x300 uniform grey PNG: an image without a face.</summary>
    public static byte[] BlankPng()
    {
        var path = Path.Combine(TestData.TempDir("blank"), "blank.png");
        FaceNetML.Cli.UniformPng.Write(path, 300, 300);
        return File.ReadAllBytes(path);
    }

    /// <summary>The status and parsed JSON body of an answer (every answer of the API is JSON).</summary>
    public static async Task<(int Status, JsonElement Body)> Read(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.IsTrue(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode}: not JSON: {text}");
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Asserts an error answer: the status, one line under "error" holding <paramref name="phrase"/>, no stack trace.</summary>
    public static async Task AssertError(HttpResponseMessage response, int status, string phrase)
    {
        var (code, body) = await Read(response);
        var error = body.GetProperty("error").GetString()!;
        Assert.AreEqual(status, code, error);
        StringAssert.Contains(error, phrase);
        Assert.IsFalse(error.Contains('\n') || error.Contains("   at "), error);
        Assert.AreEqual(1, body.EnumerateObject().Count(), body.ToString());
    }

    public static async Task AssertHealthy(HttpClient http)
    {
        var (code, body) = await Read(await http.GetAsync("/health"));
        Assert.AreEqual(200, code);
        Assert.AreEqual("ok", body.GetProperty("status").GetString());
    }
}
