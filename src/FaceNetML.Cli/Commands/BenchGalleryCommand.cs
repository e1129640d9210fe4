using System.CommandLine;
using System.Text.Json;
using FaceNetML.Evaluation;
using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml bench gallery --backend exact|hnsw|pgvector --size N [--json]</c>: recall against exact search, query
/// latency, enrolment speed and bytes per face of a gallery backend, with real query faces (celeba-train, embedded once
/// and cached) and synthetic fillers fitted to the real same/different-person distances (<see cref="SyntheticFaces"/>).
/// </summary>
internal static class BenchGalleryCommand
{
    public static Command Create()
    {
        var backend = new Option<string>("--backend") { Description = "exact, hnsw or pgvector", Required = true };
        backend.AcceptOnlyFromAmong("exact", "hnsw", "pgvector");
        var size = new Option<long>("--size") { Description = "Faces in the gallery (real enrolled faces plus synthetic fillers)", Required = true };
        var url = new Option<string?>("--url") { Description = "pgvector: postgres://user@host:port/db?table=NAME (the table is dropped and rebuilt)" };
        var path = new Option<string?>("--path") { Description = "hnsw: the .usearch file to build (default: a temporary file, deleted after)" };
        var scalar = new Option<string>("--scalar") { Description = "hnsw: vector storage f32, f16 or i8", DefaultValueFactory = _ => "f32" };
        scalar.AcceptOnlyFromAmong("f32", "f16", "i8");
        var photos = new Option<string?>("--photos") { Description = "Real faces: one sub-folder per identity (default $FACENETML_DATA/celeba-train)" };
        var identities = new Option<int>("--identities") { Description = "Identities of --photos used (first photo of each is a query, up to 3 more are enrolled)", DefaultValueFactory = _ => 150 };
        var command = new Command("gallery", "Measure a gallery backend: recall@1/@10 against exact, p50/p99 query latency, enrolment speed, bytes per face")
        {
            backend, size, url, path, scalar, photos, identities, // --model and --threads come from bench (recursive options)
        };
        command.SetAction(parse =>
        {
            long n = parse.GetValue(size);
            if (n < 100 || n > 100_000_000) throw new BadInputException($"--size must be between 100 and 100000000, got {n}");
            var kind = parse.GetValue(backend)!;
            if (kind == "pgvector" && parse.GetValue(url) is null) throw new BadInputException("--backend pgvector needs --url postgres://...");
            var folder = parse.GetValue(photos) ?? BenchCommand.DataPath("celeba-train");
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse, FaceChoice.Centred));
            var real = RealFaces(pipeline, folder, parse.GetValue(identities));
            var rule = IdentificationRule.Default(pipeline.Model.Name, pipeline.Threshold).ToJson();
            string? temp = null;
            IFaceIndex index = kind switch
            {
                "exact" => new ExactFaceIndex(),
                "hnsw" => USearchFaceIndex.Open(parse.GetValue(path) ?? (temp = Path.Combine(Path.GetTempPath(), $"facenetml-bench-{Environment.ProcessId}.usearch")), false, parse.GetValue(scalar)!),
                _ => PgVectorFaceIndex.Open(DropTable(parse.GetValue(url)!), false),
            };
            if (index.Info is not null) throw new BadInputException($"{index.Location}: not empty; the benchmark builds a new gallery");
            GalleryBenchmarkResult r;
            using (index)
                r = GalleryBenchmark.Run(index, kind == "hnsw" ? parse.GetValue(scalar)! : "f32", n, real, pipeline.Model.Name, pipeline.Threshold, rule,
                    log: m => CliContext.Error(m));
            if (temp is not null)
                foreach (var f in new[] { temp, temp + ".sqlite", temp + ".sqlite-wal", temp + ".sqlite-shm" }) File.Delete(f);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new
                {
                    backend = r.Backend, size = r.Size, dimensions = r.Dimensions, recallAt1 = CliContext.Round(r.RecallAt1), recallAt10 = CliContext.Round(r.RecallAt10),
                    p50Ms = CliContext.Round(r.P50Ms), p99Ms = CliContext.Round(r.P99Ms), enrolPerSecond = Math.Round(r.EnrolPerSecond), bytesPerFace = Math.Round(r.BytesPerFace),
                    buildSeconds = CliContext.Round(r.BuildSeconds), queries = r.Queries, scalar = r.Scalar,
                    distances = new { realSame = CliContext.Round(r.RealSame), realDifferent = CliContext.Round(r.RealDifferent), syntheticSame = CliContext.Round(r.SyntheticSame), syntheticDifferent = CliContext.Round(r.SyntheticDifferent) },
                    cores = Environment.ProcessorCount,
                });
            else
                Console.WriteLine($"{r.Backend} ({r.Scalar}) {r.Size} x {r.Dimensions}: recall@1 {r.RecallAt1:F4}, recall@10 {r.RecallAt10:F4}, p50 {r.P50Ms:F3} ms, p99 {r.P99Ms:F3} ms, " +
                    $"enrol {r.EnrolPerSecond:F0}/s, {r.BytesPerFace:F0} bytes/face, build {r.BuildSeconds:F1} s ({r.Queries} real queries; distances same/different real {r.RealSame:F3}/{r.RealDifferent:F3}, synthetic {r.SyntheticSame:F3}/{r.SyntheticDifferent:F3})");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The real faces: up to 4 photos of each of the first identities, embedded once and cached beside the models.</summary>
    private static List<(string Identity, float[] Embedding)> RealFaces(FacePipeline pipeline, string folder, int identities)
    {
        var cacheDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "facenetml", "bench");
        Directory.CreateDirectory(cacheDir);
        var cache = Path.Combine(cacheDir, $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))}-{pipeline.Model.Name}-{identities}.json");
        if (File.Exists(cache))
            return [.. JsonSerializer.Deserialize<List<CachedFace>>(File.ReadAllText(cache))!.Select(c => (c.Identity, c.Embedding))];
        var photos = GalleryEnrolment.PersonPhotos(folder, "photo folder").GroupBy(p => p.Person).Take(identities)
            .SelectMany(g => g.Take(4)).ToList();
        var result = new (string, float[]?)[photos.Count];
        Parallel.For(0, photos.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, pipeline.Options.Parallelism) }, i =>
        {
            try
            {
                result[i] = (photos[i].Person, pipeline.EmbedPrimary(ImageDecoder.Decode(photos[i].Path))?.Embedding);
            }
            catch (BadInputException)
            {
                result[i] = (photos[i].Person, null);
            }
        });
        var faces = result.Where(r => r.Item2 is not null).Select(r => (r.Item1, r.Item2!)).ToList();
        File.WriteAllText(cache, JsonSerializer.Serialize(faces.Select(f => new CachedFace(f.Item1, f.Item2)).ToList()));
        return faces;
    }

    private sealed record CachedFace(string Identity, float[] Embedding);

    private static string DropTable(string url)
    {
        var u = PostgresUrl.Parse(url);
        var b = new Npgsql.NpgsqlDataSourceBuilder(u.ConnectionString);
        using var source = b.Build();
        try
        {
            using var c = source.OpenConnection();
            using var cmd = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS {u.Table}, {u.Table}_person, {u.Table}_meta", c);
            cmd.ExecuteNonQuery();
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw new BadInputException($"{u.Display}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        return url;
    }
}
