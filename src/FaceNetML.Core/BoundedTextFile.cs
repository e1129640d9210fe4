namespace FaceNetML;

/// <summary>Reads a settings or data text file (gallery, rule) only when it is a regular file of bounded size, so that
/// a FIFO or a device named by mistake gives one line instead of a hang.</summary>
public static class BoundedTextFile
{
    /// <exception cref="BadInputException">Missing, not a regular file, larger than <paramref name="maxBytes"/>, or unreadable.</exception>
    public static string Read(string path, string what, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing || (kind == FileKind.Unknown && !File.Exists(path)))
            throw new BadInputException($"{path}: {what} not found");
        if (kind is not (FileKind.Regular or FileKind.Unknown))
            throw new BadInputException($"{path}: not a regular file ({FileKinds.Describe(kind)}), not a {what}");
        try
        {
            long length = new FileInfo(path).Length;
            if (length > maxBytes) throw new BadInputException($"{path}: {length / 1e6:F0} MB is too large for a {what} (at most {maxBytes / 1e6:F0} MB)");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read the {what} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
