using FaceNetML.Models;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>Model files that cannot be silently swapped: built-in hashes live in the code, manifests are validated,
/// and a custom model's embedding length is checked against its real output at load.</summary>
[TestClass]
public sealed class HostileModelTests
{
    /// <summary>A copy of the default store (fetched on first use) that a test may damage.</summary>
    private static string StoreCopy()
    {
        foreach (var name in ModelStore.BuiltInModels) TestModels.Get(name);
        var copy = TestData.TempDir("hostile-store");
        foreach (var name in ModelStore.BuiltInModels)
        {
            var dir = Directory.CreateDirectory(Path.Combine(copy, name)).FullName;
            foreach (var file in Directory.GetFiles(TestModels.Store.ModelDirectory(name)))
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        return copy;
    }

    private static void EditManifest(string manifestPath, Func<ModelManifest, ModelManifest> change)
    {
        var json = System.Text.Json.JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(manifestPath), ModelManifest.Json)!;
        File.WriteAllText(manifestPath, System.Text.Json.JsonSerializer.Serialize(change(json), ModelManifest.Json));
    }

    [TestMethod]
    public void ASwappedBuiltInModelWithAMatchingManifestHashIsRefused()
    {
        var store = StoreCopy();
        var target = Path.Combine(store, "mobilefacenet");
        File.Copy(Path.Combine(store, "mtcnn-onet", "model.onnx"), Path.Combine(target, "model.onnx"), overwrite: true);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(target, "model.onnx"))));
        EditManifest(Path.Combine(target, "manifest.json"), m => m with { OnnxSha256 = hash });
        var r = CliRunner.Run("embed", TestData.Photo("obama.jpg"), "--models", store, "--json");
        CleanFailure.Assert(r, 2, "hash mismatch");
    }

    [TestMethod]
    public void AChangedThresholdInABuiltInManifestIsRefused()
    {
        var store = StoreCopy();
        EditManifest(Path.Combine(store, "mobilefacenet", "manifest.json"), m => m with { DefaultThreshold = 5f });
        var r = CliRunner.Run("verify", TestData.Photo("obama.jpg"), TestData.Photo("biden.jpg"), "--models", store, "--json");
        CleanFailure.Assert(r, 2, "defaultThreshold differs");
    }

    [TestMethod]
    public void AMalformedManifestIsAnErrorNamingTheFileNotADownload()
    {
        var store = StoreCopy();
        var manifest = Path.Combine(store, "mtcnn-pnet", "manifest.json");
        File.WriteAllText(manifest, "{ broken");
        var r = CliRunner.Run("detect", TestData.Photo("obama.jpg"), "--models", store, "--json");
        CleanFailure.Assert(r, 2, manifest);
        Assert.AreEqual("{ broken", File.ReadAllText(manifest), "nothing was fetched over it");
    }

    [TestMethod]
    [DataRow("threshold", "defaultThreshold -5")]
    [DataRow("nan", "unreadable model manifest")]
    [DataRow("size", "gives 192 values per face, its manifest says embeddingSize 128")]
    [DataRow("input", "inputSize 0")]
    public void ACustomModelWithABadManifestIsRefused(string damage, string error)
    {
        var dir = TestData.TempDir("hostile-custom");
        foreach (var file in Directory.GetFiles(TestModels.Store.ModelDirectory("mobilefacenet")))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        var manifest = Path.Combine(dir, "manifest.json");
        EditManifest(manifest, m => damage switch
        {
            "threshold" => m with { Name = "mine", Source = null, DefaultThreshold = -5f },
            "size" => m with { Name = "mine", Source = null, EmbeddingSize = 128 },
            "input" => m with { Name = "mine", Source = null, InputSize = 0 },
            _ => m with { Name = "mine", Source = null },
        });
        if (damage == "nan") File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"defaultThreshold\": 1.1", "\"defaultThreshold\": \"NaN\""));
        var r = CliRunner.Run("verify", TestData.Photo("obama.jpg"), TestData.Photo("obama2.jpg"), "--model", dir, "--json");
        CleanFailure.Assert(r, 2, error);
    }
}
