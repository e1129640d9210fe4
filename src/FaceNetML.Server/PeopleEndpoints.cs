using System.Drawing;
using System.Globalization;
using System.Text.Json;
using FaceNetML.Contracts;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceNetML.Server;

/// <summary>Gallery management: the people, one person with their faces and each face's thumbnail; enrolment (from
/// 'image' photos, optionally the face in a 'box'), removal of a person or one face, rename and merge. Enrolment embeds
/// as <c>facenetml enroll</c> does (the centred face, flip-augmented) and keeps a JPEG crop of each face.</summary>
public static class PeopleEndpoints
{
    /// <summary>Side of the stored thumbnails, pixels: the aligned crop at the insightface template's size.</summary>
    public const int ThumbnailSize = 112;

    public static void Map(IEndpointRouteBuilder app, FaceService service)
    {
        var gallery = service.Gallery;
        app.MapGet("/v1/people", () => Answers.Json(gallery.Read(g => PeopleAnswer.From(g, (person, source) => ThumbnailUrl(gallery, person, source)))))
            .WithSummary("The enrolled people, their number of embeddings and a thumbnail of each")
            .Produces<PeopleAnswer>().ProducesErrors(Answers.RequestErrors);
        app.MapGet("/v1/people/{name}", (string name) =>
        {
            name = ServerGallery.CheckName(name);
            var answer = gallery.Read(g => g[name] is { } p ? Person(gallery, name, p) : null);
            return answer is null ? throw NotEnrolled(name) : Answers.Json(answer);
        }).WithSummary("One person with their faces")
            .Produces<PersonAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapGet("/v1/people/{name}/faces/{id}/thumbnail", (string name, string id) =>
        {
            name = ServerGallery.CheckName(name);
            var jpeg = FileThumbnailStore.IsFaceId(id) ? gallery.Read(_ => gallery.Thumbnails.Get(name, id)) : null;
            return jpeg is null ? throw new ApiException(StatusCodes.Status404NotFound, $"{name}: no thumbnail of face {id}") : Results.Bytes(jpeg, "image/jpeg");
        }).WithSummary("The JPEG crop (about 112 px) of one face, made at enrolment")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/jpeg")
            .ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapPost("/v1/people/{name}", (HttpContext c, string name) => Enrol(c, service, name))
            .WithSummary("Enrol a person (or add photos to them) from one or more 'image' files; optional 'box' = \"x,y,w,h\" picks the face")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<EnrolAnswer>().ProducesErrors(Answers.FaceErrors);
        app.MapDelete("/v1/people/{name}", (string name) =>
        {
            name = ServerGallery.CheckName(name);
            bool removed = gallery.Change(g =>
            {
                bool gone = g.Remove(name);
                if (gone) gallery.Thumbnails.RemovePerson(name);
                return gone;
            });
            return removed ? Answers.Json(new PersonRemovedAnswer(name)) : throw NotEnrolled(name);
        }).WithSummary("Remove a person from the gallery")
            .Produces<PersonRemovedAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapDelete("/v1/people/{name}/faces/{id}", (string name, string id) =>
        {
            name = ServerGallery.CheckName(name);
            var answer = gallery.Change(g =>
            {
                var person = g[name] ?? throw NotEnrolled(name);
                var source = FaceId.SourceOf(person, id) ?? throw new ApiException(StatusCodes.Status404NotFound, $"{name}: no face {id}");
                g.RemoveFace(name, source);
                gallery.Thumbnails.RemoveFace(name, id);
                return Person(gallery, name, g[name]);
            });
            return Answers.Json(answer);
        }).WithSummary("Remove one face of a person (the last one removes the person: \"faces\": [])")
            .Produces<PersonAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapPost("/v1/people/{name}/rename", async (HttpContext c, string name) =>
        {
            name = ServerGallery.CheckName(name);
            var to = ServerGallery.CheckName((await ReadJsonAsync<RenameRequest>(c)).To);
            var answer = gallery.Change(g =>
            {
                if (g[name] is null) throw NotEnrolled(name);
                if (to != name && g[to] is not null) throw new ApiException(StatusCodes.Status409Conflict, $"{to}: already enrolled");
                try { g.Rename(name, to); }
                catch (ArgumentException) { throw new ApiException(StatusCodes.Status409Conflict, $"{to}: already enrolled"); }
                if (to != name) gallery.Thumbnails.Rename(name, to);
                return Person(gallery, to, g[to]);
            });
            return Answers.Json(answer);
        }).WithSummary("Rename a person (JSON {\"to\": \"New name\"}); 409 when the new name is enrolled")
            .Accepts<RenameRequest>("application/json")
            .Produces<PersonAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType]);
        app.MapPost("/v1/people/{name}/merge", async (HttpContext c, string name) =>
        {
            name = ServerGallery.CheckName(name);
            var into = ServerGallery.CheckName((await ReadJsonAsync<MergeRequest>(c)).Into);
            var answer = gallery.Change(g =>
            {
                if (g[name] is null) throw NotEnrolled(name);
                if (g[into] is null) throw NotEnrolled(into);
                if (into == name) throw new ApiException(StatusCodes.Status400BadRequest, $"{name}: cannot be merged into itself");
                g.Merge(name, into);
                gallery.Thumbnails.Merge(name, into);
                return Person(gallery, into, g[into]);
            });
            return Answers.Json(answer);
        }).WithSummary("Move every face of a person into another enrolled person (JSON {\"into\": \"Other\"})")
            .Accepts<MergeRequest>("application/json")
            .Produces<PersonAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound,
                StatusCodes.Status415UnsupportedMediaType]);
    }

    private static ApiException NotEnrolled(string name) => new(StatusCodes.Status404NotFound, $"{name}: not enrolled");

    /// <summary>The URL of a face's thumbnail, or null when it has none.</summary>
    private static string? ThumbnailUrl(ServerGallery gallery, string person, string source)
    {
        var id = FaceId.Of(source);
        return gallery.Thumbnails.Has(person, id) ? $"/v1/people/{Uri.EscapeDataString(person)}/faces/{id}/thumbnail" : null;
    }

    private static PersonAnswer Person(ServerGallery gallery, string name, GalleryPerson? person) =>
        PersonAnswer.From(name, person, source => ThumbnailUrl(gallery, name, source));

    /// <summary>A small JSON body (415 when not JSON, 400 when malformed).</summary>
    internal static async Task<T> ReadJsonAsync<T>(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"expected an application/json body, got {(string.IsNullOrEmpty(context.Request.ContentType) ? "no content type" : context.Request.ContentType)}");
        try
        {
            return await context.Request.ReadFromJsonAsync<T>(ContractJson.Options, context.RequestAborted)
                ?? throw new ApiException(StatusCodes.Status400BadRequest, "expected a JSON object, got null");
        }
        catch (JsonException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"not valid JSON: {e.Message}");
        }
    }

    private static async Task<IResult> Enrol(HttpContext context, FaceService service, string name)
    {
        name = ServerGallery.CheckName(name);
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var box = ParseBox(form["box"]);
        var uploads = await UploadReader.FilesAsync(form, "image", cancel);
        var results = await service.InferAsync(context, "enrol", () => uploads.Select(u => EmbedPhoto(service.Pipeline, u, box)).ToList());
        var warnings = results.Where(r => r.Warning is not null).Select(r => r.Warning!).ToList();
        var good = results.Where(r => r.Embedding is not null).ToList();
        if (good.Count == 0)
        {
            // Every upload failed the same way (all not images, say): that status; else no usable face.
            var statuses = results.Select(r => r.Status ?? StatusCodes.Status422UnprocessableEntity).Distinct().ToList();
            throw new ApiException(statuses.Count == 1 ? statuses[0] : StatusCodes.Status422UnprocessableEntity,
                $"{name} not enrolled: {warnings.FirstOrDefault() ?? "no usable face"}");
        }
        var gallery = service.Gallery;
        int count = gallery.Change(g =>
        {
            // Sources are unique per person: two uploads named photo.jpg are two faces (photo.jpg, photo (2).jpg).
            var taken = new HashSet<string>(g[name]?.Sources ?? [], StringComparer.Ordinal);
            var faces = good.Select(r => r with { Source = UniqueSource(r.Source, taken) }).ToList();
            g.AddPerson(name, faces.Select(r => (r.Embedding!, r.Source, r.Gray)).ToList());
            foreach (var r in faces.Where(r => r.Thumbnail is not null))
                gallery.Thumbnails.Put(name, FaceId.Of(r.Source), r.Thumbnail!);
            return g[name]!.Embeddings.Count;
        });
        return Answers.Json(new EnrolAnswer(name, count, good.Count, warnings));
    }

    private static string UniqueSource(string source, HashSet<string> taken)
    {
        var unique = source;
        for (int n = 2; !taken.Add(unique); n++)
            unique = $"{Path.GetFileNameWithoutExtension(source)} ({n}){Path.GetExtension(source)}";
        return unique;
    }

    /// <summary>The optional 'box' field: "x,y,w,h" in the image's pixels (400 when malformed).</summary>
    private static RectangleF? ParseBox(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[4];
        if (parts.Length != 4 || parts.Where((p, i) => !float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i])).Any()
            || values[2] <= 0 || values[3] <= 0)
            throw new ApiException(StatusCodes.Status400BadRequest, $"box must be \"x,y,w,h\" in pixels with w, h > 0, got \"{text.ReplaceLineEndings(" ")}\"");
        return new RectangleF(values[0], values[1], values[2], values[3]);
    }

    private sealed record PhotoResult(float[]? Embedding, string Source, string? Warning, int? Status = null, bool Gray = false, byte[]? Thumbnail = null);

    private static PhotoResult EmbedPhoto(FacePipeline pipeline, UploadReader.Upload upload, RectangleF? box)
    {
        try
        {
            var image = FaceService.Decode(upload);
            var photo = GalleryEnrolment.EmbedPhoto(pipeline, image, upload.Name, box);
            if (photo.Embedding is null) return new(null, upload.Name, photo.Warning, StatusCodes.Status422UnprocessableEntity, photo.Gray);
            var thumbnail = ImageEncoder.EncodeJpeg(pipeline.Crop(image, photo.Face, ThumbnailSize), 85);
            return new(photo.Embedding, upload.Name, photo.Warning, null, photo.Gray, thumbnail);
        }
        catch (ImageDecodeException e)
        {
            return new(null, upload.Name, e.Message + ", skipped", e.OverBudget ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status415UnsupportedMediaType);
        }
    }
}
