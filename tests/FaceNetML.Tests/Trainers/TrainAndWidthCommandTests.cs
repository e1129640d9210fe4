using FaceNetML.Models;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Trainers;

[TestClass]
public sealed class TrainAndWidthCommandTests
{
    [TestMethod]
    public void Train_writes_an_onnx_model_with_manifest_usable_as_a_FaceModel()
    {
        var dir = TestData.TempDir("train-cli");
        var result = CliRunner.Run("train", "--data", TestData.DataPath("celeba-train"), "--max-identities", "3", "--width", "0.25",
            "--input-size", "64", "--epochs", "1", "--identities-per-batch", "3", "--teacher", "mobilefacenet",
            "--cache", Path.Combine(dir, "cache"), "--out", Path.Combine(dir, "model", "fast.onnx"), "--int8", "--json");
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        var json = result.Json;
        Assert.AreEqual(64, json.GetProperty("inputSize").GetInt32());
        Assert.AreEqual(3, json.GetProperty("identities").GetInt32());
        Assert.IsGreaterThan(0, json.GetProperty("steps").GetInt32());
        var model = FaceModels.FromFile(Path.Combine(dir, "model", "fast.onnx")).Resolve();
        Assert.AreEqual("embedding", model.Manifest.Kind);
        Assert.AreEqual(128, model.Manifest.EmbeddingSize);
        Assert.IsTrue(File.Exists(Path.Combine(dir, "model", "fast.onnx.checkpoints", "state.json")));
        var int8 = FaceModels.FromFile(json.GetProperty("int8Model").GetString()!).Resolve();
        Assert.AreEqual(Path.Combine(dir, "model-int8", "fast.onnx"), int8.OnnxPath);
        StringAssert.EndsWith(int8.Manifest.Name, "-int8");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void Bench_widths_lists_every_width_and_input_size()
    {
        var result = CliRunner.Run("bench", "--count", "2", "--widths", "--json");
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        var rows = result.Json.GetProperty("models").EnumerateArray().Where(m => m.GetProperty("name").GetString() == "fastfacenet").ToList();
        Assert.HasCount(24, rows);
        foreach (var precision in new[] { "float32", "int8" })
        {
            Assert.HasCount(12, rows.Where(r => r.GetProperty("precision").GetString() == precision));
            var w1 = rows.Single(r => r.GetProperty("width").GetDouble() == 1.0 && r.GetProperty("inputSize").GetInt32() == 224
                                      && r.GetProperty("precision").GetString() == precision);
            Assert.AreEqual(569, w1.GetProperty("mmacs").GetDouble(), 1.5);
            Assert.IsGreaterThan(0, w1.GetProperty("msPerFace").GetDouble());
        }
        Assert.IsTrue(rows.All(r => r.GetProperty("params").GetInt64() > 0));
    }
}
