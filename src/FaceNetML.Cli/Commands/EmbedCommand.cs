using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.MLNet;
using FaceNetML.Pipeline;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml embed IMAGE...</c>: the embedding of the largest face of each image; bad files become error rows.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files", Arity = ArgumentArity.OneOrMore };
        var saved = new Option<string?>("--mlnet-model") { Description = "Embed with a saved ML.NET chain (model.zip with a Path input and an Embedding output) instead of the built-in pipeline" };
        var command = new Command("embed", "L2-normalised embedding of the largest face in each image") { images, saved, CliContext.Model, CliContext.MinFace, CliContext.Threads };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(images)!;
            if (parse.GetValue(saved) is { } zip) return WithSavedModel(zip, paths, parse.GetValue(CliContext.Json));
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            var results = pipeline.EmbedFiles(paths);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(new EmbedAnswer(pipeline.Model.Name,
                    [.. results.Select(r => r.Ok ? EmbedRow.Embedded(r.Path, r.Result!.Embedding) : EmbedRow.Failed(r.Path, r.Error!))]));
            }
            else
            {
                foreach (var r in results.Where(r => r.Ok))
                    Console.WriteLine($"{r.Path}: [{string.Join(", ", r.Result!.Embedding.Take(4).Select(v => v.ToString("F4")))}, ...] ({r.Result.Embedding.Length} values)");
            }
            foreach (var r in results.Where(r => !r.Ok)) CliContext.Error("error: " + r.Error);
            if (results.Any(r => !r.Ok && !r.NoFace)) return ExitCodes.BadInput;
            return results.Any(r => r.NoFace) ? ExitCodes.NoFace : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The same output from a saved ML.NET chain: everything it needs is inside the zip.</summary>
    private static int WithSavedModel(string zip, string[] paths, bool json)
    {
        using var model = new SavedFaceModel(zip);
        var results = paths.Select(p => (Path: p, Result: model.Embed(p))).ToList();
        if (json)
            CliContext.WriteJson(new EmbedAnswer(zip,
                [.. results.Select(r => r.Result.Embedding is { } e ? EmbedRow.Embedded(r.Path, e) : EmbedRow.Failed(r.Path, r.Result.Error!))]));
        else
            foreach (var r in results.Where(r => r.Result.Embedding is not null))
                Console.WriteLine($"{r.Path}: [{string.Join(", ", r.Result.Embedding!.Take(4).Select(v => v.ToString("F4")))}, ...] ({r.Result.Embedding!.Length} values)");
        foreach (var r in results.Where(r => r.Result.Error is not null)) CliContext.Error("error: " + r.Result.Error);
        if (results.Any(r => r.Result.Error is not null && !r.Result.NoFace)) return ExitCodes.BadInput;
        return results.Any(r => r.Result.NoFace) ? ExitCodes.NoFace : ExitCodes.Success;
    }
}
