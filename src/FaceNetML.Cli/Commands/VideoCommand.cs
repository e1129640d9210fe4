using System.CommandLine;
using System.Text.Json.Serialization;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;
using Spectre.Console;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml video VIDEO --gallery DIR [--truth CSV] [--out annotated.mp4] [--csv detections.csv] [--every N]</c>:
/// finds the gallery's people in a video, optionally writes an annotated MP4 and scores against truth.
/// </summary>
internal static class VideoCommand
{
    public static Command Create()
    {
        var video = new Argument<string>("video") { Description = "Video file (anything ffmpeg reads)" };
        var gallery = new Option<string>("--gallery") { Description = "Gallery: a folder of people (one sub-folder of photos per person, or photos named after their people), a gallery.json, a .usearch path or a postgres:// URL", Required = true };
        var truth = new Option<string?>("--truth") { Description = "Truth CSV (frame,person,x,y,width,height): report precision, recall, F1" };
        var output = new Option<string?>("--out") { Description = "Write an annotated MP4 (H.264) here" };
        var csv = new Option<string?>("--csv") { Description = "Write detections (frame,person,x,y,width,height,distance) here" };
        var every = new Option<int>("--every") { Description = "Run the detector every N frames; the tracker carries boxes in between", DefaultValueFactory = _ => 1 };
        var threshold = new Option<float?>("--threshold") { Description = "Name the nearest person under this distance instead of using the learnt identification rule" }.PositiveFinite();
        var saveGallery = new Option<string?>("--save-gallery") { Description = "Also save the gallery's embeddings as JSON here (reuse with --gallery FILE)" };
        var openSet = new Option<bool>("--open-set") { Description = "With --truth: also run once per truth person with that person removed from the gallery, and count every name given to their faces as a false alarm" };
        var command = new Command("video", "Find the gallery's people in a video; annotate and score it")
        {
            video, gallery, truth, output, csv, every, threshold, saveGallery, openSet, CliContext.Model, CliContext.MinFace, CliContext.Threads,
        };
        OptionValidation.OutputFiles(output, csv, saveGallery);
        command.SetAction(parse =>
        {
            bool json = parse.GetValue(CliContext.Json);
            var path = parse.GetValue(video)!;
            int n = parse.GetValue(every);
            if (n < 1) throw new BadInputException($"--every must be at least 1, got {n}");
            var truthData = parse.GetValue(truth) is { } truthPath ? VideoTruth.Load(truthPath) : null;
            if (parse.GetValue(openSet) && truthData is null) throw new BadInputException("--open-set needs --truth (whose people are removed from the gallery in turn)");
            VideoInfo info;
            try
            {
                info = Ffmpeg.Probe(path); // unreadable / non-video files fail here, before models load
            }
            catch (VideoException e) when (json)
            {
                CliContext.WriteJson(new { frames = 0, framesPerSecond = 0.0, error = e.Message });
                CliContext.Error("error: " + e.Message);
                return ExitCodes.BadInput;
            }

            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            using var people = Gallery.Open(pipeline, parse.GetValue(gallery)!);
            // An explicit threshold replaces the learnt rule by the verification decision (nearest under the threshold).
            if (parse.GetValue(threshold) is { } t) people.Rule = IdentificationRule.DistanceOnly(people.Model, t);
            foreach (var w in people.Warnings) CliContext.Error("warning: " + w);
            if (parse.GetValue(saveGallery) is { } galleryJson) people.Save(galleryJson);

            var recognizerOptions = new VideoRecognizerOptions { Every = n, MinFaceSize = parse.GetValue(CliContext.MinFace) };
            var recognizer = new VideoRecognizer(pipeline, people, recognizerOptions);
            using var writer = parse.GetValue(output) is { } outPath ? new AnnotatedVideoWriter(outPath, info, people.Index.PersonNames()) : null;

            VideoRecognitionResult result = null!;
            CliContext.Err.Progress().AutoClear(true).HideCompleted(true).Start(ctx =>
            {
                var task = ctx.AddTask($"Recognising {Path.GetFileName(path)}", maxValue: info.FrameCount ?? 1);
                if (info.FrameCount is null) task.IsIndeterminate = true;
                result = recognizer.Recognize(path, f =>
                {
                    writer?.Write(f);
                    task.Value = f.Index + 1;
                });
            });
            string? error = result.Error;
            if (writer is not null)
            {
                try
                {
                    writer.Complete();
                }
                catch (VideoException e)
                {
                    error ??= e.Message;
                }
            }
            if (parse.GetValue(csv) is { } csvPath) VideoDetection.WriteCsv(csvPath, result.Detections);
            var report = truthData is null ? null : VideoEvaluation.Evaluate(truthData, result.Detections, result.Frames);
            // What was said of each labelled person's faces: right name, wrong name, unknown and why.
            var truthFaces = truthData?.People.ToDictionary(p => p, p => TruthFaceEvaluation.Match(truthData, result.Detections, p, result.Frames), StringComparer.Ordinal);
            var truthScores = truthFaces?.ToDictionary(kv => kv.Key, kv => TruthFaceEvaluation.Score(kv.Value), StringComparer.Ordinal);
            Dictionary<string, OpenSetScore>? strangers = null;
            var strangerFaces = new List<TruthFaceMatch>();
            if (parse.GetValue(openSet) && truthData is not null)
            {
                strangers = new Dictionary<string, OpenSetScore>(StringComparer.Ordinal);
                foreach (var person in truthData.People)
                {
                    // Enrolled people are removed for a run of their own; people never enrolled are strangers already.
                    var run = people[person] is null ? result : new VideoRecognizer(pipeline, people.Without(person), recognizerOptions).Recognize(path);
                    var faces = TruthFaceEvaluation.Match(truthData, run.Detections, person, run.Frames);
                    strangers[person] = OpenSetVideoEvaluation.Score(faces);
                    strangerFaces.AddRange(faces);
                }
            }
            var openSetTotal = strangers?.Values.Aggregate(new OpenSetScore(0, 0), (a, b) => a + b);
            var bySize = strangers is null ? null : TruthFaceEvaluation.DirAtFpirBySize(
                [.. truthFaces!.Where(kv => people[kv.Key] is not null).SelectMany(kv => kv.Value)], strangerFaces);

            if (json)
            {
                CliContext.WriteJson(new
                {
                    frames = result.Frames,
                    framesPerSecond = CliContext.Round(result.FramesPerSecond, 1),
                    precision = report is null ? (double?)null : CliContext.Round(report.Overall.Precision),
                    recall = report is null ? (double?)null : CliContext.Round(report.Overall.Recall),
                    f1 = report is null ? (double?)null : CliContext.Round(report.Overall.F1),
                    perPerson = report?.PerPerson.ToDictionary(kv => kv.Key, kv => new
                    {
                        precision = CliContext.Round(kv.Value.Precision),
                        recall = CliContext.Round(kv.Value.Recall),
                        f1 = CliContext.Round(kv.Value.F1),
                        tp = kv.Value.TruePositives,
                        fp = kv.Value.FalsePositives,
                        fn = kv.Value.FalseNegatives,
                        faces = truthScores![kv.Key].Faces,
                        wrongName = truthScores[kv.Key].WrongName,
                        wrongNameRate = CliContext.Round(truthScores[kv.Key].WrongNameRate),
                        unknown = truthScores[kv.Key].Unknown,
                        unknownForQuality = truthScores[kv.Key].UnknownForQuality,
                        nearestRightRate = CliContext.Round(truthScores[kv.Key].NearestRightRate),
                    }),
                    wrongNameRate = truthScores is null ? (double?)null
                        : CliContext.Round(truthScores.Values.Aggregate(new TruthFaceScore(0, 0, 0, 0, 0, 0), (a, b) => a + b).WrongNameRate),
                    openSet = openSetTotal is null ? null : new
                    {
                        falseAlarms = openSetTotal.FalseAlarms,
                        detections = openSetTotal.Detections,
                        falseAlarmRate = CliContext.Round(openSetTotal.FalseAlarmRate),
                        perPerson = strangers!.ToDictionary(kv => kv.Key, kv => new
                        {
                            falseAlarms = kv.Value.FalseAlarms,
                            detections = kv.Value.Detections,
                            falseAlarmRate = CliContext.Round(kv.Value.FalseAlarmRate),
                        }),
                        bySize = bySize!.Select(b => new { faces = b.Bin + " px", mates = b.Mates, nonMates = b.NonMates, dirAtFpir1e2 = b.DirAtFpir1 is { } d ? CliContext.Round(d) : (double?)null }),
                    },
                    segments = PersonSegmentBuilder.From(result.Detections, info.FrameRate, PersonSegmentBuilder.DefaultGap(info.FrameRate, n)).Select(g => new
                    {
                        person = g.Person,
                        start = CliContext.Round(g.Start, 2),
                        end = CliContext.Round(g.End, 2),
                        bestConfidence = float.IsFinite(g.BestConfidence) ? CliContext.Round(g.BestConfidence) : (double?)null,
                        bestFrame = g.BestFrame,
                    }),
                    detections = result.Detections.Count,
                    known = result.Detections.Count(d => d.Person is not null),
                    faces = result.Detections.Select(VideoFace.From),
                    every = n,
                    width = info.Width,
                    height = info.Height,
                    model = pipeline.Model.Name,
                    error,
                });
            }
            else
            {
                Console.WriteLine($"{path}: {result.Frames} frames in {result.Seconds:F1} s ({result.FramesPerSecond:F1} frames/s, detector every {n}), "
                    + $"{result.Detections.Count(d => d.Person is not null)} named and {result.Detections.Count(d => d.Person is null)} unknown face boxes");
                if (report is not null)
                {
                    var table = new Table().AddColumns("person", "precision", "recall", "F1", "TP", "FP", "FN", "wrong name", "unknown (quality)", "nearest right");
                    foreach (var (name, s) in report.PerPerson)
                    {
                        var f = truthScores!.GetValueOrDefault(name) ?? new TruthFaceScore(0, 0, 0, 0, 0, 0);
                        table.AddRow(Markup.Escape(name), $"{s.Precision:F4}", $"{s.Recall:F4}", $"{s.F1:F4}", $"{s.TruePositives}", $"{s.FalsePositives}", $"{s.FalseNegatives}",
                            $"{f.WrongName} ({f.WrongNameRate:P1})", $"{f.Unknown} ({f.UnknownForQuality})", $"{f.NearestRightRate:P1}");
                    }
                    var o = report.Overall;
                    table.AddRow("[bold]overall[/]", $"{o.Precision:F4}", $"{o.Recall:F4}", $"{o.F1:F4}", $"{o.TruePositives}", $"{o.FalsePositives}", $"{o.FalseNegatives}", "", "", "");
                    AnsiConsole.Write(table);
                }
                if (openSetTotal is not null)
                {
                    Console.WriteLine($"open set (each truth person removed from the gallery in turn): {openSetTotal.FalseAlarms} false alarms in {openSetTotal.Detections} of their face boxes ({openSetTotal.FalseAlarmRate:P2})");
                    foreach (var b in bySize!)
                        Console.WriteLine($"  faces {b.Bin} px: {b.Mates} known, {b.NonMates} left out; DIR at FPIR 1%: {(b.DirAtFpir1 is { } d ? d.ToString("P1") : "- (too few faces)")}");
                }
                if (parse.GetValue(output) is { } written && error is null) Console.WriteLine($"annotated video: {written}");
            }
            if (error is not null)
            {
                CliContext.Error("error: " + error);
                return ExitCodes.BadInput;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A face of the video's <c>--json</c> answer: its frame and track, then the face as <c>identify</c> writes it.</summary>
    private sealed record VideoFace : IdentifiedFace
    {
        private VideoFace(int frame, int track, IdentifiedFace face) : base(face) => (Frame, Track) = (frame, track);

        [JsonPropertyOrder(-2)] public int Frame { get; }

        [JsonPropertyOrder(-1)] public int Track { get; }

        public static VideoFace From(VideoDetection d) => new(d.Frame, d.TrackId, IdentifiedFace.From(d.Box, d.Identity));
    }
}
