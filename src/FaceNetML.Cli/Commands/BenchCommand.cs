using System.CommandLine;
using System.Diagnostics;
using FaceNetML.Embedding;
using FaceNetML.Imaging;
using FaceNetML.MLNet;
using FaceNetML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml bench</c>: per-stage timings (decode, detect, align, embed), whole-pipeline throughput, model sizes.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var images = new Option<string?>("--images") { Description = "Folder of photos to time (searched recursively; default: $FACENETML_DATA/lfw-dev/images or ../shared/data/lfw-dev/images)" };
        var count = new Option<int>("--count") { Description = "Number of images", DefaultValueFactory = _ => 300 };
        var widths = new Option<bool>("--widths") { Description = "Also list Fast-FaceNet at widths 0.25/0.5/0.75/1 and inputs 112/160/224 (untrained, via ONNX Runtime)" };
        var memory = new Option<bool>("--memory") { Description = "Only measure peak memory of 'detect --min-face 12' against megapixels (a photo upscaled to 1-64 MP, and a 16384x16384 PNG)" };
        var photo = new Option<string?>("--photo") { Description = "Photo for --memory (default: $FACENETML_DATA/photos/two_people.jpg or ../shared/data/photos/two_people.jpg)" };
        var mlnet = new Option<bool>("--mlnet") { Description = "Only compare the ML.NET chain (LoadFaceImages, DetectFaces, AlignFaces, FaceEmbed) with 'embed' on the same images, in one run" };
        var command = new Command("bench", "Measure speed per stage and of the whole pipeline") { images, count, CliContext.Model, CliContext.MinFace, CliContext.Threads, widths, memory, photo, mlnet };
        command.Subcommands.Add(BenchServeCommand.Create());
        command.Subcommands.Add(BenchGalleryCommand.Create());
        command.SetAction(parse =>
        {
            if (parse.GetValue(memory)) return Memory(parse, parse.GetValue(photo) ?? DataPath("photos", "two_people.jpg"));
            if (parse.GetValue(widths) && !parse.GetValue(mlnet)) TrainingTool.RequireLibTorch("bench --widths", "bench --widths ...");
            var dir = parse.GetValue(images) ?? DefaultImages();
            if (!Directory.Exists(dir)) throw new BadInputException($"{dir}: image folder not found (use --images DIR)");
            var files = ImageFolder.Files(dir).Take(Math.Max(1, parse.GetValue(count))).ToList();
            if (files.Count == 0) throw new BadInputException($"{dir}: no image files");
            if (parse.GetValue(mlnet)) return MlNetRatio(parse, files);
            var options = CliContext.PipelineOptions(parse, FaceChoice.Centred, fallback: true);
            var pipeline = new FacePipeline(options);

            // Stages, one image at a time on one thread (ONNX Runtime with 1 intra-op thread). A fusion aligns and embeds
            // with each of its models: align and embed are the sums over them.
            double decode = 0, detect = 0, align = 0, embed = 0;
            int faces = 0;
            var watch = new Stopwatch();
            var parts = pipeline.Encoder.Parts;
            var aligned = parts.Select(_ => new List<RgbImage>()).ToArray();
            WarmUp(pipeline, files[0]);
            foreach (var file in files)
            {
                watch.Restart();
                RgbImage image;
                try { image = ImageDecoder.Decode(file); } catch (BadInputException) { continue; }
                decode += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var face = pipeline.Choose(pipeline.Detect(image), image);
                detect += watch.Elapsed.TotalMilliseconds;
                for (int p = 0; p < parts.Count; p++)
                {
                    watch.Restart();
                    var crop = parts[p].Aligner.AlignOrCenterCrop(image, face);
                    align += watch.Elapsed.TotalMilliseconds;
                    watch.Restart();
                    parts[p].Embedder.Embed(crop);
                    embed += watch.Elapsed.TotalMilliseconds;
                    if (aligned[p].Count < 64) aligned[p].Add(crop);
                }
                if (face is not null) faces++;
            }
            int n = files.Count;

            // Whole pipeline (decode + detect + align + embed) with images processed in parallel.
            watch.Restart();
            var results = pipeline.EmbedFiles(files);
            double throughput = n / watch.Elapsed.TotalSeconds;

            var model = pipeline.Model;
            var partModels = model.Parts ?? [model];
            pipeline.Dispose();

            // Each embedder alone on aligned faces with all cores (one session, intra-op threads = cores), measured after the
            // pipeline's sessions are gone: idle ONNX Runtime sessions in the same process were measured to slow a
            // multi-threaded one by ~2x here (3.4 -> 6.4 ms). A fusion's row runs both models on each face.
            var perModelMs = new double[partModels.Count];
            for (int p = 0; p < partModels.Count; p++)
            {
                using var wide = new FaceEmbedder(partModels[p], Environment.ProcessorCount);
                int next = 0;
                var crops = aligned[p];
                perModelMs[p] = BenchTiming.BestOf(3, Math.Max(100, crops.Count), () => wide.Embed(crops[next++ % crops.Count]));
            }
            double? fusedMs = null;
            if (partModels.Count > 1)
            {
                var wides = partModels.Select(m => new FaceEmbedder(m, Environment.ProcessorCount)).ToList();
                int next = 0;
                fusedMs = BenchTiming.BestOf(3, Math.Max(100, aligned[0].Count), () =>
                {
                    int i = next++;
                    for (int p = 0; p < wides.Count; p++) wides[p].Embed(aligned[p][i % aligned[p].Count]);
                });
                foreach (var w in wides) w.Dispose();
            }

            var manifest = model.Manifest;
            var stages = new
            {
                decodeMs = Math.Round(decode / n, 2),
                detectMs = Math.Round(detect / n, 2),
                alignMs = Math.Round(align / n, 2),
                embedMs = Math.Round(embed / n, 2),
            };
            var models = partModels.Select((m, p) => new
            {
                name = m.Manifest.Name, inputSize = m.Manifest.InputSize, embeddingSize = m.Manifest.EmbeddingSize,
                @params = m.Manifest.Parameters, mmacs = Math.Round(m.Manifest.MultiplyAdds / 1e6, 1),
                msPerFace = Math.Round(perModelMs[p], 2), msPerFaceOneThread = partModels.Count == 1 ? stages.embedMs : (double?)null,
            }).ToList();
            if (fusedMs is { } fm)
                models.Add(new
                {
                    name = manifest.Name, inputSize = manifest.InputSize, embeddingSize = manifest.EmbeddingSize,
                    @params = partModels.Sum(m => m.Manifest.Parameters), mmacs = Math.Round(partModels.Sum(m => m.Manifest.MultiplyAdds) / 1e6, 1),
                    msPerFace = Math.Round(fm, 2), msPerFaceOneThread = (double?)stages.embedMs,
                });
            var widthRows = parse.GetValue(widths) ? WidthTable.Measure(Environment.ProcessorCount) : [];
            object[] allModels = [.. models, .. widthRows.Select(r => new { name = r.Name, width = r.Width, inputSize = r.InputSize, @params = r.Params, mmacs = r.Mmacs, msPerFace = r.MsPerFace, precision = r.Precision })];
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(new
                {
                    images = n, facesFound = faces, cores = Environment.ProcessorCount, parallelism = options.Parallelism,
                    stages, pipeline = new { imagesPerSecond = Math.Round(throughput, 1), errors = results.Count(r => !r.Ok) },
                    models = allModels,
                });
            }
            else
            {
                Console.WriteLine($"{n} images from {dir} ({faces} with a face), {Environment.ProcessorCount} cores");
                Console.WriteLine($"  per image, 1 thread: decode {stages.decodeMs:F2} ms, detect {stages.detectMs:F2} ms, align {stages.alignMs:F2} ms, embed {stages.embedMs:F2} ms");
                foreach (var m in models)
                    Console.WriteLine($"  {m.name}: {m.msPerFace:F2} ms per aligned face ({Environment.ProcessorCount} threads), {m.@params:N0} params, {m.mmacs:F1} MMACs");
                Console.WriteLine($"  whole pipeline, {options.Parallelism} images in parallel: {throughput:F1} images/s");
                foreach (var r in widthRows)
                    Console.WriteLine($"  fastfacenet θ={r.Width,-4} {r.InputSize,3}px: {r.Params,9:N0} params, {r.Mmacs,7:F1} MMACs, {r.MsPerFace,6:F2} ms per face ({r.Threads} threads, {r.Precision})");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Images/s of the ML.NET chain against the direct pipeline (<c>embed</c>: largest face, centre crop when none) on the
    /// same files, alternating three rounds of each after a warm-up, best round of each kept.
    /// </summary>
    private static int MlNetRatio(ParseResult parse, List<string> files)
    {
        var options = CliContext.PipelineOptions(parse, FaceChoice.Largest, fallback: true);
        using var pipeline = new FacePipeline(options);
        var ml = new MLContext(seed: 1).RegisterFaceNetML();
        // A cached view of the paths can be read by several cursors at once, so ML.NET runs the chain on every core.
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f })));
        var chain = ml.Transforms.LoadFaceImages()
            .Append(ml.Transforms.DetectFaces(options: options.Detection, store: options.Store))
            .Append(ml.Transforms.AlignFaces(size: pipeline.InputSize, centreCropWithoutFace: options.FallBackToCentreCrop))
            .Append(ml.Transforms.FaceEmbed(model: options.Model, store: options.Store))
            .Fit(ml.Data.TakeRows(data, 1));
        double Direct() => Time(() => pipeline.EmbedFiles(files));
        double Chain() => Time(() => chain.Transform(data).GetColumn<float[]>("Embedding").ToArray());
        Direct();
        Chain();
        double direct = double.MaxValue, viaMlNet = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            direct = Math.Min(direct, Direct());
            viaMlNet = Math.Min(viaMlNet, Chain());
        }
        double ratio = direct / viaMlNet;
        if (parse.GetValue(CliContext.Json))
            CliContext.WriteJson(new
            {
                images = files.Count,
                directImagesPerSecond = Math.Round(files.Count / direct, 1),
                mlnetImagesPerSecond = Math.Round(files.Count / viaMlNet, 1),
                ratio = Math.Round(ratio, 3),
            });
        else
            Console.WriteLine($"{files.Count} images: embed {files.Count / direct:F1} images/s, ML.NET chain {files.Count / viaMlNet:F1} images/s, ratio {ratio:F3}");
        return ExitCodes.Success;
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private static void WarmUp(FacePipeline pipeline, string file)
    {
        try { pipeline.EmbedFile(file); } catch (BadInputException) { }
    }

    private static int Memory(ParseResult parse, string photo)
    {
        var rows = MemoryTable.Measure(photo, parse.GetValue(CliContext.Models), Console.Error.WriteLine);
        if (parse.GetValue(CliContext.Json))
            CliContext.WriteJson(new { photo, maxMegapixels = ImageDecoder.MaxPixels / 1e6, memory = rows });
        else
        {
            Console.WriteLine($"peak RSS of 'facenetml detect --min-face 12' on {photo} upscaled (budget {ImageDecoder.MaxPixels / 1e6:0} MP):");
            foreach (var r in rows) Console.WriteLine(MemoryTable.Format(r));
        }
        return ExitCodes.Success;
    }

    private static string DefaultImages() => DataPath("lfw-dev", "images");

    internal static string DataPath(params string[] parts)
    {
        var data = Environment.GetEnvironmentVariable("FACENETML_DATA");
        if (string.IsNullOrWhiteSpace(data)) data = Path.Combine("..", "shared", "data");
        return Path.GetFullPath(Path.Combine([data, .. parts]));
    }
}
