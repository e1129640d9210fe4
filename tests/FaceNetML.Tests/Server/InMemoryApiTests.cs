using FaceNetML.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace FaceNetML.Tests.Server;

/// <summary>The API in process with <see cref="WebApplicationFactory{TEntryPoint}"/> (an in-memory TestServer, no socket):
/// the same services and request pipeline as <c>facenetml serve</c> (<see cref="FaceServer.AddServices"/>,
/// <see cref="FaceServer.Configure"/>), with the shared warm pipeline.</summary>
[TestClass]
public sealed class InMemoryApiTests
{
    private sealed class Factory(FaceService service) : WebApplicationFactory<InMemoryApiTests>
    {
        protected override IHostBuilder CreateHostBuilder() => new HostBuilder().ConfigureWebHost(web => web
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureServices(s => FaceServer.AddServices(s, service))
            .Configure(app => FaceServer.Configure(app, service)));
    }

    private static FaceService _service = null!;
    private static Factory _factory = null!;

    [ClassInitialize]
    public static void Start(TestContext _)
    {
        // The content root (nothing is read from it): the factory looks for it under this variable before searching for a project folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FACENETML_TESTS", AppContext.BaseDirectory);
        _service = new FaceService(new FaceServerOptions(), ServerHost.Pipeline);
        _factory = new Factory(_service);
    }

    [ClassCleanup]
    public static void Stop()
    {
        _factory.Dispose();
        _service.Dispose();
    }

    [TestMethod]
    public async Task VerifyInMemoryGivesTheLibraryDistance()
    {
        using var http = _factory.CreateClient();
        var (status, body) = await ServerHost.Read(await http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg"))));
        Assert.AreEqual(200, status, body.ToString());
        var results = ServerHost.Pipeline.EmbedFiles([TestData.Photo("obama.jpg"), TestData.Photo("obama2.jpg")]);
        float distance = FaceNetML.Verification.EmbeddingDistance.Euclidean(results[0].Result!.Embedding, results[1].Result!.Embedding);
        Assert.AreEqual(distance, body.GetProperty("distance").GetDouble(), 1e-4);
        Assert.IsTrue(body.GetProperty("same").GetBoolean());
    }

    [TestMethod]
    public async Task BadRequestsInMemoryAreOneLineJsonErrors()
    {
        using var http = _factory.CreateClient();
        await ServerHost.AssertError(await http.PostAsync("/v1/detect", ServerHost.Form(("image", "notes.jpg", "not an image"u8.ToArray()))), 415, "not a supported image");
        await ServerHost.AssertError(await http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"))), 400, "missing file field 'b'");
        await ServerHost.AssertError(await http.PostAsync("/v1/identify", ServerHost.Form(("image", "blank.png", ServerHost.BlankPng()))), 422, "no face found");
        await ServerHost.AssertHealthy(http);
    }
}
