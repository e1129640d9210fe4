using FaceNetML.Models;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Models;

/// <summary>The trained Fast-FaceNet models committed in models/: installed from the assembly on first use, hash-checked,
/// and reproducing the documented lfw-dev figure (docs/benchmarks.md) without any training.</summary>
[TestClass]
public sealed class ShippedModelTests
{
    [TestMethod]
    [DataRow(1.0, "fastfacenet-1.0")]
    [DataRow(0.5, "fastfacenet-0.5")]
    public void Shipped_model_installs_into_an_empty_store_and_a_modified_copy_is_refused(double width, string name)
    {
        var root = TestData.TempDir("shipped-store");
        var model = FaceModels.FastFaceNet(width).Resolve(new ModelStore(root, _ => { }));
        Assert.AreEqual(name, model.Name);
        Assert.AreEqual(128, model.Manifest.EmbeddingSize);
        Assert.StartsWith(root, model.OnnxPath);
        using (var embedder = new FaceNetML.Embedding.FaceEmbedder(model))
        {
            var e = embedder.Embed(new FaceNetML.Imaging.RgbImage(model.Manifest.InputSize, model.Manifest.InputSize));
            Assert.AreEqual(1f, FaceNetML.Verification.EmbeddingDistance.Norm(e), 1e-4f);
        }
        var bytes = File.ReadAllBytes(model.OnnxPath);
        bytes[^10] ^= 0x55;
        File.WriteAllBytes(model.OnnxPath, bytes);
        var e2 = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Get(name));
        StringAssert.Contains(e2.Message, "hash mismatch");
        Assert.IsFalse(e2.Message.Contains('\n'));
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void An_edited_shipped_manifest_is_refused_and_deleting_the_folder_restores_it()
    {
        var root = TestData.TempDir("shipped-manifest");
        var model = new ModelStore(root, _ => { }).Get("fastfacenet-0.5");
        var manifestPath = Path.Combine(Path.GetDirectoryName(model.OnnxPath)!, "manifest.json");
        var edited = model.Manifest with { DefaultThreshold = model.Manifest.DefaultThreshold + 0.2f };
        edited.Save(manifestPath);
        var error = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Get("fastfacenet-0.5"));
        StringAssert.Contains(error.Message, "defaultThreshold differs from the built-in fastfacenet-0.5's");
        StringAssert.Contains(error.Message, "delete its folder");
        Assert.IsFalse(error.Message.Contains('\n'));

        Directory.Delete(Path.GetDirectoryName(model.OnnxPath)!, true);
        Assert.AreEqual(model.Manifest.DefaultThreshold, new ModelStore(root, _ => { }).Get("fastfacenet-0.5").Manifest.DefaultThreshold);
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void Other_widths_are_not_shipped()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FaceModels.FastFaceNet(0.75));
    }

    /// <summary>The documented figure (docs/benchmarks.md) for the shipped θ=1 model, from `facenetml eval lfw --model fastfacenet-1.0` on lfw-dev.</summary>
    [TestMethod]
    public void Eval_lfw_with_the_shipped_theta_1_model_reproduces_the_README_figure()
    {
        var r = CliRunner.Run("eval", "lfw", "--pairs", TestData.DataPath("lfw-dev", "pairs.txt"),
            "--images", TestData.DataPath("lfw-dev", "images"), "--model", "fastfacenet-1.0", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.AreEqual(ReadmeAccuracy, r.Json.GetProperty("accuracy").GetDouble(), 0.0015, "docs/benchmarks.md: the shipped fastfacenet-1.0 row");
    }

    private const double ReadmeAccuracy = 0.8697;
}
