using FaceNetML.Cli;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Pipeline;
using FaceNetML.Tests.Cli;
using FaceNetML.Verification;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceNetML.Tests.Models;

/// <summary>
/// The <c>fr-feature</c> import (Faceplugin's <c>fr_feature.onnx</c> wrapped for NHWC batches): installed into an empty
/// store from its pinned package, hash-checked, a modified copy refused, and the wrapped graph computing what the
/// original computes.
/// </summary>
[TestClass]
public sealed class FrFeatureImportTests
{
    /// <summary>One download per test run: a store filled from the registry, whose kept copy the other tests read.</summary>
    private static readonly Lazy<(string Root, List<string> Lines, InstalledModel Model)> Downloaded = new(() =>
    {
        var root = TestData.TempDir("store-frfeature");
        var lines = new List<string>();
        var model = new ModelStore(root, lines.Add).Get(FrFeaturePackage.ModelName);
        return (root, lines, model);
    });

    private static string KeptFolder => new ModelStore(Downloaded.Value.Root, _ => { }).KeptFolder(FrFeaturePackage.ModelName)!;

    [TestMethod]
    public void InstallsIntoAnEmptyStoreFromThePinnedPackage()
    {
        var (root, lines, model) = Downloaded.Value;
        var url = NpmPackageFetcher.TarballUrl(NpmPackageFetcher.Registry(), FrFeaturePackage.Name, FrFeaturePackage.Version);
        Assert.IsTrue(lines.Any(l => l.Contains($"Downloading faceplugin-face-recognition-js@0.0.1 from {url}")), string.Join("; ", lines));
        Assert.StartsWith(root, model.OnnxPath);
        Assert.AreEqual(FrFeaturePackage.OnnxSha256, ModelStore.Sha256(model.OnnxPath), "the written ONNX is the pinned one");
        var m = model.Manifest;
        Assert.AreEqual(512, m.EmbeddingSize);
        Assert.AreEqual(112, m.InputSize);
        Assert.AreEqual("standard", m.Template);
        Assert.AreEqual(127f, m.Mean);
        Assert.AreEqual(1f / 128f, m.Scale);
        Assert.AreEqual(FrFeaturePackage.Sha256, m.Source!.Sha256);
        Assert.AreEqual(1_190_336, m.Parameters);

        // A second store over the same folder uses what is there; an offline install from the kept file writes the same bytes.
        var quiet = new List<string>();
        new ModelStore(root, quiet.Add).Get(FrFeaturePackage.ModelName);
        Assert.AreEqual(0, quiet.Count, string.Join("; ", quiet));
        var offline = TestData.TempDir("store-frfeature-offline");
        var copy = new ModelStore(offline, _ => { }).Fetch(FrFeaturePackage.ModelName, force: false, fromFolder: KeptFolder);
        Assert.AreEqual(FrFeaturePackage.OnnxSha256, ModelStore.Sha256(copy.OnnxPath));
        Directory.Delete(offline, true);
    }

