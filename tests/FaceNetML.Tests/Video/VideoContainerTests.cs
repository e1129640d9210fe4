using System.Text;
using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>The container check of uploaded videos: real clips are videos; photos, text and HEIF pictures are not.</summary>
[TestClass]
public sealed class VideoContainerTests
{
    [TestMethod]
    public void RealClipsAreMp4_PhotosAndTextAreNotVideos()
    {
        foreach (var clip in Directory.GetFiles(TestData.DataPath("ytf-dev"), "*.mp4"))
            Assert.AreEqual("mp4", VideoContainer.Recognise(clip), clip);
        foreach (var photo in new[] { "obama.jpg", "lin-manuel-miranda.png", "two_people.jpg" })
            Assert.IsNull(VideoContainer.Recognise(TestData.Photo(photo)), photo);
        Assert.IsNull(VideoContainer.Recognise("this is not a video\n"u8));
        Assert.IsNull(VideoContainer.Recognise([]));
    }

    [TestMethod]
    public void HeifPicturesAreRefused_OtherContainersAreKnown()
    {
        static byte[] Box(string type, string brand) => [0, 0, 0, 24, .. Encoding.ASCII.GetBytes(type), .. Encoding.ASCII.GetBytes(brand), 0, 0, 0, 0];
        Assert.IsNull(VideoContainer.Recognise(Box("ftyp", "heic")));
        Assert.IsNull(VideoContainer.Recognise(Box("ftyp", "avif")));
        Assert.AreEqual("mp4", VideoContainer.Recognise(Box("ftyp", "isom")));
        Assert.AreEqual("mov", VideoContainer.Recognise(Box("moov", "mvhd")));
        Assert.AreEqual("matroska", VideoContainer.Recognise([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81]));
        Assert.AreEqual("avi", VideoContainer.Recognise("RIFF\0\0\0\0AVI LIST"u8));
        var ts = new byte[3 * 188];
        ts[0] = ts[188] = ts[376] = 0x47;
        Assert.AreEqual("mpegts", VideoContainer.Recognise(ts));
    }
}
