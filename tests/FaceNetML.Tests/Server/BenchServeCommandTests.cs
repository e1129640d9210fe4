using System.Text.Json;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Server;

/// <summary><c>facenetml bench serve</c> as a process: a real server under identify load while a real video job runs.</summary>
[TestClass]
public sealed class BenchServeCommandTests
{
    [TestMethod]
    public void BenchServe_IdentifyLoadBesideAVideoJob_AnswersEveryRequestAndFinishesTheJob()
    {
        var r = CliRunner.Run("bench", "serve", "--requests", "16", "--concurrency", "8", "--video", VideoJobClient.ClipPath(), "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr + r.Stdout);
        var json = r.Json;
        Assert.AreEqual("identify", json.GetProperty("endpoint").GetString());
        int sent = json.GetProperty("requests").GetInt32();
        Assert.IsGreaterThanOrEqualTo(16, sent);
        Assert.AreEqual(8, json.GetProperty("concurrency").GetInt32());
        Assert.AreEqual(0, json.GetProperty("errors5xx").GetInt32());
        var statuses = json.GetProperty("statuses").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        CollectionAssert.AreEquivalent(new[] { "200" }, statuses.Keys.ToArray(), json.GetProperty("statuses").ToString());
        Assert.AreEqual(sent, statuses["200"]);

        // The people enrolled before the load are named in the photo, and the clip's person was enrolled for the job.
        var enrolled = json.GetProperty("enrolled").EnumerateArray().Select(e => e.GetString()).ToList();
        CollectionAssert.Contains(enrolled, VideoJobClient.Person);
        var named = json.GetProperty("named").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.IsNotEmpty(named);
        CollectionAssert.IsSubsetOf(named, enrolled);

        var video = json.GetProperty("video");
        Assert.AreEqual(VideoJobClient.Clip, video.GetProperty("clip").GetString());
        Assert.AreEqual("done", video.GetProperty("status").GetString(), video.ToString());
        Assert.AreEqual(132, video.GetProperty("frames").GetInt32());
        Assert.IsGreaterThan(0, video.GetProperty("fps").GetDouble());
        Assert.IsGreaterThan(0, video.GetProperty("wallSeconds").GetDouble());
        // The first requests start while the job is queued or running.
        int during = json.GetProperty("requestsDuringVideo").GetInt32();
        Assert.IsTrue(during >= 1 && during <= sent, $"{during} of {sent}");
        Assert.AreEqual(JsonValueKind.Number, json.GetProperty("p99DuringVideoMs").ValueKind);

        foreach (var field in new[] { "seconds", "requestsPerSecond", "p50Ms", "p99Ms", "rssAfterWarmUpMb", "rssAfterRunMb", "rssSettledMb", "rssGrowthMb" })
            Assert.AreEqual(JsonValueKind.Number, json.GetProperty(field).ValueKind, field);
        Assert.IsLessThanOrEqualTo(json.GetProperty("p99Ms").GetDouble(), json.GetProperty("p50Ms").GetDouble());
        Assert.AreEqual(
            Math.Round(json.GetProperty("rssSettledMb").GetDouble() - json.GetProperty("rssAfterWarmUpMb").GetDouble(), 1),
            json.GetProperty("rssGrowthMb").GetDouble(), 0.11);
    }

    [TestMethod]
    public void BenchServe_RefusesAMissingClipAndAnUnknownEndpoint_InOneObject()
    {
        var missing = CliRunner.Run("bench", "serve", "--video", "/nonexistent/clip.mp4", "--json");
        Assert.AreEqual(2, missing.ExitCode, missing.Stderr);
        StringAssert.Contains(missing.Json.GetProperty("error").GetString(), "/nonexistent/clip.mp4: video not found");
        var endpoint = CliRunner.Run("bench", "serve", "--endpoint", "detect", "--json");
        Assert.AreEqual(2, endpoint.ExitCode, endpoint.Stderr);
        Assert.AreEqual(JsonValueKind.String, endpoint.Json.GetProperty("error").ValueKind);
    }
}
