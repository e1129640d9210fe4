using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FaceNetML.Clustering;
using FaceNetML.Recognition;
using FaceNetML.Server;
using FaceNetML.Trainers;
using NetArchTest.Rules;

namespace FaceNetML.Tests.Architecture;

/// <summary>
/// The layers of FaceNetML, checked on the built assemblies. Projects: the core (FaceNetML.Core: the face pipeline,
/// galleries, verification, clustering, video) knows neither ML.NET nor PostgreSQL; FaceNetML.Transforms (ML.NET) and
/// FaceNetML.Galleries.Postgres (Npgsql, pgvector) stand beside each other on the core; the trainers, the CLI and the
/// server are doors on top that no library references. Inside the core, each folder (namespace) uses only the
/// folders below it in <see cref="CoreLayers"/>, which follows the data: image, model files, faces, aligned crops,
/// embeddings, the pipeline that chains them, then the decisions made on embeddings and the tools built on those, and
/// last the JSON answers (contracts) built from all of them.
/// </summary>
[TestClass]
public sealed class LayerTests
{
    /// <summary>The core's namespaces, lowest first; a namespace may depend only on those before it. A folder's
    /// sub-namespaces (Models.Onnx, Models.TfLite, ...) belong to its layer and may use each other, but without a cycle.</summary>
    private static readonly string[] CoreLayers =
    [
        "FaceNetML",              // BadInputException, BoundedTextFile: used everywhere
        "FaceNetML.Imaging",      // decode, encode, warp pixels
        "FaceNetML.Models",       // model files: store, manifests, converters, ONNX sessions
        "FaceNetML.Detection",    // image -> faces (MTCNN)
        "FaceNetML.Alignment",    // face -> aligned crop
        "FaceNetML.Embedding",    // aligned crop -> embedding
        "FaceNetML.Pipeline",     // image -> faces -> crops -> embeddings
        "FaceNetML.Verification", // two embeddings -> same person?
        "FaceNetML.Recognition",  // embedding -> who, from a gallery
        "FaceNetML.Clustering",   // embeddings -> groups of people
        "FaceNetML.Evaluation",   // benchmarks over the above
        "FaceNetML.Video",        // frames -> tracks -> people
        "FaceNetML.Contracts",    // the JSON answers built from the above (CLI --json, server)
    ];

    private static Assembly Core => typeof(GalleryStore).Assembly;
    private static Assembly Transforms => typeof(MLNetClustering).Assembly;
    private static Assembly Postgres => typeof(PostgresGalleries).Assembly;
    private static Assembly Trainers => typeof(ChainedModel).Assembly;
    private static Assembly Server => typeof(FaceServer).Assembly;
    private static Assembly Cli => Assembly.Load("facenetml");

    private static readonly string[] Doors = ["FaceNetML.Trainers", "facenetml", "FaceNetML.Server"];

    private static string[] References(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    /// <summary>ML.NET itself (Microsoft.ML, Microsoft.ML.Data, ...), not ONNX Runtime (Microsoft.ML.OnnxRuntime).</summary>
    private static bool IsMLNet(string name) =>
        name == "Microsoft.ML" || (name.StartsWith("Microsoft.ML.", StringComparison.Ordinal) && !name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));

    private static bool IsPostgres(string name) =>
        name.StartsWith("Npgsql", StringComparison.Ordinal) || name.StartsWith("Pgvector", StringComparison.Ordinal);

    private static void AssertNoReference(Assembly assembly, Func<string, bool> forbidden, string why)
    {
        var bad = References(assembly).Where(forbidden).ToList();
        Assert.IsEmpty(bad, $"{assembly.GetName().Name} references {string.Join(", ", bad)}: {why}");
    }

    [TestMethod]
    public void Projects_CoreKnowsNoMLNetNoPostgresAndNoProjectAboveIt()
    {
        Assert.AreEqual("FaceNetML.Core", Core.GetName().Name);
        string[] above = ["FaceNetML.Transforms", "FaceNetML.Galleries.Postgres", .. Doors];
        AssertNoReference(Core, above.Contains, "the core references no FaceNetML project");
        AssertNoReference(Core, IsMLNet, "the core does not use ML.NET (ONNX Runtime is fine)");
        AssertNoReference(Core, IsPostgres, "the core does not know PostgreSQL");
    }

    [TestMethod]
    public void Projects_TransformsAndPostgresStandOnTheCoreBesideEachOther()
    {
        foreach (var (library, other) in new[] { (Transforms, "FaceNetML.Galleries.Postgres"), (Postgres, "FaceNetML.Transforms") })
        {
            CollectionAssert.Contains(References(library), "FaceNetML.Core", $"{library.GetName().Name} builds on the core");
            AssertNoReference(library, n => n == other || Doors.Contains(n), "a library references neither its sibling nor a door");
        }
        AssertNoReference(Postgres, IsMLNet, "the PostgreSQL galleries do not use ML.NET");
        AssertNoReference(Transforms, IsPostgres, "the ML.NET transforms do not know PostgreSQL");
    }

    [TestMethod]
    public void Projects_DoorsAreReferencedByNoLibrary()
    {
        foreach (var library in new[] { Core, Transforms, Postgres })
            AssertNoReference(library, Doors.Contains, "libraries never reference the trainers, the CLI or the server");
        AssertNoReference(Trainers, n => n is "facenetml" or "FaceNetML.Server", "the trainers are a library for the CLI");
        AssertNoReference(Server, n => n is "facenetml" or "FaceNetML.Trainers" or "FaceNetML.Transforms" || IsMLNet(n),
            "the server needs the core and the PostgreSQL galleries only");
        CollectionAssert.IsSubsetOf(new[] { "FaceNetML.Core", "FaceNetML.Transforms", "FaceNetML.Galleries.Postgres" }, References(Cli));
    }

