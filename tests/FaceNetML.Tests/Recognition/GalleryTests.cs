using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Tests.Recognition;

[TestClass]
public sealed class GalleryTests
{
    private static FacePipeline _pipeline = null!;

    [ClassInitialize]
    public static void Init(TestContext _) => _pipeline = new FacePipeline(new FacePipelineOptions { Store = TestModels.Store });

    [ClassCleanup]
    public static void Cleanup() => _pipeline?.Dispose();

    private static FaceProbe EmbedLargest(string path) => FaceProbe.From(_pipeline.EmbedPrimary(ImageDecoder.Decode(path))!);

    [TestMethod]
    public void Identify_PhotosNotInTheGallery_NamesTheRightPersonAndRejectsStrangers()
    {
        var gallery = Gallery.FromFolder(_pipeline, TestData.DataPath("photos", "knn_examples", "train"));
        Assert.HasCount(5, gallery.People);
        Assert.AreEqual(9, gallery.EmbeddingCount, string.Join("; ", gallery.Warnings));
        Assert.AreEqual(_pipeline.Threshold, gallery.Threshold);

        var obama = gallery.Identify(EmbedLargest(TestData.DataPath("photos", "knn_examples", "test", "obama1.jpg")));
        Assert.AreEqual("obama", obama.Person, $"distance {obama.Distance}");
        var alex = gallery.Identify(EmbedLargest(TestData.DataPath("photos", "knn_examples", "test", "alex_lacamoire1.jpg")));
        Assert.AreEqual("alex_lacamoire", alex.Person, $"distance {alex.Distance}");
        var kit = gallery.Identify(EmbedLargest(TestData.DataPath("photos", "knn_examples", "test", "johnsnow_test1.jpg")));
        Assert.AreEqual("kit_harington", kit.Person, $"distance {kit.Distance}");

        Assert.IsGreaterThanOrEqualTo(gallery.Rule.Threshold, obama.Confidence);
        Assert.AreNotEqual("obama", obama.SecondNearest);

        // Lin-Manuel Miranda is not enrolled: unknown, although some enrolled person is still the nearest.
        var stranger = gallery.Identify(EmbedLargest(TestData.Photo("lin-manuel-miranda.png")));
        Assert.IsNull(stranger.Person, $"nearest {stranger.Nearest} at {stranger.Distance}, confidence {stranger.Confidence}");
        Assert.IsNotNull(stranger.Nearest);
        Assert.IsLessThan(gallery.Rule.Threshold, stranger.Confidence);
        Assert.IsTrue(gallery.Rule.Calibrated, "MobileFaceNet ships a calibrated rule");
    }

    [TestMethod]
    public void FromFolder_GrayscaleLfwPhotos_EnrolsEveryoneAndIdentifiesTheirOwnPhotos()
    {
        var folder = TestData.DataPath("ytf-dev", "gallery");
        var gallery = Gallery.FromFolder(_pipeline, folder);
        Assert.HasCount(7, gallery.People, string.Join("; ", gallery.Warnings));
        Assert.AreEqual(2, gallery["Alberto_Ruiz_Gallardon"]!.Embeddings.Count);
        CollectionAssert.AreEqual(gallery.People.Select(p => p.Name).Order(StringComparer.Ordinal).ToList(), gallery.People.Select(p => p.Name).ToList());
        foreach (var person in gallery.People)
            foreach (var source in person.Sources)
            {
                // Enrolment embeds the face and its mirror image together: the photo itself lies near, not on, it.
                var id = gallery.Identify(EmbedLargest(source));
                Assert.AreEqual(person.Name, id.Person, source);
                Assert.IsLessThan(0.6f, id.Distance, source);
            }
    }

    [TestMethod]
    public void SaveLoad_RoundTripsEmbeddingsAndAnswers()
    {
        var gallery = new Gallery("m", 1.1f);
        gallery.Add("a", [1, 0, 0], "a1.jpg");
        gallery.Add("a", [0, 1, 0], "a2.jpg");
        gallery.Add("b", [0, 0, 2], "b1.jpg"); // normalised on the way in
        var dir = TestData.TempDir("gallery");
        var path = Path.Combine(dir, "gallery.json");
        gallery.Save(path);
        var back = Gallery.Load(path);
        Assert.AreEqual("m", back.Model);
        Assert.AreEqual(1.1f, back.Threshold);
        CollectionAssert.AreEqual(new[] { "a", "b" }, back.People.Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "a1.jpg", "a2.jpg" }, back["a"]!.Sources.ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 0, 1 }, back["b"]!.Embeddings[0]);

        // Nearest embedding wins: (0.1, 1, 0) is near a's second photo.
        var id = back.Identify(new float[] { 0.1f, 1, 0 }.Select(v => v / MathF.Sqrt(1.01f)).ToArray());
        Assert.AreEqual("a", id.Person);
        Assert.IsLessThan(0.2f, id.Distance);
        // Equidistant from everything at sqrt(2) > threshold: unknown.
        var far = back.Identify(new float[] { 1, 1, 1 }.Select(v => -v / MathF.Sqrt(3)).ToArray());
        Assert.IsNull(far.Person);
        // Opening the folder holding only gallery.json loads it.
        Assert.HasCount(2, Gallery.Open(null!, dir).People);
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void Load_MalformedFile_IsBadInput()
    {
        var dir = TestData.TempDir("gallery-bad");
        var path = Path.Combine(dir, "gallery.json");
        File.WriteAllText(path, "{ not json");
        var e = Assert.ThrowsExactly<BadInputException>(() => Gallery.Load(path));
        StringAssert.Contains(e.Message, "not a gallery JSON file");
        Assert.ThrowsExactly<BadInputException>(() => Gallery.FromFolder(_pipeline, Path.Combine(dir, "missing")));
        Directory.Delete(dir, true);
    }
}
