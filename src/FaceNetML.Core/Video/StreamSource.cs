namespace FaceNetML.Video;

/// <summary>
/// A live input for <see cref="StreamWatcher"/>: a URL ffmpeg reads (<c>rtsp</c>, <c>rtsps</c>, <c>udp</c>, <c>rtp</c>,
/// <c>srt</c>, <c>http</c>, <c>https</c>), or a local file (a path or a <c>file:</c> URL), which is played in real time
/// (ffmpeg's <c>-re</c>) as if it were a camera. Files are accepted only where the caller allows them: a server must not
/// let its clients read its disk.
/// </summary>
public sealed record StreamSource
{
    /// <summary>The URL schemes accepted besides files.</summary>
    public static IReadOnlyList<string> NetworkSchemes { get; } = ["rtsp", "rtsps", "udp", "rtp", "srt", "http", "https"];

    private StreamSource(string input, bool isFile)
    {
        Input = input;
        IsFile = isFile;
    }

    /// <summary>What ffmpeg is given after <c>-i</c>: the URL as written, or the file's full path.</summary>
    public string Input { get; }

    /// <summary>A local file, read in real time.</summary>
    public bool IsFile { get; }

    /// <summary>The input without the password of a URL's user information, for logs and listings.</summary>
    public string Display => Redact(Input);

    /// <summary>Checks <paramref name="url"/>; a refusal is a <see cref="BadInputException"/> with one line saying why.</summary>
    /// <param name="url">A URL of <see cref="NetworkSchemes"/>, a <c>file:</c> URL or a path.</param>
    /// <param name="allowFiles">Whether local files may be read.</param>
    public static StreamSource Parse(string? url, bool allowFiles)
    {
        if (string.IsNullOrWhiteSpace(url)) throw new BadInputException("a stream needs a URL");
        url = url.Trim();
        if (url.Length > 2000) throw new BadInputException("a stream URL has at most 2000 characters");
        if (url.Any(char.IsControl)) throw new BadInputException("a stream URL may not hold control characters");
        int colon = url.IndexOf(':');
        // "C:\x" and "/x" are paths; "scheme://..." and "scheme:..." are URLs.
        bool looksLikeUrl = colon > 1 && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && char.IsAsciiLetter(url[0]);
        if (!looksLikeUrl) return FromFile(url, url, allowFiles);
        var scheme = url[..colon].ToLowerInvariant();
        if (scheme == "file")
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsFile)
                throw new BadInputException($"{url}: not a usable file URL");
            return FromFile(url, uri.LocalPath, allowFiles);
        }
        if (!NetworkSchemes.Contains(scheme))
            throw new BadInputException($"{Redact(url)}: unsupported stream scheme '{scheme}' (use {string.Join(", ", NetworkSchemes)}{(allowFiles ? ", file" : "")})");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
            throw new BadInputException($"{Redact(url)}: not a valid {scheme} URL (expected {scheme}://HOST[:PORT]...)");
        return new StreamSource(url, isFile: false);
    }

    private static StreamSource FromFile(string given, string path, bool allowFiles)
    {
        if (!allowFiles) throw new BadInputException($"{given}: local files are not allowed as streams here (use {string.Join(", ", NetworkSchemes)})");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new BadInputException($"{given}: not a usable file name");
        }
        Ffmpeg.CheckFile(full);
        return new StreamSource(full, isFile: true);
    }

    /// <summary>A URL with the password of its user information replaced by <c>***</c> (other text as is).</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        int start = scheme + 3;
        int end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        int at = authority.LastIndexOf('@');
        if (at < 0) return url;
        int colon = authority.IndexOf(':');
        if (colon < 0 || colon > at) return url;
        return url[..(start + colon + 1)] + "***" + url[(start + at)..];
    }

    public override string ToString() => Display;
}
