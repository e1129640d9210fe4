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
    public void Train_on_bad_data_gives_one_line_or_counts_the_faceless_images()
    {
        var dir = TestData.TempDir("train-bad");
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        string Out() => Path.Combine(dir, "out", "m.onnx");
        string[] Tiny(params string[] data) => ["train", "--data", .. data, "--width", "0.25", "--input-size", "64", "--epochs", "1",
            "--identities-per-batch", "2", "--cache", Path.Combine(dir, "cache"), "--out", Out(), "--json"];

        var none = CliRunner.Run(Tiny(empty));
        Assert.AreEqual(2, none.ExitCode, none.Stderr);
        Assert.AreEqual(2, none.Json.GetProperty("code").GetInt32(), none.Stdout);
        StringAssert.Contains(none.Json.GetProperty("error").GetString(), "2 identities");

        var one = Directory.CreateDirectory(Path.Combine(dir, "one", "person")).FullName;
        foreach (var f in Directory.GetFiles(Directory.GetDirectories(TestData.DataPath("celeba-train")).Order(StringComparer.Ordinal).First()).Take(3))
            File.CreateSymbolicLink(Path.Combine(one, Path.GetFileName(f)), f);
        var single = CliRunner.Run(Tiny(Path.GetDirectoryName(one)!));
        Assert.AreEqual(2, single.ExitCode, single.Stderr);
        StringAssert.Contains(single.Json.GetProperty("error").GetString(), "2 identities");

        // Two identities of plain grey pictures (no face) and one unreadable file: the run goes on with centre crops and counts them.
        var faceless = Path.Combine(dir, "faceless");
        foreach (var id in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(faceless, id));
            for (int i = 0; i < 2; i++)
            {
                var grey = new FaceNetML.Imaging.RgbImage(96, 96);
                Array.Fill(grey.Pixels, (byte)(100 + 40 * i));
                FaceNetML.Imaging.ImageEncoder.SaveJpeg(grey, Path.Combine(faceless, id, $"{i}.jpg"));
            }
        }
        File.WriteAllText(Path.Combine(faceless, "b", "broken.jpg"), "not a jpeg");
        var run = CliRunner.Run(Tiny(faceless));
        Assert.AreEqual(0, run.ExitCode, run.Stderr);
        Assert.AreEqual(5, run.Json.GetProperty("images").GetInt32());
        Assert.AreEqual(5, run.Json.GetProperty("imagesWithoutFace").GetInt32(), "grey pictures and the broken file became centre crops");
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
