using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>Out-of-range, NaN and unusable option values: exit 2 with one line naming the option and one JSON
/// object, before any model loads or any file is written.</summary>
[TestClass]
public sealed class HostileArgumentTests
{
    [TestMethod]
    [DataRow("detect {photo} --min-face 0", "--min-face must be at least 12")]
    [DataRow("detect {photo} --min-face -1", "--min-face must be at least 12")]
    [DataRow("detect {photo} --min-face 1", "--min-face must be at least 12")]
    [DataRow("embed {photo} --threads 0", "--threads must be at least 1")]
    [DataRow("cluster {dir} --k 0", "--k must be at least 1")]
    [DataRow("cluster {dir} --k -1", "--k must be at least 1")]
    [DataRow("train --data {dir} --out {dir}/m.onnx --epochs -1", "--epochs must be at least 1")]
    [DataRow("train --data {dir} --out {dir}/m.onnx --epochs 0", "--epochs must be at least 1")]
    [DataRow("train --data {dir} --out {dir}/m.onnx --lr NaN", "--lr must be a positive finite number")]
    [DataRow("verify {photo} {photo} --threshold NaN", "--threshold must be a positive finite number")]
    [DataRow("verify {photo} {photo} --threshold -1", "--threshold must be a positive finite number")]
    [DataRow("verify {photo} {photo} --threshold Infinity", "--threshold must be a positive finite number")]
    [DataRow("eval lfw --pairs {pairs} --roc-csv {dir}", "--roc-csv")]
    [DataRow("eval lfw --pairs {pairs} --roc-csv {dir}/no/such/roc.csv", "does not exist")]
    [DataRow("enroll {dir} --out {dir}", "is a folder")]
    [DataRow("video {photo} --gallery {dir} --csv {dir}", "is a folder")]
    [DataRow("detect {photo} --max-megapixels 0", "--max-megapixels must be a positive finite number")]
    [DataRow("detect {photo} --max-megapixels NaN", "--max-megapixels must be a positive finite number")]
    [DataRow("detect {photo} --max-megapixels 1e300", "--max-megapixels must be at most 268.435456")]
    [DataRow("detect {photo} --detection-megapixels -4", "--detection-megapixels must be a positive finite number")]
    [DataRow("detect {photo} --no-such-option", "--no-such-option")]
    [DataRow("verify {photo}", "Required argument missing")]
    public void IsRefusedWithOneLineAndOneJsonObject(string command, string error)
    {
        var dir = TestData.TempDir("hostile-args");
        var args = command.Split(' ').Select(a => a
            .Replace("{photo}", TestData.Photo("obama.jpg"))
            .Replace("{dir}", dir)
            .Replace("{pairs}", TestData.DataPath("lfw-dev", "pairs.txt"))).ToList();
        var r = CliRunner.Run([.. args, "--json"]);
        CleanFailure.Assert(r, 2, error);
    }

    [TestMethod]
    public void AnAtNameIsAFileNameNotAResponseFile()
    {
        // System.CommandLine would read "@FILE" as arguments: "@/dev/zero" grew to 8 GB before the fix.
        var r = CliRunner.Run("detect", "@/dev/zero", "--json");
        CleanFailure.Assert(r, 2, "@/dev/zero: file not found");
    }

    [TestMethod]
    public void AnImageOverThePixelBudgetIsRefused()
    {
        var r = CliRunner.Run("detect", TestData.Photo("obama.jpg"), "--max-megapixels", "0.05", "--json");
        CleanFailure.Assert(r, 2, "image too large");
    }

    [TestMethod]
    [DataRow("50000 50000\nA 1 2\n", "promises 5,000,000,000 pairs")]
    [DataRow("1 3\nA 1 2\nB 1 2\nC 1 2\nA 1 B 1\nB 1 C 1\nC 1 A 1\n", "needs at least 2 folds")]
    [DataRow("2 x\n", "pairs-per-fold must be an integer")]
    public void EvalRefusesANonsensePairsHeader(string text, string error)
    {
        var dir = TestData.TempDir("hostile-pairs");
        var pairs = Path.Combine(dir, "pairs.txt");
        File.WriteAllText(pairs, text);
        var r = CliRunner.Run("eval", "lfw", "--pairs", pairs, "--images", dir, "--json");
        CleanFailure.Assert(r, 2, error);
    }
}
