using System.CommandLine;
using System.Globalization;
using FaceNetML.Embedding;
using FaceNetML.Models;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.FastFaceNet.Initialisation;
using Spectre.Console;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml train</c>: trains Fast-FaceNet (MobileNet-v1 at width θ, triplet loss, optional distillation
/// from a teacher embedder) on a folder with one sub-folder per identity and writes ONNX + manifest.json.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Training folders, one sub-folder of images per identity; several folders are one label space (sub-folder name = identity)", Required = true, AllowMultipleArgumentsPerToken = true };
        var unlabelled = new Option<string[]>("--unlabeled") { Description = "Folders of faces without labels (any depth), used only by the distillation loss (needs --teacher)", AllowMultipleArgumentsPerToken = true };
        var unlabelledPerBatch = new Option<int>("--unlabeled-per-batch") { Description = "Unlabelled faces added to each P x K batch", DefaultValueFactory = _ => 16 }.AtLeast(1);
        var curve = new Option<string?>("--curve") { Description = "A pairs file (e.g. lfw-dev/pairs.txt): its k-fold accuracy every --curve-every steps goes to learning-curve.csv and .png beside the model (it only watches; nothing is tuned on it)" };
        var curveEvery = new Option<int>("--curve-every") { Description = "Steps between learning-curve points", DefaultValueFactory = _ => 250 }.AtLeast(1);
        var output = new Option<string>("--out") { Description = "Output model: an .onnx file (manifest.json is written beside it) or a folder", Required = true };
        var width = new Option<double>("--width") { Description = "Width multiplier θ (0.25, 0.5, 0.75, 1)", DefaultValueFactory = _ => 0.75 };
        var inputSize = new Option<int>("--input-size") { Description = "Input side in pixels (224 as in the paper; 112 or 160 for speed)", DefaultValueFactory = _ => 112 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (an epoch is images / (P x K) batches)", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var teacher = new Option<string?>("--teacher") { Description = "Distil from this embedder (a built-in name such as mobilefacenet, or a model folder)" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (1 is best on a busy machine)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var embedding = new Option<int>("--embedding-size") { Description = "Embedding dimension", DefaultValueFactory = _ => 128 };
        var p = new Option<int>("--identities-per-batch") { Description = "P: identities per batch", DefaultValueFactory = _ => 16 };
        var k = new Option<int>("--images-per-identity") { Description = "K: images per identity in a batch", DefaultValueFactory = _ => 4 };
        var optimizer = new Option<FastFaceNetOptimizer>("--optimizer") { Description = "AdaGrad (the paper's), Adam or Sgd", DefaultValueFactory = _ => FastFaceNetOptimizer.AdaGrad };
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.02 }.PositiveFinite();
        var margin = new Option<float>("--margin") { Description = "Triplet margin α (squared distances)", DefaultValueFactory = _ => 0.2f };
        var simWeight = new Option<float>("--distill-similarity") { Description = "Weight of relational distillation (batch similarity matrices)", DefaultValueFactory = _ => 1f };
        var projWeight = new Option<float>("--distill-projection") { Description = "Weight of direct distillation (projected embedding vs teacher)", DefaultValueFactory = _ => 1f };
        var tripletWeight = new Option<float>("--triplet-weight") { Description = "Weight of the triplet loss (0: distillation only)", DefaultValueFactory = _ => 1f };
        var seed = new Option<int>("--seed") { Description = "Seed for weights, batches and augmentation", DefaultValueFactory = _ => 1 };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "Checkpoint folder (default: <out>.checkpoints); an existing matching checkpoint is resumed" };
        var noResume = new Option<bool>("--no-resume") { Description = "Start fresh even if a checkpoint exists" };
        var minutes = new Option<double?>("--time-limit") { Description = "Stop after this many minutes of training (then export what was learned)" };
        var cache = new Option<string?>("--cache") { Description = "Aligned-crop cache folder (default ~/.cache/facenetml/crops)" };
        var init = new Option<FastFaceNetInitialisation>("--init") { Description = "Starting weights: Random (the paper) or FaceDetector (θ=1 only: the MobileNet-v1 of face-api's SSD face detector, fetched with npm)", DefaultValueFactory = _ => FastFaceNetInitialisation.Random };
        var schedule = new Option<LearningRateSchedule>("--schedule") { Description = "Learning rate over the run: Constant (the paper) or Cosine (decays to 0 at the last step)", DefaultValueFactory = _ => LearningRateSchedule.Constant };
        var teacherThreads = new Option<int>("--teacher-threads") { Description = "ONNX Runtime threads of the teacher, which embeds each augmented batch while the previous one trains", DefaultValueFactory = _ => 1 };
        var int8 = new Option<bool>("--int8") { Description = "Also write an int8 model (QDQ, calibrated on 64 training crops) to the sibling folder NAME-int8" };
        var maxIds = new Option<int>("--max-identities") { Description = "Use at most this many identities", DefaultValueFactory = _ => int.MaxValue };
        var command = new Command("train", "Train a Fast-FaceNet embedding model (MobileNet-v1 + triplet loss) and export ONNX")
        {
            data, output, width, inputSize, epochs, teacher, threads, embedding, p, k, optimizer, lr, margin, simWeight, projWeight,
            tripletWeight, seed, checkpoints, noResume, minutes, cache, maxIds, init, schedule, teacherThreads, int8,
            unlabelled, unlabelledPerBatch, curve, curveEvery,
        };
        command.SetAction(parse =>
        {
            TrainingTool.RequireLibTorch("training", "train ...");
            var outPath = parse.GetValue(output)!;
            int size = parse.GetValue(inputSize);
            if (size < 32 || size > 512) throw new BadInputException($"--input-size must be in 32..512, got {size}");
            var w = parse.GetValue(width);
            if (!(w > 0) || w > 4) throw new BadInputException($"--width must be in (0, 4], got {w}");
            if (parse.GetValue(init) == FastFaceNetInitialisation.FaceDetector && w != FaceDetectorBackbone.Width)
                throw new BadInputException($"--init FaceDetector needs --width {FaceDetectorBackbone.Width} (the detector's MobileNet-v1 exists only at that width), got {w}");
            var teacherName = parse.GetValue(teacher);
            FaceModel? teacherModel = teacherName is null ? null : FaceModels.Parse(teacherName);
            var store = CliContext.Store(parse);
            var options = new FastFaceNetOptions
            {
                Width = w, InputSize = size, Epochs = parse.GetValue(epochs), EmbeddingSize = parse.GetValue(embedding),
                IdentitiesPerBatch = parse.GetValue(p), ImagesPerIdentity = parse.GetValue(k), Optimizer = parse.GetValue(optimizer),
                LearningRate = parse.GetValue(lr), Margin = parse.GetValue(margin), TripletWeight = parse.GetValue(tripletWeight),
                SimilarityDistillationWeight = parse.GetValue(simWeight), ProjectionDistillationWeight = parse.GetValue(projWeight),
                Seed = parse.GetValue(seed), Threads = Math.Max(1, parse.GetValue(threads)),
                Initialisation = parse.GetValue(init), Schedule = parse.GetValue(schedule), Store = store,
                CheckpointDirectory = parse.GetValue(checkpoints) ?? Path.GetFullPath(outPath).TrimEnd('/') + ".checkpoints",
                Resume = !parse.GetValue(noResume),
                TimeLimit = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
                UnlabelledPerBatch = parse.GetValue(unlabelledPerBatch),
                EvaluateEvery = parse.GetValue(curve) is null ? 0 : parse.GetValue(curveEvery),
            };
            var unlabelledRoots = parse.GetValue(unlabelled) ?? [];
            if (unlabelledRoots.Length > 0 && teacherModel is null)
                throw new BadInputException("--unlabeled needs --teacher: unlabelled faces only feed the distillation loss");
            var curveCsv = Path.Combine(FastFaceNetExporter.ModelFolder(outPath), "learning-curve.csv");
            bool json = parse.GetValue(CliContext.Json);
            bool live = !Console.IsErrorRedirected;

            FaceCropSet set = null!;
            FaceCropSet? unlabelledSet = null;
            LearningCurve? learning = null;
            FastFaceNetRun run = null!;
            int lastEpoch = 0;
            void Log(TrainingStep s) => CliContext.Error(string.Create(CultureInfo.InvariantCulture,
                $"epoch {s.Epoch} step {s.Step}/{s.TotalSteps}: loss {s.Loss:F4} (triplet {s.TripletLoss:F4}, distill {s.DistillationLoss:F4}), active triplets {s.ActiveFraction * 100:F0}%, {s.Elapsed:hh\\:mm\\:ss}"));
            CliContext.Err.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var crops = ctx.AddTask("aligning crops");
                    var cropOptions = new CropCacheOptions
                    {
                        Size = size, CacheDirectory = parse.GetValue(cache), MaxIdentities = parse.GetValue(maxIds), Teacher = teacherModel,
                        Store = store, Parallelism = Environment.ProcessorCount,
                    };
                    set = AlignedCropCache.Load(parse.GetValue(data)!, cropOptions, (done, total) => { crops.MaxValue = total; crops.Value = done; });
                    crops.Value = crops.MaxValue;
                    crops.Description = $"{set.Count} crops, {set.Identities.Count} identities ({set.Detected.Count(d => d)} with a detected face)";
                    if (unlabelledRoots.Length > 0)
                    {
                        var more = ctx.AddTask("aligning unlabelled crops");
                        unlabelledSet = AlignedCropCache.LoadUnlabelled(unlabelledRoots, cropOptions with { MaxIdentities = int.MaxValue },
                            (done, total) => { more.MaxValue = total; more.Value = done; });
                        more.Value = more.MaxValue;
                        more.Description = $"{unlabelledSet.Count} unlabelled crops";
                    }
                    if (parse.GetValue(curve) is { } pairsFile)
                    {
                        var pairCrops = ctx.AddTask("aligning learning-curve pairs");
                        learning = new LearningCurve(pairsFile, cropOptions, (done, total) => { pairCrops.MaxValue = total; pairCrops.Value = done; });
                        pairCrops.Value = pairCrops.MaxValue;
                    }
                    TrainingStep? latest = null;
                    var recent = new Queue<float>();
                    var train = ctx.AddTask("training");
                    run = FastFaceNetTraining.Run(set, options, teacherModel, outPath, "facenetml train", parse.GetValue(teacherThreads), parse.GetValue(int8), s =>
                    {
                        latest = s;
                        recent.Enqueue(s.Loss);
                        if (recent.Count > 50) recent.Dequeue();
                        train.MaxValue = s.TotalSteps;
                        train.Value = s.Step;
                        train.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {s.Epoch}: loss {s.Loss:F3}, active {s.ActiveFraction:P0}");
                        if (!live && (s.Epoch != lastEpoch || s.Step % 50 == 0)) Log(s);
                        lastEpoch = s.Epoch;
                    }, unlabelledSet, learning is null ? null : (step, network) =>
                    {
                        var point = learning.Record(step, latest?.Elapsed ?? TimeSpan.Zero, recent.Count == 0 ? double.NaN : recent.Average(), network, curveCsv);
                        CliContext.Error(string.Create(CultureInfo.InvariantCulture, $"step {step}: curve accuracy {point.Accuracy:P2} ± {point.AccuracyStd:P2}"));
                    });
                    train.Value = train.MaxValue;
                });
            var (result, model, quantised) = (run.Result, run.Model, run.Int8Model);
            if (result.History.Count > 0) Log(result.History[^1]);
            var manifest = model.Manifest;
            var summary = new
            {
                model = model.OnnxPath, name = manifest.Name, width = w, inputSize = size, embeddingSize = manifest.EmbeddingSize,
                @params = manifest.Parameters, mmacs = Math.Round(manifest.MultiplyAdds / 1e6, 1),
                identities = set.Identities.Count, images = set.Count, imagesWithoutFace = set.Detected.Count(d => !d), unlabelledImages = unlabelledSet?.Count,
                learningCurve = learning is null ? null : curveCsv,
                steps = result.StartStep + result.History.Count, resumedAt = result.StartStep, seconds = Math.Round(result.Elapsed.TotalSeconds, 1),
                stoppedByTimeLimit = result.StoppedByTimeLimit,
                finalLoss = result.History.Count > 0 ? Math.Round(result.History.TakeLast(20).Average(s => s.Loss), 4) : (double?)null,
                threshold = CliContext.Round(manifest.DefaultThreshold), trainPairAccuracy = CliContext.Round(result.Threshold.Accuracy),
                teacher = teacherModel?.NameOrPath,
                int8Model = quantised?.OnnxPath,
            };
            if (json) CliContext.WriteJson(summary);
            else Console.WriteLine($"wrote {model.OnnxPath} ({manifest.Name}, {manifest.Parameters:N0} params, {manifest.MultiplyAdds / 1e6:F1} MMACs), threshold {result.Threshold.Threshold:F3}, {summary.steps} steps in {result.Elapsed:hh\\:mm\\:ss}"
                + (quantised is null ? "" : $"; int8 model {quantised.OnnxPath}"));
            result.Network.Dispose();
            return ExitCodes.Success;
        });
        return command;
    }
}
