using FaceNetML.Video;

namespace FaceNetML.Tests.Video;

/// <summary>What a stream may be: network URLs of the listed schemes, files only where allowed, names safe as paths.</summary>
[TestClass]
public sealed class StreamSourceTests
{
    [TestMethod]
    [DataRow("rtsp://10.0.0.7:554/stream1")]
    [DataRow("RTSPS://camera.example/live")]
    [DataRow("udp://127.0.0.1:5000?overrun_nonfatal=1")]
    [DataRow("rtp://239.0.0.1:5004")]
    [DataRow("srt://127.0.0.1:9000?mode=caller")]
    [DataRow("http://127.0.0.1:8000/live.ts")]
    [DataRow("https://example.com/cam.m3u8")]
    public void NetworkUrls_AreTakenAsWritten(string url)
    {
        var source = StreamSource.Parse(url, allowFiles: false);
        Assert.AreEqual(url, source.Input);
        Assert.IsFalse(source.IsFile);
    }

    [TestMethod]
    [DataRow("ftp://example.com/video.mp4", "unsupported stream scheme 'ftp'")]
    [DataRow("javascript:alert(1)", "unsupported stream scheme 'javascript'")]
    [DataRow("concat:a.mp4|b.mp4", "unsupported stream scheme 'concat'")]
    [DataRow("udp://", "not a valid udp URL")]
    [DataRow("", "needs a URL")]
    [DataRow("udp://127.0.0.1:5000\n-i x", "control characters")]
    public void OtherInput_IsRefusedInOneLine(string url, string phrase)
    {
        var e = Assert.ThrowsExactly<BadInputException>(() => StreamSource.Parse(url, allowFiles: true));
        StringAssert.Contains(e.Message, phrase);
        Assert.IsFalse(e.Message.Contains('\n'), e.Message);
    }

    [TestMethod]
    public void Files_OnlyWhereAllowed_AndPlayedInRealTime()
    {
        var clip = TestData.DataPath("ytf-dev", "Aaron_Guiel_5.mp4");
        foreach (var given in new[] { clip, new Uri(clip).AbsoluteUri })
        {
            var e = Assert.ThrowsExactly<BadInputException>(() => StreamSource.Parse(given, allowFiles: false));
            StringAssert.Contains(e.Message, "local files are not allowed");
            var source = StreamSource.Parse(given, allowFiles: true);
            Assert.IsTrue(source.IsFile);
            Assert.AreEqual(clip, source.Input);
        }
        var missing = Assert.ThrowsExactly<VideoException>(() => StreamSource.Parse(clip + ".nope", allowFiles: true));
        StringAssert.Contains(missing.Message, "file not found");
    }

    [TestMethod]
    public void Passwords_AreHiddenFromListingsAndLogs()
    {
        Assert.AreEqual("rtsp://admin:***@10.0.0.7/stream1", StreamSource.Parse("rtsp://admin:s3cret@10.0.0.7/stream1", false).Display);
        Assert.AreEqual("rtsp://admin@10.0.0.7/s", StreamSource.Redact("rtsp://admin@10.0.0.7/s"));
        Assert.AreEqual("udp://127.0.0.1:5000?a=b@c:d", StreamSource.Redact("udp://127.0.0.1:5000?a=b@c:d"));
    }

    [TestMethod]
    [DataRow("cam-1")]
    [DataRow("Hall_2.east")]
    public void GoodNames_AreKept(string name) => Assert.AreEqual(name, StreamWatcherOptions.CheckName(name));

    [TestMethod]
    [DataRow("")]
    [DataRow("..")]
    [DataRow("a/b")]
    [DataRow("hall cam")]
    [DataRow("caméra")]
    public void NamesThatCannotBeAPathOrUrlSegment_AreRefused(string name) =>
        Assert.ThrowsExactly<BadInputException>(() => StreamWatcherOptions.CheckName(name));
}
