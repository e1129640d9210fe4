using System.CommandLine;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml enroll GALLERY_DIR --out gallery.json</c>: one sub-folder per person, several photos each.</summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("gallery-dir") { Description = "Folder with one sub-folder of photos per person" };
        var output = new Option<string>("--out") { Description = "Gallery file to write", DefaultValueFactory = _ => "gallery.json", Validators = { OptionValidation.OutputFile } };
        var command = new Command("enroll", "Build a gallery (gallery.json) from a folder of people") { dir, output, CliContext.Model, CliContext.MinFace, CliContext.Threads };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)!;
            if (!Directory.Exists(folder)) throw new BadInputException($"{folder}: no such folder");
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            var gallery = Gallery.FromFolder(pipeline, folder);
            foreach (var w in gallery.Warnings) CliContext.Error("warning: " + w);
            var path = parse.GetValue(output)!;
            gallery.Save(path);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new { gallery = path, people = gallery.People.Select(p => new { name = p.Name, embeddings = p.Embeddings.Count }) });
            else
                Console.WriteLine($"{path}: {gallery.People.Count} people, {gallery.EmbeddingCount} embeddings");
            return gallery.People.Count == 0 ? ExitCodes.NoFace : ExitCodes.Success;
        });
        return command;
    }
}
