using FaceNetML.Imaging;
using FaceNetML.Trainers.FastFaceNet;

namespace FaceNetML.Tests.Trainers;

/// <summary>What the trainer reads: identity folders from several roots as one label space, unlabelled faces for
/// distillation, and a learning curve on a pairs file (tiny inputs: a few CelebA and LFW images, 64 px).</summary>
[TestClass]
public sealed class TrainingDataTests
{
    /// <summary>A folder of symbolic links to the first <paramref name="identities"/> identity folders of a shared root.</summary>
    private static string LinkIdentities(string root, int identities, string name)
    {
        var dir = TestData.TempDir(name);
        foreach (var id in Directory.GetDirectories(TestData.DataPath(root)).Order(StringComparer.Ordinal).Take(identities))
            Directory.CreateSymbolicLink(Path.Combine(dir, Path.GetFileName(id)), id);
        return dir;
    }

    [TestMethod]
    public void Several_roots_are_one_label_space_and_unlabelled_faces_feed_distillation()
    {
        var cache = TestData.TempDir("crops-multi");
        var a = LinkIdentities("celeba-train", 3, "root-a");
        var b = LinkIdentities("celeba-extra", 3, "root-b");
        var options = new CropCacheOptions
        {
            Size = 64, CacheDirectory = cache, Parallelism = 2, MaxImagesPerIdentity = 4,
            Teacher = FaceNetML.Models.FaceModels.MobileFaceNet, Store = TestModels.Store,
        };
        var set = AlignedCropCache.Load([a, b], options);
        var expected = Directory.GetDirectories(a).Concat(Directory.GetDirectories(b)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(expected, set.Identities.ToList(), "identities of both roots, one label space");
        Assert.AreEqual(6, set.Labels.Distinct().Count());
        Assert.IsTrue(set.Files.Any(f => f.StartsWith(b, StringComparison.Ordinal)), "files of the second root are in the set");

        var faces = TestData.TempDir("unlabelled");
        foreach (var f in Directory.GetFiles(TestData.DataPath("faces-unlabeled", "celeba")).Order(StringComparer.Ordinal).Take(10))
            File.CreateSymbolicLink(Path.Combine(faces, Path.GetFileName(f)), f);
        var unlabelled = AlignedCropCache.LoadUnlabelled([faces], options);
        Assert.AreEqual(10, unlabelled.Count);
        Assert.AreEqual(10, unlabelled.Identities.Count, "each unlabelled face is its own identity");
        Assert.AreEqual(192, unlabelled.Teacher![0].Length);

        var o = new FastFaceNetOptions
        {
            Width = 0.25, InputSize = 64, EmbeddingSize = 32, Epochs = 1, StepsPerEpoch = 2, IdentitiesPerBatch = 6, ImagesPerIdentity = 2,
            Threads = 1, Seed = 5, TripletWeight = 0, UnlabelledPerBatch = 8,
        };
        var with = new FastFaceNetTrainer(o).Train(set, unlabelled: unlabelled);
        var without = new FastFaceNetTrainer(o).Train(set);
        // Same seed, same labelled batch: only the 8 unlabelled faces added to the distillation loss differ.
        Assert.AreNotEqual(without.History[0].DistillationLoss, with.History[0].DistillationLoss, 1e-6f);
        Assert.IsTrue(with.History.All(s => float.IsFinite(s.Loss) && s.DistillationLoss > 0));
        with.Network.Dispose();
        without.Network.Dispose();
        foreach (var d in new[] { cache, a, b, faces }) Directory.Delete(d, true);
    }

    [TestMethod]
    public void Learning_curve_scores_a_network_on_pairs_and_writes_csv_and_png()
    {
        // Two folds of 2 same and 2 different pairs from lfw-dev's own pairs file.
        var lines = File.ReadAllLines(TestData.DataPath("lfw-dev", "pairs.txt")).Skip(1).ToList();
        var same = lines.Where(l => l.Split('\t', ' ').Length == 3).Take(4).ToList();
        var different = lines.Where(l => l.Split('\t', ' ').Length == 4).Take(4).ToList();
        var dir = TestData.TempDir("curve");
        var pairs = Path.Combine(dir, "pairs.txt");
        File.WriteAllLines(pairs, ["2\t2", .. same[..2], .. different[..2], .. same[2..], .. different[2..]]);
        var curve = new LearningCurve(pairs, new CropCacheOptions { Size = 64, CacheDirectory = dir, Parallelism = 2, Store = TestModels.Store },
            imagesDir: TestData.DataPath("lfw-dev", "images"));
        using var network = new FastFaceNetNetwork(0.25, 32, seed: 1);
        network.eval();
        var csv = Path.Combine(dir, "learning-curve.csv");
        var point = curve.Record(10, TimeSpan.FromSeconds(3), 0.5, network, csv);
        Assert.IsTrue(point.Accuracy is >= 0 and <= 1, $"accuracy {point.Accuracy}");
        var rows = File.ReadAllLines(csv);
        Assert.HasCount(2, rows);
        Assert.StartsWith("10,3,0.50000,", rows[1]);
        var png = ImageDecoder.Decode(Path.ChangeExtension(csv, ".png"));
        Assert.AreEqual(720, png.Width);
        Directory.Delete(dir, true);
    }
}
