using FaceNetML.Imaging;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>Folder walks: a folder that links to itself ends the walk, and bad files in it are warnings while the
/// good photos are clustered.</summary>
[TestClass]
public sealed class HostileFolderTests
{
    private static string LoopingFolder()
    {
        var root = TestData.TempDir("hostile-loop");
        var person = Directory.CreateDirectory(Path.Combine(root, "obama")).FullName;
        File.Copy(TestData.Photo("obama.jpg"), Path.Combine(person, "obama.jpg"));
        File.Copy(TestData.Photo("obama2.jpg"), Path.Combine(person, "obama2.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(person, "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(root, "self"), root);
        File.CreateSymbolicLink(Path.Combine(person, "zero.jpg"), "/dev/zero");
        File.Copy(HostileFiles.Path("notes.jpg"), Path.Combine(person, "notes.jpg"));
        return root;
    }

    [TestMethod]
    public void ImageFolderDoesNotEnterLinksToFoldersButKeepsLinksToFiles()
    {
        var root = LoopingFolder();
        var files = ImageFolder.Files(root).Select(f => Path.GetRelativePath(root, f)).ToList();
        CollectionAssert.AreEqual(new[] { "obama/notes.jpg", "obama/obama.jpg", "obama/obama2.jpg", "obama/zero.jpg" }, files);
    }

    [TestMethod]
    public void ClusterOverASelfLinkingFolderFinishesWithTheGoodPhotos()
    {
        var root = LoopingFolder();
        var r = CliRunner.Run("cluster", root, "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);
        var json = CleanFailure.Answer(r);
        var paths = json.GetProperty("clusters").EnumerateArray().SelectMany(c => c.GetProperty("paths").EnumerateArray()).Select(p => Path.GetFileName(p.GetString())).Order().ToList();
        CollectionAssert.AreEqual(new[] { "obama.jpg", "obama2.jpg" }, paths);
        StringAssert.Contains(r.Stderr, "zero.jpg: not a regular file");
        Assert.IsFalse(r.Stderr.Contains("   at "), r.Stderr);
    }

    [TestMethod]
    public void FileKindsTellsDevicesPipesFoldersAndFilesApartWithoutOpeningThem()
    {
        Assert.AreEqual(FileKind.CharacterDevice, FileKinds.Of("/dev/zero"));
        Assert.AreEqual(FileKind.CharacterDevice, FileKinds.Of(HostileFiles.Path("zero-link.jpg")), "links are followed");
        Assert.AreEqual(FileKind.Fifo, FileKinds.Of(HostileFiles.Path("pipe.jpg")));
        Assert.AreEqual(FileKind.Directory, FileKinds.Of(HostileFiles.Path("folder.jpg")));
        Assert.AreEqual(FileKind.Regular, FileKinds.Of(HostileFiles.Path("empty.jpg")));
        Assert.AreEqual(FileKind.Missing, FileKinds.Of(HostileFiles.Path("missing.jpg")));
    }
}
