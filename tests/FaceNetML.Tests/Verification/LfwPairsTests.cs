using FaceNetML.Verification;

namespace FaceNetML.Tests.Verification;

[TestClass]
public sealed class LfwPairsTests
{
    [TestMethod]
    public void DevPairsFile_HasFiveFoldsOf600AndAllImages()
    {
        var pairs = LfwPairs.Load(TestData.DataPath("lfw-dev", "pairs.txt"), TestData.DataPath("lfw-dev", "images"));

        Assert.AreEqual(5, pairs.Folds);
        Assert.AreEqual(300, pairs.PairsPerFold);
        Assert.AreEqual(3000, pairs.Count);
        Assert.AreEqual(1500, pairs.Pairs.Count(p => p.Same));
        for (var fold = 0; fold < 5; fold++)
        {
            Assert.AreEqual(300, pairs.Pairs.Count(p => p.Fold == fold && p.Same));
            Assert.AreEqual(300, pairs.Pairs.Count(p => p.Fold == fold && !p.Same));
        }
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, pairs.FoldIds().Distinct().ToArray());
        Assert.AreEqual(3811, pairs.ImagePaths().Count);
        var missing = pairs.MissingImages();
        Assert.AreEqual(0, missing.Count, "missing: " + string.Join(", ", missing.Take(5)));

        // First line after the header: "Abel_Pacheco 1 4".
        var first = pairs.Pairs[0];
        Assert.IsTrue(first.Same);
        Assert.AreEqual(Path.Combine(pairs.ImagesDir, "Abel_Pacheco", "Abel_Pacheco_0001.jpg"), first.PathA);
        Assert.AreEqual(Path.Combine(pairs.ImagesDir, "Abel_Pacheco", "Abel_Pacheco_0004.jpg"), first.PathB);
    }

    [TestMethod]
    public void DefaultImagesDir_IsBesideThePairsFile()
    {
        var file = TestData.DataPath("lfw-dev", "pairs.txt");
        var pairs = LfwPairs.Load(file);
        Assert.AreEqual(TestData.DataPath("lfw-dev", "images"), pairs.ImagesDir);
    }

    [TestMethod]
    public void Parse_TwoNumberHeader_AnyFoldCount()
    {
        var text = "3 1\nA 1 2\nB 1 C 12\nD\t3\t4\nE 2 F 1\nG 10 11\nH 1 I 1234\n";
        var pairs = LfwPairs.Parse(new StringReader(text), "/img");

        Assert.AreEqual(3, pairs.Folds);
        Assert.AreEqual(1, pairs.PairsPerFold);
        CollectionAssert.AreEqual(new[] { true, false, true, false, true, false }, pairs.Labels());
        CollectionAssert.AreEqual(new[] { 0, 0, 1, 1, 2, 2 }, pairs.FoldIds());
        Assert.AreEqual(Path.Combine("/img", "B", "B_0001.jpg"), pairs.Pairs[1].PathA);
        Assert.AreEqual(Path.Combine("/img", "C", "C_0012.jpg"), pairs.Pairs[1].PathB);
        Assert.AreEqual(Path.Combine("/img", "D", "D_0004.jpg"), pairs.Pairs[2].PathB);
        Assert.AreEqual(Path.Combine("/img", "I", "I_1234.jpg"), pairs.Pairs[5].PathB);
    }

    [TestMethod]
    public void Parse_SingleNumberHeader_MeansTenFolds()
    {
        var lines = new List<string> { "1" };
        for (var f = 0; f < 10; f++)
        {
            lines.Add($"P{f} 1 2");
            lines.Add($"P{f} 1 Q{f} 1");
        }
        var pairs = LfwPairs.Parse(new StringReader(string.Join("\r\n", lines) + "\r\n\r\n"), "/img");

        Assert.AreEqual(10, pairs.Folds);
        Assert.AreEqual(20, pairs.Count);
        Assert.AreEqual(9, pairs.Pairs[^1].Fold);
        Assert.IsFalse(pairs.Pairs[^1].Same);
    }

    [TestMethod]
    public void MissingImages_ListsAbsentFiles()
    {
        var dir = TestData.TempDir("lfw-missing");
        Directory.CreateDirectory(Path.Combine(dir, "A"));
        File.WriteAllBytes(Path.Combine(dir, "A", "A_0001.jpg"), [1]);
        var pairs = LfwPairs.Parse(new StringReader("1 1\nA 1 2\nA 1 B 3\n"), dir);

        CollectionAssert.AreEqual(
            new[] { Path.Combine(dir, "A", "A_0002.jpg"), Path.Combine(dir, "B", "B_0003.jpg") },
            pairs.MissingImages().ToArray());
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    [DataRow("2 1\nA 1 2\nB 1 C 2\nD 1 2 3\nE 1 F 2\n", 4, "same-person pair")]
    [DataRow("2 1\nA 1 2\nB 1 C\nD 1 2\nE 1 F 2\n", 3, "different-person pair")]
    [DataRow("2 1\nA 1 x\nB 1 C 2\n", 2, "'x'")]
    [DataRow("2 1\nA 1 2\nB 0 C 2\n", 3, "'0'")]
    [DataRow("2 1\nA 1 2\nB 1 C -2\n", 3, "'-2'")]
    [DataRow("2 1\nA 1 2\nB 1 C 2\nD 1 2\n", 4, "header promises 4")]
    [DataRow("1 1\nA 1 2\nB 1 C 2\nD 1 2\n", 4, "extra line")]
    [DataRow("two 300\n", 1, "fold count")]
    [DataRow("5 300 7\n", 1, "header")]
    [DataRow("\n\n0 3\n", 3, "fold count")]
    [DataRow("50000 50000\nA 1 2\n", 1, "promises 5,000,000,000 pairs")]
    public void MalformedFile_ThrowsBadInputWithLineNumber(string text, int line, string fragment)
    {
        var dir = TestData.TempDir("lfw-bad");
        var file = Path.Combine(dir, "pairs.txt");
        File.WriteAllText(file, text);

        var e = Assert.ThrowsExactly<BadInputException>(() => LfwPairs.Load(file));

        StringAssert.Contains(e.Message, file);
        StringAssert.Contains(e.Message, $"line {line}:");
        StringAssert.Contains(e.Message, fragment);
        Assert.IsFalse(e.Message.Contains('\n'), e.Message);
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void EmptyOrMissingFile_ThrowsBadInput()
    {
        var dir = TestData.TempDir("lfw-empty");
        var empty = Path.Combine(dir, "pairs.txt");
        File.WriteAllText(empty, "  \n");

        StringAssert.Contains(Assert.ThrowsExactly<BadInputException>(() => LfwPairs.Load(empty)).Message, "empty");
        StringAssert.Contains(
            Assert.ThrowsExactly<BadInputException>(() => LfwPairs.Load(Path.Combine(dir, "nope.txt"))).Message, "not found");
        Directory.Delete(dir, recursive: true);
    }
}
