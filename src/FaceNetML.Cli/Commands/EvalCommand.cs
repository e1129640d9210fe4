using System.CommandLine;
using FaceNetML.Pipeline;
using FaceNetML.Verification;
using Spectre.Console;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml eval lfw --pairs FILE --images DIR</c>: the standard LFW verification protocol.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var pairsFile = new Option<string>("--pairs") { Description = "LFW pairs.txt (header 'K N': K folds of N same + N different pairs)", Required = true };
        var images = new Option<string?>("--images") { Description = "Image folder (<name>/<name>_NNNN.jpg); default: images/ beside pairs.txt" };
        var foldsFromHeader = new Option<bool>("--folds-from-header") { Description = "Take the fold count from the header (always done; accepted for compatibility)" };
        var rocCsv = new Option<string?>("--roc-csv") { Description = "Write the ROC curve (far,tar,threshold) to this CSV file", Validators = { OptionValidation.OutputFile } };
        var lfw = new Command("lfw", "Evaluate face verification on LFW-format pairs") { pairsFile, images, foldsFromHeader, rocCsv, CliContext.Model, CliContext.MinFace, CliContext.Threads };
        lfw.SetAction(parse =>
        {
            var pairs = LfwPairs.Load(parse.GetValue(pairsFile)!, parse.GetValue(images));
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse, FaceChoice.Centred, fallback: true));
            bool json = parse.GetValue(CliContext.Json);
            LfwEvaluation result = null!;
            CliContext.Err.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("Embedding images");
                result = LfwEvaluator.Evaluate(pipeline, pairs, (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
            });
            foreach (var e in result.Errors) CliContext.Error("error: " + e);
            if (parse.GetValue(rocCsv) is { } csv) result.Report.Roc.WriteCsv(csv);
            var r = result.Report;
            if (json)
            {
                CliContext.WriteJson(new
                {
                    pairs = r.Pairs,
                    folds = r.Folds,
                    accuracy = CliContext.Round(r.Accuracy),
                    accuracyStd = CliContext.Round(r.AccuracyStd),
                    auc = CliContext.Round(r.Auc),
                    eer = CliContext.Round(r.Eer),
                    valAtFar1e3 = CliContext.Round(r.ValAtFar1e3),
                    threshold = CliContext.Round(r.Threshold),
                    facesNotFound = result.FacesNotFound,
                    imagesPerSecond = CliContext.Round(result.ImagesPerSecond, 1),
                    images = result.Images,
                    pairsSkipped = result.PairsSkipped,
                    foldAccuracies = r.FoldAccuracies.Select(a => CliContext.Round(a)),
                    model = pipeline.Model.Name,
                });
            }
            else
            {
                Console.WriteLine($"LFW ({r.Folds} folds, {r.Pairs} pairs, model {pipeline.Model.Name})");
                Console.WriteLine($"  accuracy      {r.Accuracy * 100:F2}% +- {r.AccuracyStd * 100:F2}%");
                Console.WriteLine($"  AUC           {r.Auc:F4}");
                Console.WriteLine($"  EER           {r.Eer * 100:F2}%");
                Console.WriteLine($"  VAL@FAR=1e-3  {r.ValAtFar1e3 * 100:F2}%");
                Console.WriteLine($"  threshold     {r.Threshold:F4} (best over all pairs)");
                Console.WriteLine($"  no face found in {result.FacesNotFound} of {result.Images} images (centre crop used)");
                Console.WriteLine($"  {result.ImagesPerSecond:F1} images/s");
            }
            return result.Errors.Count > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        });
        return new Command("eval", "Evaluate accuracy on a benchmark") { lfw };
    }
}
