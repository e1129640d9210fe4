using System.Text;
using FaceNetML.Models.TfJs;

namespace FaceNetML.Tests.Models;

[TestClass]
public sealed class TfjsWeightsTests
{
    private const string Manifest = """
        [{"paths":["a.bin"],"weights":[
          {"name":"q","shape":[2,2],"dtype":"float32","quantization":{"scale":0.5,"min":-1,"dtype":"uint8"}},
          {"name":"f","shape":[2],"dtype":"float32"}]}]
        """;

    private static byte[] Shard() => [0, 1, 2, 255, .. BitConverter.GetBytes(1.25f), .. BitConverter.GetBytes(-3f)];

    [TestMethod]
    public void Quantised_and_float_tensors_are_decoded_in_order()
    {
        var w = TfjsWeights.Read(Manifest, _ => Shard());
        CollectionAssert.AreEqual(new[] { 2, 2 }, w["q"].Shape);
        CollectionAssert.AreEqual(new[] { -1f, -0.5f, 0f, 126.5f }, w["q"].Values);
        CollectionAssert.AreEqual(new[] { 1.25f, -3f }, w["f"].Values);
    }

    [TestMethod]
    public void Truncated_or_oversized_shards_and_bad_json_give_one_line_errors()
    {
        var truncated = Assert.ThrowsExactly<BadInputException>(() => TfjsWeights.Read(Manifest, _ => Shard()[..9]));
        StringAssert.Contains(truncated.Message, "\"f\"".Trim('"'));
        Assert.ThrowsExactly<BadInputException>(() => TfjsWeights.Read(Manifest, _ => [.. Shard(), 0]));
        Assert.ThrowsExactly<BadInputException>(() => TfjsWeights.Read("{not json", _ => []));
        Assert.ThrowsExactly<BadInputException>(() => TfjsWeights.Read(Encoding.UTF8.GetString("{}"u8), _ => []));
        foreach (var message in new[] { truncated.Message }) Assert.DoesNotContain("\n", message);
    }
}
