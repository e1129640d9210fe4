using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml identify IMAGE --gallery gallery.json</c>: names every face of a photo, or null when nobody in the gallery is close enough.</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Photo to identify the faces of" };
        var galleryPath = new Option<string>("--gallery") { Description = "Gallery written by 'facenetml enroll': a .json file, a .usearch path or a postgres:// URL", Required = true };
        var command = new Command("identify", "Name the faces of a photo against a gallery") { image, galleryPath, CliContext.Model, CliContext.MinFace };
        command.SetAction(parse =>
        {
            using var gallery = GalleryStore.OpenRead(parse.GetValue(galleryPath)!);
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
            var path = parse.GetValue(image)!;
            var faces = pipeline.EmbedAll(ImageDecoder.Decode(path), withGray: gallery.HasGrayFaces);
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
}
