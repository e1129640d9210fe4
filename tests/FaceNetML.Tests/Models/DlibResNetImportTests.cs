using System.Text.Json;
using FaceNetML.Cli;
using FaceNetML.Models;
using FaceNetML.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceNetML.Tests.Models;

/// <summary>
/// The <c>dlib-resnet</c> import (face-api's TF.js face descriptor written as ONNX in C#) computes what face-api
/// computes: reference outputs from TensorFlow.js's CPU backend (scripts/testvectors/dlib-resnet-vectors.js), and a
/// corrupted or truncated weight shard is refused.
/// </summary>
[TestClass]
public sealed class DlibResNetImportTests
{
    private const float Tolerance = 1e-4f;
    private static string Vectors => Path.Combine(TestData.RepoRoot, "tests", "FaceNetML.Tests", "Models", "Vectors");

    [TestMethod]
    public void OnnxMatchesTensorFlowJsReference()
    {
        var model = TestModels.Get("dlib-resnet");
        Assert.AreEqual(128, model.Manifest.EmbeddingSize);
        Assert.AreEqual(150, model.Manifest.InputSize);
        Assert.AreEqual("dlib", model.Manifest.Template);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors, "dlib-resnet.json")));
        var expected = doc.RootElement.GetProperty("outputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var pixels = File.ReadAllBytes(Path.Combine(Vectors, "dlib-resnet.input.u8"));
        int n = expected.Length;
        Assert.AreEqual(n * 150 * 150 * 3, pixels.Length);
        var input = Array.ConvertAll(pixels, b => (float)b);
        using var session = new InferenceSession(model.OnnxPath);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<float>(input, [n, 150, 150, 3]))]);
        var actual = results.First().AsTensor<float>().ToArray();
        Assert.AreEqual(n * 128, actual.Length);
        float maxError = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < 128; j++)
            maxError = Math.Max(maxError, Math.Abs(expected[i][j] - actual[i * 128 + j]));
        Console.WriteLine($"dlib-resnet vs TensorFlow.js: max abs error {maxError:E2} over {n} x 128 values");
        Assert.IsTrue(maxError <= Tolerance, $"max abs error {maxError} > {Tolerance}");
        // The three inputs give different descriptors (the test is not passing on a constant output).
        Assert.IsTrue(expected[0].Zip(expected[1]).Sum(p => Math.Abs(p.First - p.Second)) > 0.1f);
    }

    [TestMethod]
    public void ImportFromFolderMatchesTheStoredModelAndTemplateIsDlibs()
    {
        var store = TestModels.Store;
        var model = store.Get("dlib-resnet");
        var root = TestData.TempDir("store-faceapi");
        var copy = new ModelStore(root, _ => { }).Fetch(FaceApiPackage.ModelName, force: false, fromFolder: store.KeptFolder(FaceApiPackage.ModelName)!);
        Assert.AreEqual(ModelStore.Sha256(model.OnnxPath), ModelStore.Sha256(copy.OnnxPath));
        var t = FaceNetML.Alignment.FaceTemplate.For("dlib", 150);
        Assert.AreEqual(47.55f, t.Points[0].X, 0.01f);
        Assert.AreEqual(46.60f, t.Points[0].Y, 0.01f);
        Assert.AreEqual(97.61f, t.Points[4].X, 0.01f);
        Directory.Delete(root, true);
    }

    [TestMethod]
    public void TruncatedOrCorruptedShardIsRefused()
    {
        var source = TestModels.Store;
        source.Get("dlib-resnet");
        foreach (var damage in new Func<byte[], byte[]>[] { b => b[..(b.Length / 2)], b => { var c = (byte[])b.Clone(); c[1000] ^= 0x40; return c; } })
        {
            var folder = TestData.TempDir("faceapi-bad");
            foreach (var file in FaceApiPackage.Sha256.Keys)
            {
                var bytes = File.ReadAllBytes(Path.Combine(source.KeptFolder(FaceApiPackage.ModelName)!, file));
                File.WriteAllBytes(Path.Combine(folder, file), file == FaceApiPackage.ShardFile ? damage(bytes) : bytes);
            }
            var root = TestData.TempDir("store-bad");
            var error = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(root, _ => { }).Fetch(FaceApiPackage.ModelName, force: false, fromFolder: folder));
            StringAssert.Contains(error.Message, "refusing a corrupted");
            Assert.IsFalse(error.Message.Contains('\n'));
            Assert.IsFalse(Directory.Exists(Path.Combine(root, "dlib-resnet")), "nothing is installed");

            // The same through the CLI: one line on stderr, exit 2.
            var start = CliRunner.StartInfo("models", "fetch", "--from", folder);
            start.Environment[ModelStore.EnvironmentVariable] = root;
            var result = CliRunner.Run(start);
            Assert.AreEqual(ExitCodes.BadInput, result.ExitCode, result.Stderr);
            Assert.AreEqual(1, result.Stderr.Trim().Split('\n').Length, result.Stderr);
            StringAssert.Contains(result.Stderr, "face_recognition_model.bin");
            Assert.IsFalse(Directory.Exists(Path.Combine(root, "dlib-resnet")));

            // A damaged copy kept in the store's own folder is refused too.
            var kept = TestData.TempDir("store-kept");
            new ModelStore(kept, _ => { }).Fetch(FaceApiPackage.ModelName, force: false, fromFolder: source.KeptFolder(FaceApiPackage.ModelName)!);
            Directory.Delete(Path.Combine(kept, "dlib-resnet"), true);
            File.Copy(Path.Combine(folder, FaceApiPackage.ShardFile), Path.Combine(kept, "_faceapi", FaceApiPackage.ShardFile), overwrite: true);
            var keptError = Assert.ThrowsExactly<BadInputException>(() => new ModelStore(kept, _ => { }).Get("dlib-resnet"));
            StringAssert.Contains(keptError.Message, "fetch --force");
            foreach (var d in new[] { folder, root, kept }) Directory.Delete(d, true);
        }
    }
}
