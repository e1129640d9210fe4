using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceNetML.Server;

/// <summary>Gallery management: <c>GET /v1/people</c>, <c>POST /v1/people/{name}</c> (enrol from 'image' photos),
/// <c>DELETE /v1/people/{name}</c>. Enrolment embeds as <c>facenetml enroll</c> does: the centred face, flip-augmented.</summary>
public static class PeopleEndpoints
{
    public static void Map(IEndpointRouteBuilder app, FaceService service)
    {
        app.MapGet("/v1/people", () => Answers.Json(service.Gallery.Read(PeopleAnswer.From)))
            .WithSummary("The enrolled people and their number of embeddings")
            .Produces<PeopleAnswer>().ProducesErrors(Answers.RequestErrors);
        app.MapPost("/v1/people/{name}", (HttpContext c, string name) => Enrol(c, service, name))
            .WithSummary("Enrol a person (or add photos to them) from one or more 'image' files").Accepts<IFormFile>("multipart/form-data")
            .Produces<EnrolAnswer>().ProducesErrors(Answers.FaceErrors);
        app.MapDelete("/v1/people/{name}", (string name) =>
        {
            name = ServerGallery.CheckName(name);
            bool removed = service.Gallery.Change(g => g.Remove(name));
            return removed ? Answers.Json(new PersonRemovedAnswer(name)) : throw new ApiException(StatusCodes.Status404NotFound, $"{name}: not enrolled");
        }).WithSummary("Remove a person from the gallery")
            .Produces<PersonRemovedAnswer>().ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound]);
    }

    private static async Task<IResult> Enrol(HttpContext context, FaceService service, string name)
    {
        name = ServerGallery.CheckName(name);
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var uploads = await UploadReader.FilesAsync(form, "image", cancel);
        var results = await service.InferAsync(context, "enrol", () => uploads.Select(u => EmbedPhoto(service.Pipeline, u)).ToList());
        var warnings = results.Where(r => r.Warning is not null).Select(r => r.Warning!).ToList();
        var good = results.Where(r => r.Embedding is not null).ToList();
        if (good.Count == 0)
            throw new ApiException(uploads.Count == 1 && results[0].Status is { } s ? s : StatusCodes.Status422UnprocessableEntity,
                $"{name} not enrolled: {warnings.FirstOrDefault() ?? "no usable face"}");
        int count = service.Gallery.Change(g =>
        {
            g.AddPerson(name, good.Select(r => (r.Embedding!, r.Source, r.Gray)).ToList());
            return g[name]!.Embeddings.Count;
        });
        return Answers.Json(new EnrolAnswer(name, count, good.Count, warnings));
    }

    private sealed record PhotoResult(float[]? Embedding, string Source, string? Warning, int? Status = null, bool Gray = false);

    private static PhotoResult EmbedPhoto(FacePipeline pipeline, UploadReader.Upload upload)
    {
        try
        {
            var image = FaceService.Decode(upload);
            var photo = GalleryEnrolment.EmbedPhoto(pipeline, image, upload.Name);
            return new(photo.Embedding, upload.Name, photo.Warning, photo.Embedding is null ? StatusCodes.Status422UnprocessableEntity : null, photo.Gray);
        }
        catch (Imaging.ImageDecodeException e)
        {
            return new(null, upload.Name, e.Message + ", skipped", e.OverBudget ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status415UnsupportedMediaType);
        }
    }
}
