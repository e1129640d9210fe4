using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml identify IMAGE --gallery GALLERY</c>: names every face of a photo, or null when nobody in the
/// gallery is close enough. A stored gallery (file, <c>.usearch</c>, URL) is searched with the model it was built with
/// unless <c>--model</c> names it; a folder of people is enrolled in memory first, with <c>--model</c> (default MobileFaceNet).</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Photo to identify the faces of" };
        var galleryPath = new Option<string>("--gallery")
        {
            Description = "Gallery: a .json file or .usearch path written by 'facenetml enroll', a postgres:// URL, or a folder of people " +
                          "(one sub-folder of photos per person, or photos named after their people) enrolled in memory first",
            Required = true,
        };
        var command = new Command("identify", "Name the faces of a photo against a gallery (its model unless --model is given)") { image, galleryPath, CliContext.Model, CliContext.MinFace, CliContext.Threads };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(image)!;
            var location = parse.GetValue(galleryPath)!;
            var picture = ImageDecoder.Decode(path); // a bad photo fails before the gallery and the models load
            using var stored = GalleryStore.IsPeopleFolder(location) ? null : GalleryStore.OpenRead(location);
            using var pipeline = OpenPipeline(parse, stored);
            using var enrolled = stored is null ? GalleryStore.OpenRead(location, pipeline) : null;
            var gallery = stored ?? enrolled!;
            foreach (var w in enrolled?.Warnings ?? []) CliContext.Error("warning: " + w);
            gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
            var faces = pipeline.EmbedAll(picture, withGray: gallery.HasGrayFaces);
            var rows = faces.Select(f => IdentifiedFace.From(f.Face!, gallery.Identify(FaceProbe.From(f)))).ToList();
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new IdentifyAnswer(null, null, rows));
            else
                foreach (var r in rows)
                    Console.WriteLine($"[{string.Join(", ", r.Box)}]: {r.Person ?? "unknown" + (r.Reason is { } why ? $", {why}" : "")} (confidence {r.Confidence:F2}; nearest {r.Nearest} at {r.Distance:F4}, then {r.SecondNearest ?? "nobody"})");
            return rows.Count == 0 ? ExitCodes.NoFace : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The pipeline of <c>--model</c>, else of the stored gallery's model, else of the default model.</summary>
    private static FacePipeline OpenPipeline(ParseResult parse, Gallery? stored)
    {
        if (parse.GetValue(CliContext.Model) is not null || stored is null) return new FacePipeline(CliContext.PipelineOptions(parse));
        try
        {
            return new FacePipeline(CliContext.PipelineOptions(parse, defaultModel: stored.Model));
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{stored.Index.Location}: the gallery was built with model '{stored.Model}', which cannot be loaded ({e.Message}); give it with --model");
        }
    }
}
