using FaceNetML.Recognition;
using FaceNetML.Server;

namespace FaceNetML.Tests.Server;

/// <summary>Thumbnail files stay inside their folder whatever the person's name or the upload's file name holds.</summary>
[TestClass]
public sealed class ThumbnailStoreTests
{
    private static readonly string[] Names =
    [
        "../../x", "..", ".", "a/b", "a\\b", "/etc/passwd", "C:\\x", new string('n', 5000), "Zoë Saldaña 張偉 🙂", "con", "x\0y", " ",
    ];

    [TestMethod]
    public void FilesStayInsideTheFolderWhateverTheNames()
    {
        var root = TestData.TempDir("thumbs-safety");
        var folder = Path.Combine(root, "data", "thumbnails");
        var store = new FileThumbnailStore(folder);
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xD9];
        foreach (var person in Names)
            foreach (var source in Names.Append("../../../photo.jpg"))
            {
                var id = FaceId.Of(source);
                var path = Path.GetFullPath(store.FilePath(person, id));
                StringAssert.StartsWith(path, Path.GetFullPath(folder) + Path.DirectorySeparatorChar, $"{person} / {source}");
                store.Put(person, id, jpeg);
                CollectionAssert.AreEqual(jpeg, store.Get(person, id));
            }
        // Nothing was written outside the folder, and every file inside is a thumbnail.
        var outside = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetFullPath(p).StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal) && p != Path.Combine(root, "data")).ToList();
        Assert.IsEmpty(outside, string.Join(", ", outside));
        Assert.AreEqual(Names.Length * (Names.Length + 1), Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories).Count());
        // A face id that is not one is never a path.
        Assert.IsNull(store.Get("x", "../../x"));
        Assert.ThrowsExactly<ArgumentException>(() => store.FilePath("x", "../0123456789abc"));
        foreach (var person in Names) store.RemovePerson(person);
        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(folder).ToList());
    }
}
