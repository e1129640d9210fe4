using System.Diagnostics;
using System.Reflection;
using FaceNetML.Cli;
using FaceNetML.Tests.Cli;
using FaceNetML.Tests.HostileInput;
using FaceNetML.Trainers.Native;
using NetArchTest.Rules;

namespace FaceNetML.Tests.Trainers;

/// <summary>
/// The <c>facenetml</c> tool carries TorchSharp but not libtorch (461 MB); training ships as <c>facenetml-train</c>.
/// These tests run the CLI from its own build folder (src/FaceNetML.Cli/bin/...), not from this test folder, which
/// has libtorch because the training tests need it.
/// </summary>
[TestClass]
public sealed class SlimToolTests
{
    /// <summary>The CLI's own output folder for this configuration: tests/FaceNetML.Tests/bin/X becomes src/FaceNetML.Cli/bin/X.</summary>
    private static string SlimCliDir
    {
        get
        {
            var testBin = Path.Combine(TestData.RepoRoot, "tests", "FaceNetML.Tests", "bin");
            var relative = Path.GetRelativePath(testBin, AppContext.BaseDirectory);
            if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                Assert.Inconclusive($"the tests do not run from {testBin}, so the CLI's build folder is not known");
            var dir = Path.Combine(TestData.RepoRoot, "src", "FaceNetML.Cli", "bin", relative);
            Assert.IsTrue(File.Exists(Path.Combine(dir, "facenetml.dll")), $"the CLI is not built in {dir}");
            return dir;
        }
    }

    private static readonly string[] LibTorchFiles = ["libtorch_cpu*", "torch_cpu*", "libtorch.so*", "libc10*", "c10.dll"];

    private static List<string> LibTorchIn(string dir) =>
        LibTorchFiles.SelectMany(p => Directory.GetFiles(dir, p, SearchOption.AllDirectories)).ToList();

    private static CliRunner.Result RunSlim(params string[] args)
    {
        var psi = CliRunner.StartInfo(args);
        psi.ArgumentList[0] = Path.Combine(SlimCliDir, "facenetml.dll");
        return CliRunner.Run(psi);
    }

    [TestMethod]
    public void SlimCli_BuildOutput_HasTorchSharpButNoLibTorch()
    {
        var dir = SlimCliDir;
        Assert.IsTrue(File.Exists(Path.Combine(dir, "TorchSharp.dll")), "the managed TorchSharp stays: train's code is in the tool");
        var found = LibTorchIn(dir);
        Assert.IsEmpty(found, "libtorch in the facenetml tool's output: " + string.Join(", ", found));
        Assert.IsFalse(File.ReadAllText(Path.Combine(dir, "facenetml.deps.json")).Contains("libtorch-cpu", StringComparison.Ordinal), "facenetml.deps.json names libtorch");
        // Sanity: the name looked for is libtorch's, and this test folder (the training tests) has it.
        Assert.IsTrue(File.Exists(Path.Combine(AppContext.BaseDirectory, TorchRuntime.LibTorchFileName)));
        Assert.IsTrue(TorchRuntime.IsAvailable);
    }

    [TestMethod]
    public void SlimCli_TrainAndBenchWidths_FailInOneLine_BeforeAnyWork()
    {
        var work = TestData.TempDir("slim-train");
        string[] train = ["train", "--data", TestData.DataPath("celeba-train"), "--width", "0.25", "--input-size", "64", "--epochs", "1",
            "--cache", Path.Combine(work, "cache"), "--out", Path.Combine(work, "model", "m.onnx")];

        var watch = Stopwatch.StartNew();
        var plain = RunSlim(train);
        Assert.AreEqual(ExitCodes.Failure, plain.ExitCode, plain.Stderr);
        Assert.AreEqual("", plain.Stdout);
        var lines = CleanFailure.Lines(plain.Stderr);
        Assert.HasCount(1, lines, plain.Stderr);
        Assert.AreEqual("error: training needs libtorch, which this tool does not carry: install the training tool "
                        + "(dotnet tool install -g FaceNetML.Train) and run facenetml-train train ...", lines[0]);

        CleanFailure.Assert(RunSlim([.. train, "--json"]), ExitCodes.Failure, "facenetml-train train");
        CleanFailure.Assert(RunSlim("bench", "--widths", "--count", "2", "--json"), ExitCodes.Failure, "facenetml-train bench --widths");
        Assert.IsLessThan(60, watch.Elapsed.TotalSeconds, "no crops aligned, no pipeline timed");
        Assert.IsEmpty(Directory.GetFileSystemEntries(work), "nothing written: no crop cache, no model, no checkpoints");
        // TorchSharp was never touched: it would have copied libtorch from the NuGet cache into a cpu/ folder beside the tool.
        Assert.IsEmpty(LibTorchIn(SlimCliDir));
        Directory.Delete(work, true);
    }

    [TestMethod]
    public void SlimCli_OnlyTrainAndTheWidthTableRunLibTorch()
    {
        // Every command that reaches TorchSharp or the Fast-FaceNet network must call TrainingTool.RequireLibTorch first
        // (train, bench --widths). A new one fails here until it does and is listed.
        var cli = Assembly.Load("facenetml");
        var users = Types.InAssembly(cli).That().HaveDependencyOnAny("TorchSharp", "FaceNetML.Trainers.FastFaceNet").GetTypes()
            .Select(t => TopLevel(t).Name).Distinct().Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new[] { "TrainCommand", "WidthTable" }, users, string.Join(", ", users));

        // identify-rule train needs no libtorch: the identification-rule trainer and its plots do not use TorchSharp.
        var trainers = typeof(FaceNetML.Trainers.ChainedModel).Assembly;
        var rule = Types.InAssembly(trainers).That().ResideInNamespace("FaceNetML.Trainers.Recognition")
            .Or().ResideInNamespace("FaceNetML.Trainers.Plots").Or().ResideInNamespace("FaceNetML.Trainers.Verification")
            .ShouldNot().HaveDependencyOn("TorchSharp").GetResult();
        Assert.IsTrue(rule.IsSuccessful, "use TorchSharp: " + string.Join(", ", rule.FailingTypeNames ?? []));
    }

    private static Type TopLevel(Type t)
    {
        while (t.DeclaringType is { } outer) t = outer;
        return t;
    }
}
