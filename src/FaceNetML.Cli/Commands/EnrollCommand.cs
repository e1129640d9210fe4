using System.CommandLine;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml enroll GALLERY_DIR --out GALLERY</c>: one sub-folder per person, several photos each, added to the gallery
/// (any backend) in resumable batches; <c>facenetml enroll --from-video CLIP --person NAME --out GALLERY</c>: adds a person
/// from the faces of one track of a clip.
/// </summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var dir = new Argument<string?>("gallery-dir") { Description = "Folder of people: one sub-folder of photos per person, or photos named after their people", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "Gallery to add to (created when missing): a .json file, a .usearch path or a postgres://user@host:port/db?table=NAME URL; one unit per person, photos it already holds are skipped", DefaultValueFactory = _ => "gallery.json", Validators = { OptionValidation.GalleryOutput } };
        var fromVideo = new Option<string?>("--from-video") { Description = "Enrol --person from the longest face track of this clip" };
        var person = new Option<string?>("--person") { Description = "Name of the person enrolled with --from-video" };
        var batch = new Option<int>("--batch-people") { Description = "People embedded before each write to the gallery (an interrupted enrolment keeps the finished ones)", DefaultValueFactory = _ => 256 };
        batch.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--batch-people must be at least 1"); });
        var command = new Command("enroll", "Add people to a gallery (gallery.json by default) from a folder of people, or a person from a video")
        {
            dir, output, fromVideo, person, batch, CliContext.Model, CliContext.MinFace, CliContext.Threads,
        };
        command.Aliases.Add("enrol");
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
            long addedFaces;
            IReadOnlyList<string> warnings;
            if (folder is not null)
            {
                // Added to in batches of people, one unit per person: an interrupted run keeps every finished person, and
                // running it again embeds only the photos the gallery does not hold yet.
                (addedFaces, warnings) = GalleryEnrolment.EnrolFolder(target, pipeline, folder, parse.GetValue(batch));
            }
            else
            {
                var name = parse.GetValue(person)!;
                var gallery = new Gallery(pipeline.Model.Name, pipeline.Threshold);
                if (VideoEnrolment.AddFromVideo(gallery, pipeline, clip!, name) == 0)
                {
                    CliContext.Error($"error: {clip}: no face found, {name} not enrolled");
                    return ExitCodes.NoFace;
                }
                GalleryEnrolment.WarnOutliers(gallery);
                addedFaces = GalleryStore.CopyInto(gallery, target);
                warnings = gallery.Warnings;
            }
            foreach (var w in warnings) CliContext.Error("warning: " + w);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new { gallery = target.Index.Location, backend = target.Index.Backend, added = addedFaces, people = target.PersonCount, embeddings = target.Index.FaceCount, warnings });
            else
                Console.WriteLine($"{target.Index.Location}: {target.PersonCount} people, {target.Index.FaceCount} embeddings ({addedFaces} added)");
            return ExitCodes.Success;
        });
        return command;
    }
}
