using FaceNetML.Detection;

namespace FaceNetML.Tests.Detection;

[TestClass]
public sealed class MtcnnOptionsTests
{
    [TestMethod]
    public void Defaults_AreThoseOfTheOriginal()
    {
        var o = new MtcnnOptions();
        Assert.AreEqual(20, o.MinFaceSize);
        Assert.AreEqual(0.709f, o.ScaleFactor);
        Assert.AreEqual((0.6f, 0.7f, 0.7f), (o.PNetThreshold, o.RNetThreshold, o.ONetThreshold));
        Assert.AreEqual((0.5f, 0.7f, 0.7f, 0.7f), (o.PNetScaleNmsThreshold, o.PNetNmsThreshold, o.RNetNmsThreshold, o.ONetNmsThreshold));
        Assert.AreEqual(1, o.IntraOpThreads);
        o.Validate();
    }

    [TestMethod]
    public void Validate_NamesTheBadSetting()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MtcnnOptions { MinFaceSize = 0 }.Validate());
        Assert.AreEqual("MinFaceSize", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MtcnnOptions { RNetThreshold = 1.5f }.Validate());
        Assert.AreEqual("RNetThreshold", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MtcnnOptions { ScaleFactor = 1f }.Validate());
        Assert.AreEqual("ScaleFactor", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MtcnnOptions { MaxBatch = 0 }.Validate());
        Assert.AreEqual("MaxBatch", e.ParamName);
    }
}
