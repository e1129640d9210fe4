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
/// For hnsw it also times the first answer after reopening the built gallery read-only (memory-mapped), and
/// <c>--sweep</c> repeats the queries with other search widths and re-rank counts on that reopened gallery.
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
        var scalar = new Option<string>("--scalar") { Description = $"hnsw: graph storage f32, f16 or i8 (default {HnswOptions.DefaultScalar})", DefaultValueFactory = _ => HnswOptions.DefaultScalar };
        scalar.AcceptOnlyFromAmong("f32", "f16", "i8");
        var photos = new Option<string?>("--photos") { Description = "Real faces: one sub-folder per identity (default $FACENETML_DATA/celeba-train)" };
        var identities = new Option<int>("--identities") { Description = "Identities of --photos used (first photo of each is a query, up to 3 more are enrolled)", DefaultValueFactory = _ => 150 };
        var m = new Option<int?>("--m") { Description = $"hnsw: graph degree (default {HnswOptions.DefaultConnectivity}); pgvector: the index's m (default {PgVectorOptions.DefaultM})" };
        var efAdd = new Option<int?>("--ef-add") { Description = $"hnsw: build beam width (default {HnswOptions.DefaultExpansionAdd}); pgvector: ef_construction (default {PgVectorOptions.DefaultEfConstruction})" };
        var ef = new Option<int?>("--ef") { Description = $"Search beam width (hnsw default {HnswOptions.DefaultExpansionSearch}, pgvector hnsw.ef_search default {PgVectorOptions.DefaultEfSearch})" };
        var k = new Option<int?>("--k") { Description = $"Candidates re-ranked by exact distance (hnsw default {HnswOptions.DefaultRerank}, pgvector default {PgVectorOptions.DefaultRerank})" };
        var sweep = new Option<string?>("--sweep") { Description = "hnsw: after the build, repeat the queries for each EF:K pair, e.g. 64:16,128:32,256:64" };
        var command = new Command("gallery", "Measure a gallery backend: recall@1/@10 against exact, p50/p99 query latency, build time, bytes per face, peak RSS")
        {
            backend, size, url, path, scalar, photos, identities, m, efAdd, ef, k, sweep, // --model and --threads come from bench (recursive options)
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
            int threads = Math.Max(1, parse.GetValue(CliContext.Threads));
            var hnswOptions = new HnswOptions(parse.GetValue(m), parse.GetValue(efAdd), parse.GetValue(ef), parse.GetValue(k), threads).Validated();
            var pgOptions = new PgVectorOptions(parse.GetValue(m), parse.GetValue(efAdd), parse.GetValue(ef), parse.GetValue(k)).Validated();
            var pairs = ParseSweep(parse.GetValue(sweep));
            if (pairs.Count > 0 && kind != "hnsw") throw new BadInputException("--sweep is for --backend hnsw");
            string? hnswPath = kind == "hnsw" ? parse.GetValue(path) ?? (temp = Path.Combine(Path.GetTempPath(), $"facenetml-bench-{Environment.ProcessId}.usearch")) : null;
            IFaceIndex index = kind switch
            {
                "exact" => new ExactFaceIndex(),
                "hnsw" => USearchFaceIndex.Open(hnswPath!, false, parse.GetValue(scalar)!, hnswOptions),
                _ => PgVectorFaceIndex.Open(DropTable(parse.GetValue(url)!), false, pgOptions),
            };
            if (index.Info is not null) throw new BadInputException($"{index.Location}: not empty; the benchmark builds a new gallery");
            GalleryBenchmarkResult r;
            string? pgVersion = null;
            using (index)
            {
                r = GalleryBenchmark.Run(index, kind == "hnsw" ? parse.GetValue(scalar)! : "f32", n, real, pipeline.Model.Name, pipeline.Threshold, rule,
                    log: m => CliContext.Error(m));
                pgVersion = (index as PgVectorFaceIndex)?.ExtensionVersion;
            }
            // Reopened read-only as a server would: both files memory-mapped, nothing loaded whole.
            double? firstAnswerMs = null, reopenMs = null;
            var swept = new List<(int Ef, int K, GalleryQueryFigures F)>();
            if (hnswPath is not null)
            {
                var t = System.Diagnostics.Stopwatch.StartNew();
                using (var reopened = USearchFaceIndex.Open(hnswPath, readOnly: true, options: hnswOptions))
                {
                    reopenMs = t.Elapsed.TotalMilliseconds;
                    reopened.Search(real[0].Embedding, 10);
                    firstAnswerMs = t.Elapsed.TotalMilliseconds;
                }
                foreach (var (e, kk) in pairs)
                {
                    using var tuned = USearchFaceIndex.Open(hnswPath, readOnly: true, options: hnswOptions with { ExpansionSearch = e, Rerank = kk });
                    swept.Add((e, kk, r.Requery(tuned)));
                }
            }
            long peakRss = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
            if (temp is not null)
                foreach (var f in new[] { temp, temp + ".sqlite", temp + ".sqlite-wal", temp + ".sqlite-shm", temp + ".f32" }) File.Delete(f);
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new
                {
                    backend = r.Backend, size = r.Size, dimensions = r.Dimensions, recallAt1 = CliContext.Round(r.RecallAt1), recallAt10 = CliContext.Round(r.RecallAt10),
                    p50Ms = CliContext.Round(r.P50Ms), p99Ms = CliContext.Round(r.P99Ms), enrolPerSecond = Math.Round(r.EnrolPerSecond), bytesPerFace = Math.Round(r.BytesPerFace),
                    buildSeconds = CliContext.Round(r.BuildSeconds), queries = r.Queries, scalar = r.Scalar,
                    peakRssBytes = peakRss, reopenMs = reopenMs is { } ro ? CliContext.Round(ro) : (double?)null,
                    firstAnswerAfterReopenMs = firstAnswerMs is { } fa ? CliContext.Round(fa) : (double?)null,
                    hnsw = kind == "hnsw" ? new { m = hnswOptions.Connectivity ?? HnswOptions.DefaultConnectivity, efAdd = hnswOptions.ExpansionAdd ?? HnswOptions.DefaultExpansionAdd,
                        ef = hnswOptions.ExpansionSearch ?? HnswOptions.DefaultExpansionSearch, k = hnswOptions.Rerank ?? HnswOptions.DefaultRerank, threads } : null,
                    pgvector = kind == "pgvector" ? new { m = pgOptions.M ?? PgVectorOptions.DefaultM, efConstruction = pgOptions.EfConstruction ?? PgVectorOptions.DefaultEfConstruction,
                        efSearch = pgOptions.EfSearch ?? PgVectorOptions.DefaultEfSearch, k = pgOptions.Rerank ?? PgVectorOptions.DefaultRerank, version = pgVersion } : null,
                    sweep = swept.Select(s => new { ef = s.Ef, k = s.K, recallAt1 = CliContext.Round(s.F.RecallAt1), recallAt10 = CliContext.Round(s.F.RecallAt10), p50Ms = CliContext.Round(s.F.P50Ms), p99Ms = CliContext.Round(s.F.P99Ms) }).ToList(),
                    distances = new { realSame = CliContext.Round(r.RealSame), realDifferent = CliContext.Round(r.RealDifferent), syntheticSame = CliContext.Round(r.SyntheticSame), syntheticDifferent = CliContext.Round(r.SyntheticDifferent) },
                    cores = Environment.ProcessorCount,
                });
            else
            {
                Console.WriteLine($"{r.Backend} ({r.Scalar}) {r.Size} x {r.Dimensions}: recall@1 {r.RecallAt1:F4}, recall@10 {r.RecallAt10:F4}, p50 {r.P50Ms:F3} ms, p99 {r.P99Ms:F3} ms, " +
                    $"enrol {r.EnrolPerSecond:F0}/s, {r.BytesPerFace:F0} bytes/face, build {r.BuildSeconds:F1} s, peak RSS {peakRss / 1048576.0:F0} MiB" +
                    (firstAnswerMs is { } first ? $", first answer after reopening {first:F1} ms" : "") +
                    $" ({r.Queries} real queries; distances same/different real {r.RealSame:F3}/{r.RealDifferent:F3}, synthetic {r.SyntheticSame:F3}/{r.SyntheticDifferent:F3})");
                foreach (var s in swept)
                    Console.WriteLine($"  ef {s.Ef,4} k {s.K,4}: recall@1 {s.F.RecallAt1:F4}, recall@10 {s.F.RecallAt10:F4}, p50 {s.F.P50Ms:F3} ms, p99 {s.F.P99Ms:F3} ms");
            }
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

    /// <summary>The <c>--sweep</c> pairs: <c>EF:K,EF:K</c>.</summary>
    private static List<(int Ef, int K)> ParseSweep(string? text)
    {
        var pairs = new List<(int, int)>();
        if (string.IsNullOrWhiteSpace(text)) return pairs;
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[0], out var e) || !int.TryParse(parts[1], out var k) || e < 1 || k < 1 || e > 4096 || k > 4096)
                throw new BadInputException($"--sweep: '{item}' is not EF:K (two whole numbers from 1 to 4096)");
            pairs.Add((e, k));
        }
        return pairs;
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
