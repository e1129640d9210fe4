using System.Diagnostics;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.MLNet;
using FaceNetML.Pipeline;
using FaceNetML.Tests.Cli;
using FaceNetML.Tests.HostileInput;
using FaceNetML.Tests.Imaging;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.MLNet;

/// <summary>The ML.NET route computes what the CLI computes, and a saved chain carries every weight and setting.</summary>
[TestClass]
public sealed class OnePipelineTests
{
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private static IEstimator<ITransformer> Chain(MLContext ml, MtcnnOptions? detection = null) =>
        ml.Transforms.LoadFaceImages()
            .Append(ml.Transforms.DetectFaces(options: detection, store: TestModels.Store))
            .Append(ml.Transforms.AlignFaces(size: 112))
            .Append(ml.Transforms.FaceEmbed(store: TestModels.Store));

    /// <summary>obama.jpg stored sideways with EXIF orientation 6 (display = stored turned 90° clockwise).</summary>
    private static string ExifRotatedPhoto(string dir)
    {
        var upright = ImageDecoder.Decode(TestData.Photo("obama.jpg"));
        int w = upright.Width, h = upright.Height;
        var stored = new RgbImage(h, w);
        for (int b = 0; b < w; b++)
            for (int a = 0; a < h; a++)
            {
                // stored(a, b) = upright(w - 1 - b, a): turning stored 90° clockwise gives upright back.
                int s = (b * h + a) * 3, u = (a * w + (w - 1 - b)) * 3;
                stored.Pixels[s] = upright.Pixels[u];
                stored.Pixels[s + 1] = upright.Pixels[u + 1];
                stored.Pixels[s + 2] = upright.Pixels[u + 2];
            }
        var path = Path.Combine(dir, "obama-exif6.jpg");
        File.WriteAllBytes(path, ImageDecoderTests.WithExifOrientation(ImageEncoder.EncodeJpeg(stored, 95), 6));
        return path;
    }

