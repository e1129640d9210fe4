using System.Diagnostics;

namespace FaceNetML.Tests.Packaging;

/// <summary>
/// Every package of the solution, packed once per test run (<c>dotnet pack --no-build</c> of the tested build) into a
/// temporary folder, with a pre-release version no published package has. <see cref="Run"/> starts the real dotnet
/// commands a consumer types, with a time limit and their output in the failure message.
/// </summary>
internal static class LocalFeed
{
    /// <summary>The platforms the facenetml tool is packed for (its <c>ToolPackageRuntimeIdentifiers</c>).</summary>
    public static readonly string[] ToolRuntimes = ["linux-x64", "linux-arm64", "osx-arm64", "win-x64"];

    public static string Version { get; } = "0.0.0-localtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");

    private static readonly Lazy<string> Packed = new(() =>
    {
        var dir = TestData.TempDir("packages");
        // The tool is packed once per platform from that platform's build, which the solution build does not make.
        foreach (var rid in ToolRuntimes)
        {
            var built = Run(TestData.RepoRoot, TimeSpan.FromMinutes(8), null,
                "dotnet", "build", "src/FaceNetML.Cli/FaceNetML.Cli.csproj", "-c", "Release", "-r", rid);
            Assert.AreEqual(0, built.ExitCode, $"dotnet build -r {rid} failed:\n" + built.Output);
        }
        var result = Run(TestData.RepoRoot, TimeSpan.FromMinutes(8), null,
            "dotnet", "pack", "FaceNetML.sln", "-c", "Release", "--no-build", "-o", dir, $"-p:Version={Version}");
        Assert.AreEqual(0, result.ExitCode, "dotnet pack failed:\n" + result.Output);
        return dir;
    });

    /// <summary>The folder holding the packed .nupkg files.</summary>
    public static string Folder => Packed.Value;

    /// <summary>The .nupkg files (no symbol packages).</summary>
    public static IReadOnlyList<string> Packages =>
        Directory.GetFiles(Folder, "*.nupkg").Where(p => !p.EndsWith(".snupkg", StringComparison.Ordinal)).Order().ToList();

    /// <summary>A nuget.config with the packed folder first and nuget.org (whose packages the machine's cache already holds).</summary>
    public static string WriteNuGetConfig(string dir)
    {
        var path = Path.Combine(dir, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        return path;
    }

    /// <summary>Deletes the packed folder and this run's packages in the machine's NuGet cache (unique versions would pile up there).</summary>
    public static void Forget()
    {
        if (Packed.IsValueCreated && Directory.Exists(Packed.Value)) Directory.Delete(Packed.Value, recursive: true);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } c
            ? c : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(cache)) return;
        foreach (var id in Directory.GetDirectories(cache, "facenetml.*"))
        {
            var version = Path.Combine(id, Version.ToLowerInvariant());
            if (Directory.Exists(version)) Directory.Delete(version, recursive: true);
        }
    }

    public sealed record Result(int ExitCode, string Stdout, string Output);

    /// <summary>Runs a command in <paramref name="workDir"/>; <paramref name="environment"/> entries replace (null: remove) variables.</summary>
    public static Result Run(string workDir, TimeSpan limit, IReadOnlyDictionary<string, string?>? environment, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in {limit.TotalMinutes:0} minutes:\n{stdout.Result}\n{stderr.Result}");
        }
        return new Result(process.ExitCode, stdout.Result, $"{file} {string.Join(' ', args)}\n{stdout.Result}\n{stderr.Result}");
    }
}
