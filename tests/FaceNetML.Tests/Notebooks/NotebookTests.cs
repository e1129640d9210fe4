using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Jupyter = Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace FaceNetML.Tests.Notebooks;

/// <summary>
/// Executes every code cell of every notebook in <c>notebooks/</c>, in order, with .NET Interactive's C# kernel
/// (the kernel behind VS Code Polyglot Notebooks), so that the notebooks cannot rot. A failing cell fails the test
/// with the cell's number, its first line and the kernel's error.
/// </summary>
/// <remarks>
/// The notebooks run unchanged. Their first code cell reads <c>FACENETML_BIN</c> (the folder of the FaceNetML
/// assemblies, here this test's output folder), <c>FACENETML_DATA</c> (the shared data) and
/// <c>FACENETML_NOTEBOOK_QUICK</c> (1 here: small subsets, so the run stays short), and hands the assemblies to the
/// kernel with <c>CSharpKernel.AddAssemblyReferences</c> (a <c>#r</c> with a computed path).
/// With <c>FACENETML_NOTEBOOK_SAVE=1</c> the same run writes each cell's outputs back into its notebook, so a reader on
/// the web sees results: every notebook runs on the full data (quick mode unset) except those in
/// <see cref="QuickWhenSaved"/>; otherwise the files are only read.
/// </remarks>
[TestClass]
public sealed class NotebookTests
{
    private static readonly string[] Expected =
        ["01-quickstart.ipynb", "02-lfw-evaluation.ipynb", "03-clustering.ipynb", "04-threshold-training.ipynb", "05-train-fast-facenet.ipynb"];

    /// <summary>Notebooks whose saved outputs come from quick mode: training in full takes about an hour.</summary>
    private static readonly string[] QuickWhenSaved = ["05-train-fast-facenet.ipynb"];

    /// <summary>Set to 1 to write the outputs of the run back into the notebooks.</summary>
    public const string SaveVariable = "FACENETML_NOTEBOOK_SAVE";

    private static bool Saving => Environment.GetEnvironmentVariable(SaveVariable) == "1";

    public TestContext TestContext { get; set; } = null!;

    private static string NotebooksDir => Path.Combine(TestData.RepoRoot, "notebooks");

    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebooksDir, "*.ipynb").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    public void NotebooksFolder_HoldsTheExpectedNotebooks()
    {
        var found = Notebooks().Select(n => (string)n[0]).ToList();
        foreach (var name in Expected)
            CollectionAssert.Contains(found, name);
    }

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    public async Task Notebook_EveryCodeCellRuns(string name)
    {
        var path = Path.Combine(NotebooksDir, name);
        var document = Jupyter.Notebook.Parse(await File.ReadAllTextAsync(path, TestContext.CancellationToken), KernelInfos());
        var cells = document.Elements.Select((e, i) => (Element: e, Number: i + 1)).Where(c => c.Element.KernelName != "markdown").ToList();
        Assert.IsNotEmpty(cells, $"{name} has no code cell");

        var outDir = TestData.TempDir("notebook-" + Path.GetFileNameWithoutExtension(name));
        var environment = new Dictionary<string, string?>
        {
            ["FACENETML_BIN"] = AppContext.BaseDirectory,
            ["FACENETML_DATA"] = TestData.DataRoot,
            ["FACENETML_NOTEBOOK_QUICK"] = !Saving || QuickWhenSaved.Contains(name) ? "1" : null,
            ["FACENETML_NOTEBOOK_OUT"] = outDir,
        };
        var saved = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (k, v) in environment) Environment.SetEnvironmentVariable(k, v);
            using var kernel = CreateKernel();
            int executionCount = 0;
            foreach (var (cell, number) in cells)
            {
                Assert.AreEqual("csharp", cell.KernelName, $"{name} cell {number}: only C# cells are supported");
                var watch = Stopwatch.StartNew();
                var result = await kernel.SendAsync(new SubmitCode(cell.Contents, "csharp"), TestContext.CancellationToken);
                TestContext.WriteLine($"--- {name} cell {number} ({watch.Elapsed.TotalSeconds:F1} s)");
                if (Saving) NotebookOutputs.Replace(cell, result.Events, ++executionCount);
                foreach (var e in result.Events)
                {
                    switch (e)
                    {
                        case StandardOutputValueProduced o: TestContext.Write(Text(o)); break;
                        case StandardErrorValueProduced o: TestContext.Write("stderr: " + Text(o)); break;
                        case DisplayEvent d: TestContext.WriteLine("=> " + Shorten(Text(d))); break;
                    }
                }
                if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
                {
                    var firstLine = cell.Contents.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
                    Assert.Fail($"{name} cell {number} ({firstLine}) failed: {failed.Message}{(failed.Exception is { } x ? "\n" + x : "")}");
                }
            }
            if (Saving) await File.WriteAllTextAsync(path, Jupyter.Notebook.ToJupyterJson(document), TestContext.CancellationToken);
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
            Directory.Delete(outDir, true);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    public async Task Notebook_CarriesSavedOutputs_AndSaysHowTheyWereMade(string name)
    {
        var document = Jupyter.Notebook.Parse(await File.ReadAllTextAsync(Path.Combine(NotebooksDir, name), TestContext.CancellationToken), KernelInfos());
        var code = document.Elements.Where(e => e.KernelName != "markdown").ToList();
        int withOutput = code.Count(e => e.Outputs.Count > 0);
        Assert.IsGreaterThanOrEqualTo(code.Count / 2, withOutput, $"{name}: only {withOutput} of {code.Count} code cells carry saved outputs; run the notebooks with {SaveVariable}=1");
        var first = document.Elements.First(e => e.KernelName == "markdown").Contents;
        Assert.IsTrue(first.Contains("saved outputs", StringComparison.OrdinalIgnoreCase), $"{name}: the first markdown cell says how the saved outputs were made");
    }

    /// <summary>A C# kernel set up as the dotnet-interactive tool sets it up (inside a composite kernel, with its helpers).</summary>
    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var root = new CompositeKernel { csharp };
        root.DefaultKernelName = csharp.Name;
        return root;
    }

    private static KernelInfoCollection KernelInfos() =>
        new() { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", languageName: "C#", aliases: ["c#", "C#"]), new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", languageName: "Markdown", aliases: ["md"]) };

    private static string Text(DisplayEvent e) => e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? e.FormattedValues.FirstOrDefault()?.Value ?? "";

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + $"... ({s.Length} chars)";
}
