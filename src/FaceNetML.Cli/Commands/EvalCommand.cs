using FaceNetML.Evaluation;
using FaceNetML.Recognition;
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
                    foldThresholds = r.FoldThresholds.Select(t => CliContext.Round(t)),
                    model = pipeline.Model.Name,
                    fusion = result.Fusion is { } f ? new
                    {
                        weight = pipeline.Model.Fusion?.Weight,
                        foldWeights = f.FoldWeights,
                        models = f.Models.Select((m, i) => new
                        {
                            model = m,
                            accuracy = CliContext.Round(f.PerModel[i].Mean),
                            accuracyStd = CliContext.Round(f.PerModel[i].Std),
                            foldAccuracies = f.PerModel[i].FoldAccuracies.Select(a => CliContext.Round(a)),
                        }),
                    } : null,
                });
            }
            else
            {
                Console.WriteLine($"LFW ({r.Folds} folds, {r.Pairs} pairs, model {pipeline.Model.Name})");
                Console.WriteLine($"  accuracy      {r.Accuracy * 100:F2}% +- {r.AccuracyStd * 100:F2}%");
                if (result.Fusion is { } f)
                {
                    Console.WriteLine($"  fusion weights learned per fold on the other folds: {string.Join(" / ", f.FoldWeights.Select(w => w.ToString("0.00")))} (default {pipeline.Model.Fusion?.Weight:0.00})");
                    for (int i = 0; i < f.Models.Count; i++)
                        Console.WriteLine($"  {f.Models[i],-13} alone {f.PerModel[i].Mean * 100:F2}% +- {f.PerModel[i].Std * 100:F2}%");
                }
                Console.WriteLine($"  AUC           {r.Auc:F4}");
                Console.WriteLine($"  EER           {r.Eer * 100:F2}%");
                Console.WriteLine($"  VAL@FAR=1e-3  {r.ValAtFar1e3 * 100:F2}%");
                Console.WriteLine($"  threshold     {r.Threshold:F4} (best over all pairs)");
                Console.WriteLine($"  no face found in {result.FacesNotFound} of {result.Images} images (centre crop used)");
                Console.WriteLine($"  {result.ImagesPerSecond:F1} images/s");
            }
            return result.Errors.Count > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        });
        return new Command("eval", "Evaluate accuracy on a benchmark") { lfw, Identify() };
    }

    /// <summary>One face-size bin of a 1:N report, as JSON.</summary>
    internal static object SizeRow(SizeBinFigures b) => new
    {
        faces = b.Bin + " px",
        mates = b.Mates,
        nonMates = b.NonMates,
        dirAtFpir1e2 = b.DirAtFpir1 is { } x ? CliContext.Round(x) : (double?)null,
        fpirAtRule = CliContext.Round(b.FpirAtRule),
        dirAtRule = CliContext.Round(b.DirAtRule),
        wrongNameAtRule = CliContext.Round(b.WrongNameAtRule),
        unknownForQuality = CliContext.Round(b.UnknownForQuality),
    };

    /// <summary><c>facenetml eval identify --gallery DIR --probes DIR</c> (or <c>--from DIR</c>): open-set 1:N figures.</summary>
    private static Command Identify()
    {
        var gallery = new Option<string?>("--gallery") { Description = "Gallery: a folder of people (one sub-folder of photos per person, or photos named after their people), a gallery.json, a .usearch path or a postgres:// URL" };
        var probes = new Option<string?>("--probes") { Description = "Probe photos, one sub-folder per person; people not in the gallery are strangers" };
        var from = new Option<string?>("--from") { Description = "Instead of --gallery/--probes: split one LFW-style folder (half the people with enough photos enrolled)" };
        var enrol = new Option<int>("--enroll", "--enrol") { Description = "With --from: photos enrolled per person", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "With --from: seed of the split", DefaultValueFactory = _ => 1 };
        var det = new Option<string?>("--det-png") { Description = "Write the DET curves (rule vs nearest distance) as PNG", Validators = { OptionValidation.OutputFile } };
        var command = new Command("identify", "Evaluate open-set identification: rank-1, DIR at FPIR 1% and 0.1%, DET curve")
        {
            gallery, probes, from, enrol, seed, det, CliContext.Model, CliContext.MinFace, CliContext.Threads,
        };
        command.SetAction(parse =>
        {
            var fromFolder = parse.GetValue(from);
            if (fromFolder is null && (parse.GetValue(gallery) is null || parse.GetValue(probes) is null))
                throw new BadInputException("give --gallery and --probes, or --from FOLDER");
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse, FaceChoice.Centred));
            Gallery people;
            List<(string Person, string Path)> probeList;
            if (fromFolder is not null)
            {
                var (enrolled, searched) = IdentificationEvaluator.Split(fromFolder, parse.GetValue(enrol), parse.GetValue(seed));
                people = GalleryEnrolment.FromPhotos(pipeline, enrolled);
                probeList = searched;
            }
            else
            {
                people = Gallery.Open(pipeline, parse.GetValue(gallery)!);
                probeList = GalleryEnrolment.PersonPhotos(parse.GetValue(probes)!, "probe folder");
            }
            IdentificationEvaluation result = null!;
            CliContext.Err.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("Identifying probes", maxValue: probeList.Count);
                result = IdentificationEvaluator.Evaluate(pipeline, people, probeList, done => task.Value = done);
            });
            foreach (var e in result.Errors) CliContext.Error("warning: " + e + ", not counted");
            if (parse.GetValue(det) is { } detPng) IdentifyRuleCommand.DetPng(detPng, result.Rule, result.Distance);
            var r = result.Rule;
            var d = result.Distance;
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(new
                {
                    people = people.PersonCount,
                    mateSearches = r.MateSearches,
                    nonMateSearches = r.NonMateSearches,
                    rank1 = CliContext.Round(r.Rank1),
                    dirAtFpir1e2 = CliContext.Round(r.DirAtFpir(0.01)),
                    dirAtFpir1e3 = CliContext.Round(r.DirAtFpir(0.001)),
                    atThreshold = new { threshold = CliContext.Round(result.RuleUsed.Threshold), fpir = CliContext.Round(result.FpirAtThreshold), dir = CliContext.Round(result.DirAtThreshold) },
                    distanceOnly = new { dirAtFpir1e2 = CliContext.Round(d.DirAtFpir(0.01)), dirAtFpir1e3 = CliContext.Round(d.DirAtFpir(0.001)) },
                    atRule = new { fpir = CliContext.Round(result.AtRule.FpirAtRule), dir = CliContext.Round(result.AtRule.DirAtRule), wrongName = CliContext.Round(result.AtRule.WrongNameAtRule) },
                    bySize = result.BySize.Select(SizeRow),
                    notCounted = result.Errors.Count,
                    ruleCalibrated = result.RuleUsed.Calibrated,
                    model = pipeline.Model.Name,
                });
            }
            else
            {
                Console.WriteLine($"open-set identification ({people.PersonCount} people enrolled; {r.MateSearches} mate and {r.NonMateSearches} stranger searches; model {pipeline.Model.Name})");
                Console.WriteLine($"  rank-1                {r.Rank1 * 100:F2}%");
                Console.WriteLine($"  DIR @ FPIR = 1%       {r.DirAtFpir(0.01) * 100:F2}%   (nearest distance alone {d.DirAtFpir(0.01) * 100:F2}%)");
                Console.WriteLine($"  DIR @ FPIR = 0.1%     {r.DirAtFpir(0.001) * 100:F2}%   (nearest distance alone {d.DirAtFpir(0.001) * 100:F2}%)");
                Console.WriteLine($"  at the rule's threshold {result.RuleUsed.Threshold:F4}: FPIR {result.FpirAtThreshold * 100:F2}%, DIR {result.DirAtThreshold * 100:F2}%");
                Console.WriteLine($"  the rule's decisions (quality limits, size-bin thresholds): FPIR {result.AtRule.FpirAtRule:P2}, DIR {result.AtRule.DirAtRule:P2}, wrong name {result.AtRule.WrongNameAtRule:P2}");
                foreach (var b in result.BySize)
                    Console.WriteLine($"    faces {b.Bin} px: {b.Mates} mate / {b.NonMates} stranger searches; DIR @ FPIR 1% {(b.DirAtFpir1 is { } x ? x.ToString("P2") : "-")}; "
                        + $"rule: FPIR {b.FpirAtRule:P2}, DIR {b.DirAtRule:P2}, wrong name {b.WrongNameAtRule:P2}, unknown (quality) {b.UnknownForQuality:P2}");
                if (result.Errors.Count > 0) Console.WriteLine($"  {result.Errors.Count} probes not counted (unreadable or no face)");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
