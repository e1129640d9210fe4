using FaceNetML.Models.TfJs;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.FastFaceNet.Initialisation;
using static TorchSharp.torch;

namespace FaceNetML.Tests.Trainers;

/// <summary>Shared by the backbone and int8 tests: 48 aligned 64 px CelebA crops (6 identities) and the face-detector weights, loaded once.</summary>
internal static class BackboneFixture
{
    private static readonly Lazy<FaceCropSet> LazyCrops = new(() =>
    {
        var cache = TestData.TempDir("backbone-crops");
        try
        {
            return AlignedCropCache.Load(TestData.DataPath("celeba-train"), new CropCacheOptions
            {
                Size = 64, MaxIdentities = 6, MaxImagesPerIdentity = 8, CacheDirectory = cache, Parallelism = 2,
                Teacher = FaceNetML.Models.FaceModels.MobileFaceNet, Store = TestModels.Store,
            });
        }
        finally
        {
            Directory.Delete(cache, true);
        }
    });

    private static readonly Lazy<IReadOnlyDictionary<string, TfjsTensor>> LazyWeights = new(() => FaceDetectorBackbone.Load(TestModels.Store));

    public static FaceCropSet Crops => LazyCrops.Value;
    public static IReadOnlyDictionary<string, TfjsTensor> Weights => LazyWeights.Value;

    /// <summary>The first <paramref name="n"/> crops as an NCHW batch normalised like training input.</summary>
    public static Tensor Batch(int n) => Crops.Batch(Enumerable.Range(0, n).ToArray());
}
