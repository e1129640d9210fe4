using System.IO.Enumeration;

namespace FaceNetML.Imaging;

/// <summary>The image files under a folder, for commands that take a whole folder (cluster, bench).</summary>
public static class ImageFolder
{
    /// <summary>
    /// Every file under <paramref name="root"/> (recursively) with an image extension, sorted ordinally, paths
    /// spelled from <paramref name="root"/> as given. Links to folders are not followed, so a folder that links
    /// to itself or to a parent ends the walk instead of looping; links to files are kept (the decoder refuses
    /// links to devices and pipes). Sub-folders that cannot be read are skipped.
    /// </summary>
    public static IReadOnlyList<string> Files(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };
        var found = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var entries = new FileSystemEnumerable<(string Path, bool Folder, bool Link)>(pending.Pop(),
                (ref FileSystemEntry e) => (e.ToSpecifiedFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0), options);
            foreach (var (path, folder, link) in entries)
            {
                if (!folder) { if (ImageDecoder.IsImageFile(path)) found.Add(path); }
                else if (!link) pending.Push(path);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
