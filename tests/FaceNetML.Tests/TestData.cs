namespace FaceNetML.Tests;

/// <summary>
/// Locates the shared data sets (never copied into the repository). <c>FACENETML_DATA</c> overrides the
/// default <c>../shared/data</c> beside the repository root. Missing data fails the test: CI always has it.
/// </summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DataRoot
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("FACENETML_DATA");
            if (string.IsNullOrWhiteSpace(dir))
                dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            if (!Directory.Exists(dir))
                Assert.Fail($"shared data not found at {dir}; set FACENETML_DATA to the folder holding lfw-dev, photos, ...");
            return dir;
        }
    }

    /// <summary>The folder of TFLite reference outputs (<c>../shared/testvectors/tflite</c>).</summary>
    public static string TfLiteVectors => Existing(Path.Combine(DataRoot, "..", "testvectors", "tflite"));

    public static string DataPath(params string[] parts) => Existing(Path.Combine([DataRoot, .. parts]));

    public static string Photo(string name) => DataPath("photos", name);

    private static string Existing(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"test data missing: {path}");
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceNetML.sln")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find FaceNetML.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh empty folder under the test output, removed by the caller if it wants.</summary>
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "facenetml-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
