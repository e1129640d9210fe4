using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>Reads the multipart form of a request and the image files in its fields, refusing what is not a form (415),
/// a missing field (400) and an empty file (415).</summary>
public static class UploadReader
{
    /// <summary>One uploaded file: the field it came in, its file name, and the form's buffered copy of it (in memory up
    /// to 64 KB, else a temporary file), read into memory only when a slot decodes it: requests waiting in the queue
    /// hold no image bytes, so memory is bounded by the slots, not by the queue.</summary>
    public sealed record Upload(string Field, string Name, IFormFile File)
    {
        public byte[] ReadBytes()
        {
            var bytes = new byte[File.Length];
            using var s = File.OpenReadStream();
            s.ReadExactly(bytes);
            return bytes;
        }
    }

    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancel)
    {
        if (!request.HasFormContentType || !(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"expected a multipart/form-data body with image files, got {(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}");
        return await request.ReadFormAsync(cancel);
    }

    /// <summary>The files of one field (at least one, unless <paramref name="required"/> is false).</summary>
    public static Task<List<Upload>> FilesAsync(IFormCollection form, string field, CancellationToken cancel, bool required = true)
    {
        var files = form.Files.GetFiles(field);
        if (files.Count == 0)
        {
            if (!required) return Task.FromResult(new List<Upload>());
            string got = form.Files.Count + form.Count == 0 ? "no fields" : "fields " + string.Join(", ", form.Files.Select(f => f.Name).Concat(form.Keys).Distinct().Select(n => $"'{n}'"));
            throw new ApiException(StatusCodes.Status400BadRequest, $"missing file field '{field}' (got {got})");
        }
        return Task.FromResult(files.Select(f =>
            new Upload(field, string.IsNullOrWhiteSpace(f.FileName) ? field : Path.GetFileName(f.FileName).ReplaceLineEndings(" "), f)).ToList());
    }

    public static async Task<Upload> FileAsync(IFormCollection form, string field, CancellationToken cancel)
    {
        var files = await FilesAsync(form, field, cancel);
        if (files.Count > 1) throw new ApiException(StatusCodes.Status400BadRequest, $"field '{field}' takes one file, got {files.Count}");
        return files[0];
    }
}
