using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Verification;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml verify A B</c>: are the largest faces of two photos the same person?</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("image-a") { Description = "First photo" };
        var b = new Argument<string>("image-b") { Description = "Second photo" };
        var threshold = new Option<float?>("--threshold") { Description = "Distance below which the faces are the same person (default: the model's)" }.PositiveFinite();
        var command = new Command("verify", "Compare the largest face in two photos") { a, b, threshold, CliContext.Model, CliContext.MinFace };
        command.SetAction(parse =>
        {
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse) with { Parallelism = 2 });
            var results = pipeline.EmbedFiles([parse.GetValue(a)!, parse.GetValue(b)!]);
            foreach (var r in results.Where(r => !r.Ok)) CliContext.Error("error: " + r.Error);
            if (results.Any(r => !r.Ok && !r.NoFace)) return ExitCodes.BadInput;
            if (results.Any(r => r.NoFace)) return ExitCodes.NoFace;
            float t = parse.GetValue(threshold) ?? pipeline.Threshold;
            float distance = EmbeddingDistance.Euclidean(results[0].Result!.Embedding, results[1].Result!.Embedding);
            var answer = VerifyAnswer.Decide(distance, t, pipeline.Model.Name);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(answer);
            else
                Console.WriteLine($"{(answer.Same ? "same person" : "different people")}: distance {distance:F4} {(answer.Same ? "<" : ">=")} threshold {t:F4} ({pipeline.Model.Name})");
            return ExitCodes.Success;
        });
        return command;
    }
}