    [TestMethod]
    public void MLNetAndCliEmbeddings_Agree_OnExifGrayMultiFaceAndAlphaPhotos()
    {
        var dir = TestData.TempDir("parity");
        var exif = ExifRotatedPhoto(dir);
        string[] files =
        [
            exif,
            TestData.DataPath("lfw-dev", "images", "Aaron_Sorkin", "Aaron_Sorkin_0001.jpg"),
            TestData.Photo("two_people.jpg"),
            TestData.DataPath("photos", "edge-cases", "32bit.png"),
        ];
        var decoded = ImageDecoder.Decode(exif);
        Assert.IsGreaterThan(decoded.Width, decoded.Height, "the EXIF photo decodes upright (portrait)");

        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var output = Chain(ml).Fit(data).Transform(data);
        var embeddings = output.GetColumn<float[]>("Embedding").ToArray();
        var found = output.GetColumn<bool>("FaceFound").ToArray();

        using var pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });
        for (int i = 0; i < files.Length; i++)
        {
            var cli = pipeline.EmbedFile(files[i]);
            Assert.IsTrue(cli.Ok && found[i], $"{files[i]}: a face on both routes");
            float cosine = EmbeddingDistance.CosineSimilarity(cli.Result!.Embedding, embeddings[i]);
            Assert.IsGreaterThan(0.9999f, cosine, $"{Path.GetFileName(files[i])}: ML.NET vs CLI cosine {cosine}");
        }
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void SavedChain_KeepsItsDetectorSettings_AndRunsInANewProcessWithoutModelStoreOrNpm()
    {
        var dir = TestData.TempDir("self-contained");
        // two_people.jpg at a eighth of its size: faces of about 20 by 25 px, found at min face 20 (and at 40: P-Net is tolerant), not at 60.
        var small = AffineWarp.Resize(ImageDecoder.Decode(TestData.Photo("two_people.jpg")), 141, 83);
        var smallPath = Path.Combine(dir, "small.png");
        ImageEncoder.SavePng(small, smallPath);
        var settings = new MtcnnOptions { MinFaceSize = 60, PNetThreshold = 0.65f, ONetThreshold = 0.8f };
        using var fitted = MtcnnDetector.CreateDefault(settings, TestModels.Store);
        using var defaults = MtcnnDetector.CreateDefault(null, TestModels.Store);
        int withSettings = fitted.Detect(small).Count, withDefaults = defaults.Detect(small).Count;
        Assert.AreNotEqual(withDefaults, withSettings, "the photo tells the settings apart");

        string[] files = [TestData.Photo("obama.jpg"), smallPath];
        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = Chain(ml, settings).Fit(data);
        var zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var inProcess = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();

        var fresh = new MLContext(seed: 2).RegisterFaceNetML();
        var loaded = fresh.Model.Load(zip, out _).Transform(fresh.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f })));
        CollectionAssert.AreEqual(new[] { 1, withSettings }, loaded.GetColumn<int>("FaceCount").ToArray(), "settings survive save and load");

        // A new process with an empty model store and no npm: everything comes from model.zip.
        var emptyStore = Directory.CreateDirectory(Path.Combine(dir, "empty-store")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var dotnet = new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(true)?.FullName ?? Process.GetCurrentProcess().MainModule!.FileName;
        var psi = CliRunner.StartInfo("embed", "--mlnet-model", zip, files[0], "--json");
        psi.FileName = dotnet;
        psi.Environment["FACENETML_MODELS"] = emptyStore;
        psi.Environment["PATH"] = bin;
        var run = CliRunner.Run(psi);
        Assert.AreEqual(0, run.ExitCode, run.Stderr);
        var embedding = run.Json.GetProperty("results")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.IsGreaterThan(0.99999f, EmbeddingDistance.CosineSimilarity(inProcess[0], embedding));
        Assert.IsEmpty(Directory.GetFileSystemEntries(emptyStore), "nothing was downloaded");
        Directory.Delete(dir, true);
    }

    private sealed class FoundRow
    {
        public bool FaceFound { get; set; }
        public float[] Embedding { get; set; } = [];
    }

    /// <summary>No face is one outcome on every door: a missing (NaN) embedding in ML.NET, exit 3 from a saved chain in
    /// the CLI (as from <c>embed</c>); the centre-crop fallback is the one option that embeds anyway.</summary>
    [TestMethod]
    public void NoFace_IsAMissingEmbedding_AndExit3FromASavedChain_UnlessTheCentreCropFallbackIsAsked()
    {
        var dir = TestData.TempDir("no-face-mlnet");
        var blank = Path.Combine(dir, "blank.png");
        ImageEncoder.SavePng(new RgbImage(200, 200), blank);
        string[] files = [TestData.Photo("obama.jpg"), blank];
        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = Chain(ml).Fit(data);
        var rows = ml.Data.CreateEnumerable<FoundRow>(model.Transform(data), reuseRowObject: false).ToList();
        Assert.IsTrue(rows[0].FaceFound);
        Assert.IsTrue(rows[0].Embedding.All(float.IsFinite));
        Assert.IsFalse(rows[1].FaceFound);
        Assert.HasCount(192, rows[1].Embedding);
        Assert.IsTrue(rows[1].Embedding.All(float.IsNaN), "no face: the missing value in every slot");

        var withFallback = ml.Transforms.LoadFaceImages()
            .Append(ml.Transforms.DetectFaces(store: TestModels.Store))
            .Append(ml.Transforms.AlignFaces(size: 112, centreCropWithoutFace: true))
            .Append(ml.Transforms.FaceEmbed(store: TestModels.Store)).Fit(data);
        var cropped = ml.Data.CreateEnumerable<FoundRow>(withFallback.Transform(data), reuseRowObject: false).ToList();
        Assert.IsFalse(cropped[1].FaceFound);
        Assert.IsTrue(cropped[1].Embedding.All(float.IsFinite), "the fallback embeds the centre crop");
        CollectionAssert.AreEqual(rows[0].Embedding, cropped[0].Embedding, "a face is embedded the same either way");

        var zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var run = CliRunner.Run("embed", "--mlnet-model", zip, blank, "--json");
        var json = CleanFailure.Assert(run, 3, "no face");
        var plain = CliRunner.Run("embed", blank, "--json");
        Assert.AreEqual(run.ExitCode, plain.ExitCode, "the saved chain and the built-in pipeline end the same way");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void SavedPayloads_ThatDoNotMatchTheirHashes_AreRefused()
    {
        var packed = Convert.ToBase64String([1, 2, 3, 4]);
        var detector = Assert.ThrowsExactly<BadInputException>(() =>
            DetectorColumns.Detector((new string('0', 64) + ":" + packed).AsMemory(), DetectorColumns.Settings(new MtcnnOptions())));
        StringAssert.Contains(detector.Message, "do not match their saved sha256");

        var model = TestModels.Store.Get("mobilefacenet");
        var bytes = File.ReadAllBytes(model.OnnxPath);
        bytes[^20] ^= 0x5A;
        var input = new FaceEmbedInput
        {
            Model = Convert.ToBase64String(bytes).AsMemory(),
            Manifest = (model.Manifest with { Notes = "a copy whose bytes were changed" }).ToJson().AsMemory(),
        };
        var embed = Assert.ThrowsExactly<BadInputException>(() => FaceEmbedColumns.Map(input, new FaceEmbed192Output()));
        StringAssert.Contains(embed.Message, "damaged or was edited");
    }

    [TestMethod]
    public void AlignFaces_AnyManifestSize_SurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        var data = ml.Data.LoadFromEnumerable(new[] { new PathRow { Path = TestData.Photo("obama.jpg") } });
        var model = ml.Transforms.LoadFaceImages().Append(ml.Transforms.DetectFaces(store: TestModels.Store))
            .Append(ml.Transforms.AlignFaces(size: 136)).Fit(data);
        var aligned = model.Transform(data).GetColumn<MLImage>("AlignedFace").Single();
        Assert.AreEqual((136, 136), (aligned.Width, aligned.Height));

        var dir = TestData.TempDir("align-any");
        var zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var fresh = new MLContext(seed: 2).RegisterFaceNetML();
        var again = fresh.Model.Load(zip, out _).Transform(data).GetColumn<MLImage>("AlignedFace").Single();
        Assert.AreEqual((136, 136), (again.Width, again.Height), "the size is saved with the model");
        Assert.IsTrue(aligned.Pixels.SequenceEqual(again.Pixels));
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void BenchMlNet_ReportsBothRoutesOnTheSameImages()
    {
        var r = CliRunner.Run("bench", "--mlnet", "--count", "12", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        Assert.AreEqual(12, r.Json.GetProperty("images").GetInt32());
        Assert.IsGreaterThan(0, r.Json.GetProperty("directImagesPerSecond").GetDouble());
        Assert.IsGreaterThan(0, r.Json.GetProperty("mlnetImagesPerSecond").GetDouble());
        Assert.IsGreaterThan(0, r.Json.GetProperty("ratio").GetDouble());
    }
}
