using System.Globalization;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceNetML.Server;

/// <summary><c>POST /v1/verify</c>, <c>/v1/detect</c>, <c>/v1/embed</c> and <c>/v1/identify</c>: multipart uploads in,
/// the CLI's JSON out (the records of <see cref="FaceNetML.Contracts"/>, declared for the OpenAPI document).</summary>
public static class FaceEndpoints
{
    public static void Map(IEndpointRouteBuilder app, FaceService service)
    {
        app.MapPost("/v1/verify", (HttpContext c, HttpRequest _) => Verify(c, service))
            .WithSummary("Are the largest faces of photos 'a' and 'b' the same person? (facenetml verify)").Accepts<IFormFile>("multipart/form-data")
            .Produces<VerifyAnswer>().ProducesErrors(Answers.FaceErrors);
        app.MapPost("/v1/detect", (HttpContext c, HttpRequest _) => Detect(c, service))
            .WithSummary("Boxes, scores and landmarks of every face in 'image' (facenetml detect)").Accepts<IFormFile>("multipart/form-data")
            .Produces<DetectAnswer>().ProducesErrors(Answers.UploadErrors);
        app.MapPost("/v1/embed", (HttpContext c, HttpRequest _) => Embed(c, service))
            .WithSummary("Embedding of the largest face of each 'image' file (facenetml embed)").Accepts<IFormFile>("multipart/form-data")
            .Produces<EmbedAnswer>().ProducesErrors(Answers.FaceErrors);
        app.MapPost("/v1/identify", (HttpContext c, HttpRequest _) => Identify(c, service))
            .WithSummary("Every face of 'image' with its person (or null) and confidence (facenetml identify)").Accepts<IFormFile>("multipart/form-data")
            .Produces<IdentifyAnswer>().ProducesErrors(Answers.FaceErrors);
    }

    private static async Task<IResult> Verify(HttpContext context, FaceService service)
    {
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var a = await UploadReader.FileAsync(form, "a", cancel);
        var b = await UploadReader.FileAsync(form, "b", cancel);
        float threshold = service.Pipeline.Threshold;
        if (form.TryGetValue("threshold", out var t) && t.Count > 0)
            threshold = float.TryParse(t[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && float.IsFinite(v)
                ? v : throw new ApiException(StatusCodes.Status400BadRequest, $"threshold must be a positive number, got '{t[0]}'");
        var (ea, eb) = await service.InferAsync(context, "verify", () => (service.EmbedPrimary(a), service.EmbedPrimary(b)));
        float distance = EmbeddingDistance.Euclidean(ea.Embedding, eb.Embedding);
        return Answers.Json(VerifyAnswer.Decide(distance, threshold, service.Pipeline.Model.Name, ea.Face!, eb.Face!));
    }

    private static async Task<IResult> Detect(HttpContext context, FaceService service)
    {
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var upload = await UploadReader.FileAsync(form, "image", cancel);
        var answer = await service.InferAsync(context, "detect", () =>
        {
            var image = FaceService.Decode(upload);
            return DetectAnswer.From(service.Pipeline.Detect(image), image.Width, image.Height);
        });
        return Answers.Json(answer);
    }

    private static async Task<IResult> Embed(HttpContext context, FaceService service)
    {
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var uploads = await UploadReader.FilesAsync(form, "image", cancel);
        var rows = await service.InferAsync(context, "embed", () => uploads.Select(u =>
        {
            // One file: its failure is the answer (413/415/422). Several: bad files become error rows, as in the CLI.
            if (uploads.Count == 1) return EmbedRow.Embedded(u.Name, service.EmbedPrimary(u).Embedding);
            try { return EmbedRow.Embedded(u.Name, service.EmbedPrimary(u).Embedding); }
            catch (Exception e) when (e is BadInputException or ApiException) { return EmbedRow.Failed(u.Name, e.Message); }
        }).ToList());
        return Answers.Json(new EmbedAnswer(service.Pipeline.Model.Name, rows));
    }

    private static async Task<IResult> Identify(HttpContext context, FaceService service)
    {
        var cancel = context.RequestAborted; // the upload; the deadline starts when inference is asked for
        var form = await UploadReader.ReadFormAsync(context.Request, cancel);
        var upload = await UploadReader.FileAsync(form, "image", cancel);
        var answer = await service.InferAsync(context, "identify", () =>
        {
            var image = FaceService.Decode(upload);
            var faces = service.Pipeline.EmbedAll(image, withGray: service.Gallery.Read(g => g.HasGrayFaces));
            if (faces.Count == 0) throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"image ({upload.Name}): no face found");
            var found = service.Gallery.Read(g => faces.Select(f => IdentifiedFace.From(f.Face!, g.Identify(FaceProbe.From(f)))).ToList());
            return new IdentifyAnswer(image.Width, image.Height, found);
        });
        return Answers.Json(answer);
    }
}
