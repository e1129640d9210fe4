namespace FaceNetML.Tests.Cli;

/// <summary><c>facenetml bench --model mobilefacenet+dlib-resnet</c> times each model of the fusion and the fusion itself.</summary>
[TestClass]
public sealed class BenchFusionCommandTests
{
    [TestMethod]
    public void Bench_lists_each_model_and_the_fusion()
    {
        var result = CliRunner.Run("bench", "--count", "4", "--model", "mobilefacenet+dlib-resnet", "--json");
        Assert.AreEqual(0, result.ExitCode, result.Stderr);
        var rows = result.Json.GetProperty("models").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "mobilefacenet", "dlib-resnet", "mobilefacenet+dlib-resnet" }, rows.Select(r => r.GetProperty("name").GetString()).ToArray());
        Assert.IsTrue(rows.All(r => r.GetProperty("msPerFace").GetDouble() > 0));
        Assert.AreEqual(320, rows[2].GetProperty("embeddingSize").GetInt32());
        Assert.AreEqual(rows[0].GetProperty("params").GetInt64() + rows[1].GetProperty("params").GetInt64(), rows[2].GetProperty("params").GetInt64());
        Assert.IsGreaterThan(0, result.Json.GetProperty("pipeline").GetProperty("imagesPerSecond").GetDouble());
    }
}
