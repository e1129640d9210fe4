using FaceNetML.Imaging;

namespace FaceNetML.Tests.Imaging;

[TestClass]
public class TensorPackerTests
{
    // 3 wide, 2 high; pixel (x, y) channel c holds 100*y + 10*x + c.
    private static RgbImage Sample()
    {
        var image = new RgbImage(3, 2);
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 3; x++)
        for (var c = 0; c < 3; c++)
            image.Pixels[(y * 3 + x) * 3 + c] = (byte)(100 * y + 10 * x + c);
        return image;
    }

    [TestMethod]
    public void PacksHwcNormalised()
    {
        var dest = new float[18];
        TensorPacker.Pack(Sample(), dest, mean: 127.5f, scale: 0.0078125f);
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 3; x++)
        for (var c = 0; c < 3; c++)
            Assert.AreEqual((100 * y + 10 * x + c - 127.5f) * 0.0078125f, dest[(y * 3 + x) * 3 + c], 1e-7f);
    }

    [TestMethod]
    public void PacksTransposedAsWhc()
    {
        var dest = new float[18];
        TensorPacker.Pack(Sample(), dest, mean: 0, scale: 1, transposed: true);
        // Element [x][y][c] at (x * H + y) * 3 + c.
        for (var x = 0; x < 3; x++)
        for (var y = 0; y < 2; y++)
        for (var c = 0; c < 3; c++)
            Assert.AreEqual(100 * y + 10 * x + c, dest[(x * 2 + y) * 3 + c]);
    }

    [TestMethod]
    public void TransposedSingleRowEqualsHwc()
    {
        var image = new RgbImage(4, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        float[] a = new float[12], b = new float[12];
        TensorPacker.Pack(image, a, 0, 1);
        TensorPacker.Pack(image, b, 0, 1, transposed: true);
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void WritesOnlyItsSlotAndRejectsShortDestination()
    {
        var dest = Enumerable.Repeat(-9f, 20).ToArray();
        TensorPacker.Pack(Sample(), dest.AsSpan(1, 18), 0, 2);
        Assert.AreEqual(-9f, dest[0]);
        Assert.AreEqual(-9f, dest[19]);
        Assert.AreEqual(2f * 1, dest[2]);
        Assert.ThrowsExactly<ArgumentException>(() => TensorPacker.Pack(Sample(), new float[17], 0, 1));
    }
}
