using System.Text.Json;
using FaceNetML.MLNet;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Server;
using FaceNetML.Tests.Cli;
using FaceNetML.Tests.Server;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Tests.MLNet;

/// <summary>
/// The three doors to identification — <c>facenetml identify</c>, the server's <c>/v1/identify</c> and the ML.NET
/// transform — give the same decisions on the same photos against the same gallery: the same person or unknown, the same
/// confidence and the same reason, with colour and grayscale gallery photos mixed.
/// </summary>
[TestClass]
public sealed class IdentifyDoorsTests
{
    private sealed record Decision(string Person, float Confidence, string Reason);

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    [TestMethod]
    public async Task CliServerAndMLNet_GiveTheSameDecisions()
    {
        var dir = TestData.TempDir("doors");
        var pipeline = ServerHost.Pipeline;
        // Colour photos of five people, and grayscale LFW photos of seven more.
        var gallery = Gallery.FromFolder(pipeline, TestData.DataPath("photos", "knn_examples", "train"));
        foreach (var p in Gallery.FromFolder(pipeline, TestData.DataPath("ytf-dev", "gallery")).People)
            gallery.AddPerson(p.Name, [.. p.Embeddings.Select((e, i) => (e, p.Sources[i], p.Grayscale[i]))]);
        Assert.IsTrue(gallery.HasGrayFaces);
        var galleryPath = Path.Combine(dir, "gallery.json");
        gallery.Save(galleryPath);
        var photos = new[] { "obama1.jpg", "alex_lacamoire1.jpg", "johnsnow_test1.jpg", "obama_and_biden.jpg", "kit_with_rose.jpg" }
            .Select(f => TestData.DataPath("photos", "knn_examples", "test", f)).Append(TestData.Photo("two_people.jpg")).ToList();

        var cli = photos.Select(p =>
        {
            var r = CliRunner.Run("identify", p, "--gallery", galleryPath, "--json");
            Assert.AreEqual(0, r.ExitCode, r.Stderr);
            return Decisions(r.Json);
        }).ToList();

        await using var server = await ServerHost.StartAsync(new FaceServerOptions { GalleryPath = galleryPath });
        using var http = ServerHost.Client(server);
        var web = new List<List<Decision>>();
        foreach (var p in photos)
        {
            var (status, body) = await ServerHost.Read(await http.PostAsync("/v1/identify", ServerHost.Form(("image", Path.GetFileName(p), File.ReadAllBytes(p)))));
            Assert.AreEqual(200, status, body.ToString());
            web.Add(Decisions(body));
        }

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(photos.Select(p => new PathRow { Path = p }));
        var output = ml.Transforms.LoadFaceImages().Append(ml.Transforms.IdentifyFacesInImages(Gallery.Load(galleryPath), pipeline)).Fit(data).Transform(data);
        var persons = Texts(output, "IdentifiedPersons");
        var confidences = output.GetColumn<VBuffer<float>>("IdentifiedConfidences").Select(v => v.DenseValues().ToArray()).ToList();
        var reasons = Texts(output, "IdentifiedReasons");

        int named = 0, unknown = 0;
        for (int i = 0; i < photos.Count; i++)
        {
            var mlNet = persons[i].Select((p, k) => new Decision(p, confidences[i][k], reasons[i][k])).ToList();
            string name = Path.GetFileName(photos[i]);
            Assert.HasCount(cli[i].Count, web[i], name);
            Assert.HasCount(cli[i].Count, mlNet, name);
            for (int k = 0; k < cli[i].Count; k++)
            {
                foreach (var other in new[] { web[i][k], mlNet[k] })
                {
                    Assert.AreEqual(cli[i][k].Person, other.Person, $"{name} face {k}");
                    Assert.AreEqual(cli[i][k].Reason, other.Reason, $"{name} face {k}");
                    Assert.AreEqual(cli[i][k].Confidence, other.Confidence, 1e-4f, $"{name} face {k}");
                }
                if (cli[i][k].Person != "") named++;
                else
                {
                    unknown++;
                    Assert.AreNotEqual("", cli[i][k].Reason, "an unknown face says why");
                }
            }
        }
        Assert.IsGreaterThan(2, named, "enrolled people are named");
        Assert.IsGreaterThan(0, unknown, "strangers are unknown");
        Directory.Delete(dir, true);
    }

    private static List<string[]> Texts(IDataView data, string column) =>
        data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => v.DenseValues().Select(t => t.ToString()).ToArray()).ToList();

    private static List<Decision> Decisions(JsonElement answer) => answer.GetProperty("faces").EnumerateArray().Select(f => new Decision(
        f.GetProperty("person").GetString() ?? "",
        f.GetProperty("confidence").GetSingle(),
        f.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "")).ToList();
}
