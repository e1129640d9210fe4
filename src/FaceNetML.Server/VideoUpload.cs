using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FaceNetML.Server;

/// <summary>
/// Reads <c>POST /v1/videos</c>: a multipart form with one <c>video</c> file, streamed straight to a file the server
/// names (the client's file name is kept only as text for messages and listings), and an optional <c>every</c> field.
/// A video over the size limit is refused (413) as soon as it crosses it.
/// </summary>
public static class VideoUpload
{
    /// <summary>What came with the upload.</summary>
    /// <param name="Name">The client's file name (its last part, one line), or "video".</param>
    /// <param name="Bytes">The video's size.</param>
    /// <param name="Every">The detector's step asked for (1 when not given).</param>
    public sealed record Received(string Name, long Bytes, int Every);

    /// <summary>Streams the form's <c>video</c> file into <paramref name="target"/> (created).</summary>
    public static async Task<Received> ReadAsync(HttpRequest request, string target, long maxBytes, CancellationToken cancel)
    {
        if (!(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"expected a multipart/form-data body with a 'video' file, got {(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}");
        var reader = new MultipartReader(boundary, request.Body);
        string? name = null;
        long bytes = 0;
        int every = 1;
        var fields = new List<string>();
        while (await reader.ReadNextSectionAsync(cancel) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                throw new ApiException(StatusCodes.Status400BadRequest, "malformed multipart body: a part without a Content-Disposition");
            var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            fields.Add(field);
            if (field == "video" && disposition.IsFileDisposition())
            {
                if (name is not null) throw new ApiException(StatusCodes.Status400BadRequest, "field 'video' takes one file, got more");
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                name = string.IsNullOrWhiteSpace(fileName) ? "video" : Path.GetFileName(fileName.Replace('\\', '/')).ReplaceLineEndings(" ");
                if (name.Length == 0) name = "video";
                bytes = await CopyAsync(section.Body, target, maxBytes, cancel);
            }
            else if (field == "every" && disposition.IsFormDisposition())
            {
                var text = await ReadShortAsync(section.Body, cancel);
                every = int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= VideoJobOptions.MaxEvery
                    ? n : throw new ApiException(StatusCodes.Status400BadRequest, $"every must be a whole number from 1 to {VideoJobOptions.MaxEvery}, got '{text.ReplaceLineEndings(" ")}'");
            }
            else
            {
                await section.Body.CopyToAsync(Stream.Null, cancel); // other fields are ignored
            }
        }
        if (name is null)
            throw new ApiException(StatusCodes.Status400BadRequest,
                $"missing file field 'video' (got {(fields.Count == 0 ? "no fields" : "fields " + string.Join(", ", fields.Distinct().Select(f => $"'{f}'")))})");
        return new Received(name, bytes, every);
    }

    private static async Task<long> CopyAsync(Stream source, string target, long maxBytes, CancellationToken cancel)
    {
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancel)) > 0)
        {
            total += read;
            if (total > maxBytes)
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"video too large (over {maxBytes / 1e6:0.#} MB, the limit)");
            await file.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
        return total;
    }

    /// <summary>A small text field (at most 64 characters).</summary>
    private static async Task<string> ReadShortAsync(Stream body, CancellationToken cancel)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[65];
        int n = await reader.ReadBlockAsync(buffer.AsMemory(), cancel);
        if (n > 64) throw new ApiException(StatusCodes.Status400BadRequest, "every: too long");
        return new string(buffer, 0, n);
    }
}
