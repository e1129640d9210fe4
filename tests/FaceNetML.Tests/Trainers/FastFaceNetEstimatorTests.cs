using System.Diagnostics;
using FaceNetML.MLNet;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.Trainers;

/// <summary>The ML.NET form of the Fast-FaceNet trainer: a tiny fit (θ = 0.25, 112 px, 4 CelebA identities x 6 images, one torch thread).</summary>
[TestClass]
public sealed class FastFaceNetEstimatorTests
{
    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class PathOnly
    {
        public string ImagePath { get; set; } = "";
    }

    private static List<Row> Rows()
    {
        var root = TestData.DataPath("celeba-train");
        return Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .Select(d => (Id: Path.GetFileName(d), Files: Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal).Take(6).ToList()))
            .Where(g => g.Files.Count == 6).Take(4)
            .SelectMany(g => g.Files.Select(f => new Row { ImagePath = f, Label = "id " + g.Id }))
            .ToList();
    }

    private static FastFaceNetOptions Tiny(int inputSize = 112) => new()
    {
        Width = 0.25, InputSize = inputSize, EmbeddingSize = 128, Epochs = 1, StepsPerEpoch = 4,
        IdentitiesPerBatch = 4, ImagesPerIdentity = 4, Threads = 1, Seed = 5,
    };

    [TestMethod]
    public void Fit_trains_exports_and_embeds_and_the_model_survives_save_and_load()
    {
        var watch = Stopwatch.StartNew();
        var work = TestData.TempDir("fastfacenet-estimator");
        try
        {
            var rows = Rows();
            Assert.HasCount(24, rows);
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            var estimator = ml.FaceRecognition().Trainers.FastFaceNet(new FastFaceNetEstimatorOptions
            {
                Training = Tiny(), OutputDirectory = Path.Combine(work, "model"), CacheDirectory = Path.Combine(work, "crops"),
                Parallelism = 2, Store = TestModels.Store,
            });
            var model = estimator.Fit(data);
            Assert.HasCount(4, model.History);
            Assert.AreEqual(4, model.Identities);
            Assert.AreEqual(24, model.Images);
            Assert.IsTrue(File.Exists(Path.Combine(work, "model", "model.onnx")));
            Assert.IsTrue(File.Exists(Path.Combine(work, "model", "manifest.json")));
            Assert.AreEqual(112, model.Model.Manifest.InputSize);

            var output = model.Transform(data);
            var type = output.Schema["Embedding"].Type as VectorDataViewType;
            Assert.IsNotNull(type);
            Assert.AreEqual(128, type.Size);
            var embeddings = output.GetColumn<float[]>("Embedding").ToArray();
            Assert.HasCount(24, embeddings);
            foreach (var e in embeddings)
            {
                Assert.HasCount(128, e);
                Assert.AreEqual(1f, EmbeddingDistance.Norm(e), 1e-4f);
            }
            Assert.IsGreaterThan(20, output.GetColumn<bool>("FaceFound").Count(f => f), "MTCNN finds the CelebA faces");

            var zip = Path.Combine(work, "model.zip");
            ml.Model.Save(model, data.Schema, zip);
            var fresh = new MLContext(seed: 2).RegisterFaceNetML();
            var loaded = fresh.Model.Load(zip, out _);
            var again = loaded.Transform(fresh.Data.LoadFromEnumerable(rows.Select(r => new PathOnly { ImagePath = r.ImagePath })))
                .GetColumn<float[]>("Embedding").ToArray();
            for (int i = 0; i < rows.Count; i++)
                CollectionAssert.AreEqual(embeddings[i], again[i], $"{rows[i].ImagePath}: loaded model differs");
            Console.WriteLine($"fit + embed + save/load: {watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    [TestMethod]
    public void Unsupported_input_size_is_rejected()
    {
        var ml = new MLContext();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.FaceRecognition().Trainers.FastFaceNet(Tiny(8)));
        StringAssert.Contains(e.Message, "16..1024");
        Assert.IsNotNull(ml.FaceRecognition().Trainers.FastFaceNet(Tiny(64)), "any size AlignFaces takes is accepted");
    }

    [TestMethod]
    public void A_missing_label_column_is_rejected()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable([new PathOnly { ImagePath = "x.jpg" }]);
        var estimator = ml.FaceRecognition().Trainers.FastFaceNet(Tiny());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
    }
}
