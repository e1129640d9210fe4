using FaceNetML.MLNet;
using FaceNetML.Models;
using FaceNetML.Pipeline;
using FaceNetML.Verification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.MLNet;

/// <summary>The ML.NET form of the fusion handle gives the CLI's fused embeddings, also after save and load.</summary>
[TestClass]
public sealed class FusionChainTests
{
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    [TestMethod]
    public void FaceEmbedFusedMatchesThePipelineAndSurvivesSaveAndLoad()
    {
        string[] files = [TestData.Photo("obama.jpg"), TestData.Photo("biden.jpg"), TestData.Photo("obama2.jpg")];
        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = ml.Transforms.LoadFaceImages()
            .Append(ml.Transforms.DetectFaces(store: TestModels.Store))
            .Append(ml.Transforms.FaceEmbedFused(FaceModels.MobileFaceNetDlibResNet, store: TestModels.Store))
            .Fit(data);
        var embeddings = model.Transform(data).GetColumn<float[]>("Embedding").ToArray();

        var dir = TestData.TempDir("fused-chain");
        var zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var loaded = new MLContext(seed: 2).RegisterFaceNetML();
        var reloaded = loaded.Model.Load(zip, out _).Transform(loaded.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f })))
            .GetColumn<float[]>("Embedding").ToArray();

        using var pipeline = new FacePipeline(new FacePipelineOptions { Model = FaceModels.MobileFaceNetDlibResNet, Store = TestModels.Store });
        for (int i = 0; i < files.Length; i++)
        {
            var cli = pipeline.EmbedFile(files[i]);
            Assert.IsTrue(cli.Ok);
            Assert.AreEqual(320, embeddings[i].Length);
            float cosine = EmbeddingDistance.CosineSimilarity(cli.Result!.Embedding, embeddings[i]);
            Assert.IsGreaterThan(0.9999f, cosine, $"{Path.GetFileName(files[i])}: ML.NET vs CLI cosine {cosine}");
            CollectionAssert.AreEqual(embeddings[i], reloaded[i], "the saved chain keeps the weight");
        }
        Assert.ThrowsExactly<BadInputException>(() => ml.Transforms.FaceEmbed(model: FaceModels.MobileFaceNetDlibResNet, store: TestModels.Store));
        Directory.Delete(dir, true);
    }
}
