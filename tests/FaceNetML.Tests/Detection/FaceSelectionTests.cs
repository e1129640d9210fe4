using System.Drawing;
using FaceNetML.Detection;

namespace FaceNetML.Tests.Detection;

[TestClass]
public sealed class FaceSelectionTests
{
    private static DetectedFace Face(float x, float y, float size) => new(new RectangleF(x, y, size, size), 0.99f, null);

    [TestMethod]
    public void Primary_PrefersCentredFaceOverLargerOffCentreOne()
    {
        var centred = Face(75, 75, 100);    // centre (125, 125) = image centre, value 10000
        var corner = Face(0, 0, 110);       // area 12100, centre (55, 55): 12100 - 2 * 9800 < 0
        Assert.AreSame(centred, FaceSelection.Primary([corner, centred], 250, 250));
        Assert.AreSame(corner, FaceSelection.Largest([centred, corner]));
    }

    [TestMethod]
    public void Primary_LargerWinsWhenBothNearCentre()
    {
        var small = Face(115, 115, 20);
        var big = Face(70, 70, 100);   // centre (120, 120): 10000 - 2 * 50
        Assert.AreSame(big, FaceSelection.Primary([small, big], 250, 250));
    }

    [TestMethod]
    public void Primary_UsesImageCentreOfNonSquareImages()
    {
        var left = Face(0, 40, 20);
        var middle = Face(190, 40, 20); // centre (200, 50) = centre of a 400 x 100 image
        Assert.AreSame(middle, FaceSelection.Primary([left, middle], 400, 100));
    }

    [TestMethod]
    public void EmptyListGivesNull()
    {
        Assert.IsNull(FaceSelection.Primary([], 100, 100));
        Assert.IsNull(FaceSelection.Largest([]));
    }
}