    [TestMethod]
    public void WrappedGraphTakesNhwcBatchesAndComputesWhatTheOriginalComputes()
    {
        var model = Downloaded.Value.Model;
        var original = File.ReadAllBytes(Path.Combine(KeptFolder, FrFeaturePackage.ModelFile));
        using var before = new InferenceSession(original);
        using var after = new InferenceSession(model.OnnxPath);
        CollectionAssert.AreEqual(new[] { 1, 3, 112, 112 }, before.InputMetadata["input"].Dimensions);
        CollectionAssert.AreEqual(new[] { -1, 112, 112, 3 }, after.InputMetadata["input"].Dimensions);
        CollectionAssert.AreEqual(new[] { -1, 512 }, after.OutputMetadata["output"].Dimensions);

        const int n = 2, side = 112;
        var random = new Random(3);
        var nhwc = new float[n * side * side * 3];
        for (int i = 0; i < nhwc.Length; i++) nhwc[i] = (float)(random.NextDouble() * 2 - 1);
        using var batch = after.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(nhwc, [n, side, side, 3]))]);
        var wrapped = batch.First().AsTensor<float>();
        CollectionAssert.AreEqual(new[] { n, 512 }, wrapped.Dimensions.ToArray());
        float maxError = 0;
        for (int k = 0; k < n; k++)
        {
            var nchw = new float[3 * side * side];
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            for (int c = 0; c < 3; c++)
                nchw[(c * side + y) * side + x] = nhwc[((k * side + y) * side + x) * 3 + c];
            using var one = before.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(nchw, [1, 3, side, side]))]);
            var expected = one.First().AsTensor<float>().ToArray();
            for (int j = 0; j < 512; j++) maxError = Math.Max(maxError, Math.Abs(expected[j] - wrapped[k, j]));
        }
        Assert.IsTrue(maxError <= 1e-5f, $"max abs error {maxError}");
    }

    [TestMethod]
    public void AModifiedCopyIsRefused()
    {
        var source = Path.Combine(KeptFolder, FrFeaturePackage.ModelFile);
        var folder = TestData.TempDir("frfeature-bad");
        var bytes = File.ReadAllBytes(source);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(Path.Combine(folder, FrFeaturePackage.ModelFile), bytes);
        var root = TestData.TempDir("store-frfeature-bad");
        var error = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Fetch(FrFeaturePackage.ModelName, force: false, fromFolder: folder));
        StringAssert.Contains(error.Message, "refusing a corrupted");
        Assert.IsFalse(error.Message.Contains('\n'));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, FrFeaturePackage.ModelName)), "nothing is installed");

        // The same through the CLI: one line on stderr, exit 2.
        var start = CliRunner.StartInfo("models", "fetch", "--from", folder);
        start.Environment[ModelStore.EnvironmentVariable] = root;
        var result = CliRunner.Run(start);
        Assert.AreEqual(ExitCodes.BadInput, result.ExitCode, result.Stderr);
        Assert.AreEqual(1, result.Stderr.Trim().Split('\n').Length, result.Stderr);
        StringAssert.Contains(result.Stderr, FrFeaturePackage.ModelFile);
        Assert.IsFalse(Directory.Exists(Path.Combine(root, FrFeaturePackage.ModelName)));

        // An installed model whose ONNX bytes or manifest were changed is refused too.
        var installed = new ModelStore(root, _ => { }).Fetch(FrFeaturePackage.ModelName, force: false, fromFolder: KeptFolder);
        var manifestPath = Path.Combine(root, FrFeaturePackage.ModelName, "manifest.json");
        var goodManifest = File.ReadAllText(manifestPath);
        (ModelManifest.Load(manifestPath) with { DefaultThreshold = 2f }).Save(manifestPath);
        var edited = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Get(FrFeaturePackage.ModelName));
        StringAssert.Contains(edited.Message, "defaultThreshold");
        File.WriteAllText(manifestPath, goodManifest);
        var onnx = File.ReadAllBytes(installed.OnnxPath);
        onnx[^10] ^= 0x55;
        File.WriteAllBytes(installed.OnnxPath, onnx);
        var swapped = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Get(FrFeaturePackage.ModelName));
        StringAssert.Contains(swapped.Message, "hash mismatch");
        Assert.IsFalse(swapped.Message.Contains('\n'));
        foreach (var d in new[] { folder, root }) Directory.Delete(d, true);
    }

    [TestMethod]
    public void FusionsWithFrFeatureResolveWithTheirWeights()
    {
        var dlib = FaceModels.Parse("fr-feature+dlib-resnet").Resolve(TestModels.Store);
        Assert.AreEqual(ModelFusion.FrFeatureDlib, dlib.Fusion);
        Assert.AreEqual(512 + 128, dlib.Manifest.EmbeddingSize);
        Assert.AreEqual(0.92f, dlib.Manifest.DefaultThreshold);
        // A pair not learned: even weight, threshold from the two models' own.
        var mfn = FaceModels.Parse("mobilefacenet+fr-feature").Resolve(TestModels.Store);
        Assert.AreEqual(0.5f, mfn.Fusion!.Weight);
        Assert.AreEqual(MathF.Sqrt(0.5f * 1.10f * 1.10f + 0.5f * 1.22f * 1.22f), mfn.Manifest.DefaultThreshold, 1e-5f);
        Assert.AreEqual(192 + 512, mfn.Manifest.EmbeddingSize);
    }

    [TestMethod]
    public void ObamasTwoPhotosAreNearerThanObamaAndBiden()
    {
        using var pipeline = new FacePipeline(new FacePipelineOptions { Model = FaceModels.FrFeature, Store = TestModels.Store, Parallelism = 1 });
        float[] Embed(string photo) => pipeline.EmbedPrimary(ImageDecoder.Decode(TestData.Photo(photo)))!.Embedding;
        var obama = Embed("obama.jpg");
        var obama2 = Embed("obama2.jpg");
        var biden = Embed("biden.jpg");
        Assert.AreEqual(512, obama.Length);
        float same = EmbeddingDistance.Euclidean(obama, obama2), other = EmbeddingDistance.Euclidean(obama, biden);
        Console.WriteLine($"fr-feature: obama-obama2 {same:F4}, obama-biden {other:F4}, threshold {pipeline.Threshold:F2}");
        Assert.IsTrue(same < other, $"obama-obama2 {same} >= obama-biden {other}");
        Assert.IsTrue(same < pipeline.Threshold && other > pipeline.Threshold, $"the default threshold {pipeline.Threshold} decides both pairs right");
    }
}
