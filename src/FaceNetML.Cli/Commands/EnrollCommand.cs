using System.CommandLine;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml enroll GALLERY_DIR --out gallery.json</c>: one sub-folder per person, several photos each;
/// <c>facenetml enroll --from-video CLIP --person NAME --out gallery.json</c>: adds a person from the faces of one
/// track of a clip (to the gallery file when it exists).
/// </summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var dir = new Argument<string?>("gallery-dir") { Description = "Folder with one sub-folder of photos per person", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "Gallery to write: a .json file (with --from-video: added to when it exists), or a .usearch path or postgres://user@host:port/db?table=NAME URL (added to, one transaction per person)", DefaultValueFactory = _ => "gallery.json", Validators = { OptionValidation.GalleryOutput } };
        var fromVideo = new Option<string?>("--from-video") { Description = "Enrol --person from the longest face track of this clip" };
        var person = new Option<string?>("--person") { Description = "Name of the person enrolled with --from-video" };
        var command = new Command("enroll", "Build a gallery (gallery.json) from a folder of people, or add a person from a video")
        {
            dir, output, fromVideo, person, CliContext.Model, CliContext.MinFace, CliContext.Threads,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dir);
            var clip = parse.GetValue(fromVideo);
            var path = parse.GetValue(output)!;
            if (folder is null && clip is null) throw new BadInputException("give a gallery folder, or --from-video CLIP --person NAME");
            if (clip is not null && string.IsNullOrWhiteSpace(parse.GetValue(person))) throw new BadInputException("--from-video needs --person NAME");
            if (folder is not null && !Directory.Exists(folder)) throw new BadInputException($"{folder}: no such folder");
            if (clip is not null) Ffmpeg.Probe(clip); // unreadable clips fail before models load
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            // The gallery (JSON file, HNSW file or PostgreSQL) is opened, and its model checked, before any photo is
            // embedded: a wrong URL, an unreachable server, a wrong table or another model's gallery fails with nothing written.
            using var target = GalleryStore.OpenWrite(path, pipeline.Model.Name, pipeline.Threshold, pipeline.EmbeddingSize);
            var gallery = folder is not null ? Gallery.FromFolder(pipeline, folder) : new Gallery(pipeline.Model.Name, pipeline.Threshold);
            if (clip is not null)
            {
                var name = parse.GetValue(person)!;
                int added = VideoEnrolment.AddFromVideo(gallery, pipeline, clip, name);
                if (added == 0)
                {
                    CliContext.Error($"error: {clip}: no face found, {name} not enrolled");
                    return ExitCodes.NoFace;
                }
                GalleryEnrolment.WarnOutliers(gallery);
            }
            foreach (var w in gallery.Warnings) CliContext.Error("warning: " + w);
            // Added to, one unit per person; a (person, photo) the gallery already holds is not added again.
            long addedFaces = GalleryStore.CopyInto(gallery, target);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new { gallery = target.Index.Location, backend = target.Index.Backend, added = addedFaces, people = target.PersonCount, embeddings = target.Index.FaceCount, warnings = gallery.Warnings });
            else
                Console.WriteLine($"{target.Index.Location}: {target.PersonCount} people, {target.Index.FaceCount} embeddings ({addedFaces} added)");
            return gallery.PersonCount == 0 ? ExitCodes.NoFace : ExitCodes.Success;
        });
        return command;
    }
}