    [TestMethod]
    public void CoreProject_HasNoMLNetOrPostgresPackage()
    {
        var csproj = Path.Combine(TestData.RepoRoot, "src", "FaceNetML.Core", "FaceNetML.Core.csproj");
        var project = XDocument.Load(csproj);
        var packages = project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include") ?? "").ToList();
        CollectionAssert.Contains(packages, "Microsoft.ML.OnnxRuntime", "sanity: the core runs its models on ONNX Runtime");
        string[] forbidden = ["Microsoft.ML", "Microsoft.ML.ImageAnalytics", "Microsoft.ML.OnnxTransformer", "Npgsql", "Pgvector"];
        var bad = packages.Where(p => forbidden.Contains(p, StringComparer.OrdinalIgnoreCase) || IsMLNet(p) || IsPostgres(p)).ToList();
        Assert.IsEmpty(bad, $"{csproj} references {string.Join(", ", bad)}: these belong in FaceNetML.Transforms or FaceNetML.Galleries.Postgres");
        Assert.IsEmpty(project.Descendants("ProjectReference").ToList(), "the core references no other project");
    }

    [TestMethod]
    public void CoreNamespaces_AreAllPlacedInALayer()
    {
        var namespaces = CoreNamespaces().Keys.Where(ns => LayerOf(ns) is null).ToList();
        Assert.IsEmpty(namespaces, $"core namespaces missing from {nameof(CoreLayers)}: {string.Join(", ", namespaces)}");
    }

    [TestMethod]
    public void CoreNamespaces_HaveNoCycle()
    {
        var graph = Graph.Value;
        Assert.IsTrue(graph.ContainsKey(("FaceNetML.Pipeline", "FaceNetML.Detection")) && graph.ContainsKey(("FaceNetML.Imaging", "FaceNetML")),
            "sanity: the dependency reader sees the pipeline use the detector and the decoder throw BadInputException");
        var cycle = FindCycle(graph);
        Assert.IsNull(cycle, cycle is null ? "" : "namespace cycle in FaceNetML.Core: " + Describe(cycle, graph));
    }

    [TestMethod]
    public void CoreNamespaces_DependOnlyOnLowerLayers()
    {
        int Rank(string ns) => Array.IndexOf(CoreLayers, LayerOf(ns));
        var upward = Graph.Value
            .Where(e => LayerOf(e.Key.From) != LayerOf(e.Key.To) && Rank(e.Key.To) > Rank(e.Key.From))
            .Select(e => $"{e.Key.From} -> {e.Key.To} ({string.Join(", ", e.Value.Take(3))})")
            .ToList();
        Assert.IsEmpty(upward, "core namespaces that depend on a higher layer (order: "
            + string.Join(" < ", CoreLayers) + "): " + string.Join("; ", upward));
    }

    /// <summary>The layer a namespace belongs to (itself, or the layer it is a sub-namespace of); null when none.</summary>
    private static string? LayerOf(string ns) =>
        ns == "FaceNetML" ? ns : CoreLayers.Skip(1).FirstOrDefault(l => ns == l || ns.StartsWith(l + ".", StringComparison.Ordinal));

    /// <summary>The core's own namespaces (FaceNetML and FaceNetML.*), each with its top-level types.</summary>
    private static Dictionary<string, string[]> CoreNamespaces() =>
        Core.GetTypes()
            .Where(t => !t.IsNested && t.Namespace is { } ns && (ns == "FaceNetML" || ns.StartsWith("FaceNetML.", StringComparison.Ordinal)))
            .GroupBy(t => t.Namespace!)
            .ToDictionary(g => g.Key, g => g.Select(t => t.FullName!).ToArray());

    /// <summary>(from, to) -> the types of namespace <c>from</c> that use a type of namespace <c>to</c>, read from the
    /// IL by NetArchTest (fields, signatures, attributes and method bodies). Sub-namespaces are nodes of their own.</summary>
    private static readonly Lazy<Dictionary<(string From, string To), IReadOnlyList<string>>> Graph = new(() =>
    {
        var namespaces = CoreNamespaces();
        var edges = new Dictionary<(string, string), IReadOnlyList<string>>();
        foreach (var from in namespaces.Keys)
        {
            var exactly = "^" + Regex.Escape(from) + "$";
            foreach (var (to, targetTypes) in namespaces.Where(n => n.Key != from))
            {
                // HaveDependencyOn matches names by prefix, so a namespace name would also match its sub-namespaces
                // (and "FaceNetML" every one): the target is named by its own types.
                var result = Types.InAssembly(Core).That().ResideInNamespaceMatching(exactly)
                    .ShouldNot().HaveDependencyOnAny(targetTypes).GetResult();
                if (!result.IsSuccessful)
                    edges[(from, to)] = [.. (result.FailingTypeNames ?? []).OrderBy(n => n, StringComparer.Ordinal)];
            }
        }
        return edges;
    });

    /// <summary>A cycle as its namespaces, first repeated at the end; null when the graph is acyclic.</summary>
    private static List<string>? FindCycle(Dictionary<(string From, string To), IReadOnlyList<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.Keys.Where(k => k.From == node).Select(k => k.To).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Select(k => k.From).Distinct().Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
                return cycle;
        return null;
    }

    private static string Describe(List<string> cycle, Dictionary<(string From, string To), IReadOnlyList<string>> graph) =>
        string.Join(" -> ", cycle) + " (" + string.Join("; ", cycle.Zip(cycle.Skip(1))
            .Select(e => $"{e.First} -> {e.Second}: {string.Join(", ", graph[(e.First, e.Second)].Take(3))}")) + ")";
}
