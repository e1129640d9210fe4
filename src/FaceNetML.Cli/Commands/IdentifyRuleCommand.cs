using System.CommandLine;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Trainers.Recognition;
using FaceNetML.Trainers.Plots;
using SkiaSharp;
using Spectre.Console;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml identify-rule train --data DIR... --strangers DIR... --out rule.json</c> calibrates the open-set
/// identification rule on simulated 1:N trials (held-out identities measured apart); <c>identify-rule show</c> prints the
/// rule a gallery, a rule file or a model's built-in rule holds.
/// </summary>
internal static class IdentifyRuleCommand
{
    public static Command Create() => new("identify-rule", "Calibrate or show the open-set identification rule") { Train(), Show() };

    private static Command Train()
    {
        var data = new Option<string[]>("--data") { Description = "Identity folders (<root>/<identity>/*.jpg), e.g. celeba-train and celeba-extra", Required = true, AllowMultipleArgumentsPerToken = true };
        var strangers = new Option<string[]>("--strangers") { Description = "Folders of unlabeled faces used as strangers, e.g. faces-unlabeled", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Rule file to write", DefaultValueFactory = _ => "identify.rule.json", Validators = { OptionValidation.OutputFile } };
        var maxStrangers = new Option<int>("--max-strangers") { Description = "Stranger photos sampled", DefaultValueFactory = _ => 4000 };
        var maxIdentities = new Option<int>("--max-identities") { Description = "Identities used (quick runs)", DefaultValueFactory = _ => int.MaxValue };
        var galleries = new Option<int>("--galleries") { Description = "Simulated galleries per split", DefaultValueFactory = _ => 200 };
        var fpir = new Option<double>("--fpir") { Description = "False-positive identification rate the naming threshold is set for", DefaultValueFactory = _ => 0.01 };
        var heldOut = new Option<double>("--held-out") { Description = "Share of identities held out for the figures", DefaultValueFactory = _ => 0.3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var det = new Option<string?>("--det-png") { Description = "Write the held-out DET curves (rule vs nearest distance) as PNG", Validators = { OptionValidation.OutputFile } };
        var bankCache = new Option<string?>("--bank") { Description = "Cache of the embedded photos: read when it exists, else written (refits take seconds)" };
        var command = new Command("train", "Calibrate the identification rule on simulated open-set trials")
        {
            data, strangers, output, maxStrangers, maxIdentities, galleries, fpir, heldOut, seed, det, bankCache, CliContext.Model, CliContext.MinFace, CliContext.Threads,
        };
        command.SetAction(parse =>
        {
            double target = parse.GetValue(fpir);
            if (!(target > 0 && target < 1)) throw new BadInputException($"--fpir must lie in (0, 1), got {target}");
            if (parse.GetValue(galleries) < 1) throw new BadInputException("--galleries must be at least 1");
            double held = parse.GetValue(heldOut);
            if (!(held > 0 && held < 1)) throw new BadInputException($"--held-out must lie in (0, 1), got {held}");
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse, FaceChoice.Centred));
            var options = new IdentificationCalibrationOptions
            {
                IdentityRoots = parse.GetValue(data)!,
                StrangerRoots = parse.GetValue(strangers) ?? [],
                MaxStrangers = parse.GetValue(maxStrangers),
                MaxIdentities = parse.GetValue(maxIdentities),
                HeldOutFraction = held,
                TargetFpir = target,
                Trials = new OpenSetTrialOptions { Galleries = parse.GetValue(galleries), Seed = parse.GetValue(seed) },
                BankCache = parse.GetValue(bankCache),
            };
            IdentificationCalibrationReport report = null!;
            CliContext.Err.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("Embedding calibration photos");
                report = IdentificationCalibration.Run(pipeline, options, (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                });
            });
            var path = parse.GetValue(output)!;
            report.Rule.Save(path);
            if (parse.GetValue(det) is { } png) WriteDet(png, report);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new
                {
                    rule = path, calibrationTrials = report.CalibrationTrials, heldOut = report.Rule.HeldOut, threshold = report.Rule.Threshold,
                    minFaceSize = report.Rule.MinFaceSize, minSharpness = float.IsFinite(report.Rule.MinSharpness) ? report.Rule.MinSharpness : (float?)null,
                    sizeBins = report.HeldOutBins.Select(EvalCommand.SizeRow),
                    trackSizeBins = report.HeldOutTrackBins.Select(EvalCommand.SizeRow),
                });
            else
            {
                Console.WriteLine($"{path}: rule for {report.Rule.Model}, {report.CalibrationTrials} calibration trials, threshold {report.Rule.Threshold:F4} (FPIR {target:P1} on calibration)");
                PrintHeldOut(report.Rule);
                Console.WriteLine("  held out by face size:   mates  strangers  DIR@FPIR=1%  at the rule: FPIR    DIR   wrong name  unknown (quality)");
                foreach (var b in report.HeldOutBins.Concat(report.HeldOutTrackBins.Select(t => t with { Bin = $"{t.Bin} ({report.Rule.LongTrackFrames}+ frames)" })))
                    Console.WriteLine($"    {b.Bin + " px",-20} {b.Mates,7} {b.NonMates,10} {(b.DirAtFpir1 is { } d ? d.ToString("P2") : "-"),12} {b.FpirAtRule,17:P2} {b.DirAtRule,7:P2} {b.WrongNameAtRule,10:P2} {b.UnknownForQuality,12:P2}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show()
    {
        var gallery = new Option<string?>("--gallery") { Description = "Show the rule saved in this gallery.json" };
        var rule = new Option<string?>("--rule") { Description = "Show this rule file" };
        var command = new Command("show", "Show an identification rule: a gallery's, a file's, or the model's built-in one") { gallery, rule, CliContext.Model };
        command.SetAction(parse =>
        {
            IdentificationRule shown;
            if (parse.GetValue(gallery) is { } g) shown = Gallery.Load(g).Rule;
            else if (parse.GetValue(rule) is { } r) shown = IdentificationRule.Load(r);
            else
            {
                var model = CliContext.PipelineOptions(parse).Model.Resolve(CliContext.Store(parse));
                shown = IdentificationRule.Default(model.Name, model.Manifest.DefaultThreshold);
            }
            if (parse.GetValue(CliContext.Json))
            {
                Console.Out.WriteLine(shown.ToJson().ReplaceLineEndings(" "));
                return ExitCodes.Success;
            }
            Console.WriteLine($"identification rule for {shown.Model} ({(shown.Calibrated ? "calibrated" : "uncalibrated fallback")})");
            Console.WriteLine($"  named when confidence >= {shown.Threshold:F4}" + (double.IsFinite(shown.TargetFpir) ? $" (chosen for FPIR {shown.TargetFpir:P1})" : ""));
            for (int b = 0; b < shown.SizeBinThresholds.Length; b++)
                Console.WriteLine($"    faces {(b == 0 ? "under " + shown.SizeBinEdges[0] : b == shown.SizeBinEdges.Length ? shown.SizeBinEdges[^1] + " or more" : shown.SizeBinEdges[b - 1] + "-" + shown.SizeBinEdges[b])} px: >= {shown.SizeBinThresholds[b]:F4}");
            if (shown.LongTrackFrames > 0)
                Console.WriteLine($"  tracks of {shown.LongTrackFrames}+ faces: {string.Join(", ", shown.TrackSizeBinThresholds.Select(t => t.ToString("F4")))} by size bin; unknown (too small) below {shown.TrackMinFaceSize:0} px");
            if (shown.MinFaceSize > 0) Console.WriteLine($"  unknown (too small) below {shown.MinFaceSize:0} px");
            if (float.IsFinite(shown.MinSharpness)) Console.WriteLine($"  unknown (too soft) below sharpness {shown.MinSharpness:F2}");
            Console.WriteLine($"  confidence = sigmoid({shown.Bias:F3} + sum of weight * (feature - mean) / scale); tracks count up to {shown.MaxFrames} frames");
            for (int i = 0; i < shown.Features.Count; i++)
                Console.WriteLine($"    {shown.Features[i],-26} weight {shown.Weights[i],8:F3}   mean {shown.Mean[i],8:F3}   scale {shown.Scale[i],7:F3}");
            if (shown.TrainedOn is { } on) Console.WriteLine($"  trained on: {on}");
            PrintHeldOut(shown);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintHeldOut(IdentificationRule rule)
    {
        if (rule.HeldOut is not { } h) return;
        Console.WriteLine($"  held out ({h.GetValueOrDefault("identities")} identities, {h.GetValueOrDefault("trials")} trials): rank-1 {h.GetValueOrDefault("rank1"):P2}, "
            + $"DIR@FPIR=1% {h.GetValueOrDefault("dirAtFpir1e-2"):P2} (nearest distance alone {h.GetValueOrDefault("distanceOnlyDirAtFpir1e-2"):P2}), "
            + $"DIR@FPIR=0.1% {h.GetValueOrDefault("dirAtFpir1e-3"):P2} (alone {h.GetValueOrDefault("distanceOnlyDirAtFpir1e-3"):P2})");
        Console.WriteLine($"  at its threshold: FPIR {h.GetValueOrDefault("fpirAtThreshold"):P2}, DIR {h.GetValueOrDefault("dirAtThreshold"):P2}; "
            + $"old rule (nearest under the verification threshold): FPIR {h.GetValueOrDefault("oldRuleFpir"):P2}, DIR {h.GetValueOrDefault("oldRuleDir"):P2}");
    }

    internal static void WriteDet(string png, IdentificationCalibrationReport report) =>
        DetPng(png, report.RuleMetrics, report.DistanceMetrics);

    /// <summary>DET curves (FNIR against FPIR) of the rule and of nearest distance alone.</summary>
    internal static void DetPng(string png, OpenSetMetrics rule, OpenSetMetrics distance)
    {
        RatePlot.WritePng(png, "DET — FPIR (log) vs FNIR; blue: rule, orange: nearest distance alone",
        [
            new RateSeries("identification rule", SKColors.RoyalBlue, rule.Det().Select(p => (p.Fpir, p.Fnir)).ToList()),
            new RateSeries("nearest distance", SKColors.DarkOrange, distance.Det().Select(p => (p.Fpir, p.Fnir)).ToList()),
        ]);
    }
}
