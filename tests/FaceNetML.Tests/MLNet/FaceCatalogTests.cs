using FaceNetML.MLNet;
using FaceNetML.Pipeline;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.MLNet;

[TestClass]
public sealed class FaceCatalogTests
{
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private static IEstimator<ITransformer> Chain(MLContext ml) =>
        ml.Transforms.LoadImages("Image", null, "Path")
            .Append(ml.Transforms.DetectFaces())
            .Append(ml.Transforms.AlignFaces(size: 112))
            .Append(ml.Transforms.FaceEmbed(model: FaceNetML.Models.FaceModels.MobileFaceNet));

    [TestMethod]
    public void DetectAlignEmbed_SurvivesSaveLoad_AndMatchesFacePipeline()
    {
        string[] files = [TestData.Photo("obama.jpg"), TestData.Photo("biden.jpg"), TestData.Photo("two_people.jpg")];
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = Chain(ml).Fit(data);
        var output = model.Transform(data);

        var embeddingType = output.Schema["Embedding"].Type as VectorDataViewType;
        Assert.IsNotNull(embeddingType);
        Assert.AreEqual(192, embeddingType.Size, "known-size vector");
        var embeddings = output.GetColumn<float[]>("Embedding").ToArray();
        var found = output.GetColumn<bool>("FaceFound").ToArray();
        var counts = output.GetColumn<int>("FaceCount").ToArray();
        CollectionAssert.AreEqual(new[] { true, true, true }, found);
        Assert.AreEqual(2, counts[2]);

        var dir = TestData.TempDir("mlnet-model");
        var path = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, path);

        var fresh = new MLContext(seed: 2).RegisterFaceNetML();
        var loaded = fresh.Model.Load(path, out var inputSchema);
        var again = loaded.Transform(fresh.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f })))
            .GetColumn<float[]>("Embedding").ToArray();
        for (int i = 0; i < files.Length; i++)
            CollectionAssert.AreEqual(embeddings[i], again[i], $"{files[i]}: loaded model differs");

        using var pipeline = new FacePipeline();
        for (int i = 0; i < files.Length; i++)
        {
            var reference = pipeline.EmbedFile(files[i]).Result!.Embedding;
            var cosine = EmbeddingDistance.CosineSimilarity(reference, embeddings[i]);
            Assert.IsTrue(cosine > 0.999f, $"{files[i]}: ML.NET vs FacePipeline cosine {cosine}");
            Assert.AreEqual(1f, EmbeddingDistance.Norm(embeddings[i]), 1e-4f);
        }
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void AlignFaces_RejectsUnsupportedSize()
    {
        var ml = new MLContext();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.AlignFaces(size: 8));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.AlignFaces(size: 2000));
    }
}
