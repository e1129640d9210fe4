using System.Diagnostics;
using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Evaluation;

/// <summary>One <c>facenetml bench gallery</c> measurement (the JSON fields of the issue, plus the distance fit).</summary>
public sealed record GalleryBenchmarkResult(
    string Backend, long Size, int Dimensions, double RecallAt1, double RecallAt10, double P50Ms, double P99Ms,
    double EnrolPerSecond, double BytesPerFace, double BuildSeconds, int Queries, string Scalar,
    double RealSame, double RealDifferent, double SyntheticSame, double SyntheticDifferent)
{
    /// <summary>Runs the same real queries again on an index of the same faces (reopened, or searched with another
    /// width) against the same exact answers.</summary>
    public required Func<IFaceIndex, GalleryQueryFigures> Requery { get; init; }
}

/// <summary>Recall of one pass of the benchmark's real queries against the exact answers, and its latencies.</summary>
public sealed record GalleryQueryFigures(double RecallAt1, double RecallAt10, double P50Ms, double P99Ms);

/// <summary>
/// Measures a gallery backend at a given size: real faces (embedded shared photos; per identity the first photo is a
/// query and the others are enrolled) plus synthetic fillers (<see cref="SyntheticFaces"/>, fitted to the real
/// distances), bulk-enrolled; then each query's 10 nearest are compared with the exact answer (brute force over the
/// same vectors) for recall@1 and recall@10, and each query's latency is timed alone.
/// </summary>
public static class GalleryBenchmark
{
    public const int FacesPerFillerPerson = 5;

    public static GalleryBenchmarkResult Run(IFaceIndex index, string scalar, long size, IReadOnlyList<(string Identity, float[] Embedding)> real,
        string model, float threshold, string ruleJson, int seed = 1, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        var byIdentity = real.GroupBy(r => r.Identity).Where(g => g.Count() >= 2).ToList();
        if (byIdentity.Count < 10) throw new BadInputException("the benchmark needs real faces of at least 10 identities with 2 photos");
        int dim = real[0].Embedding.Length;
        var queries = byIdentity.Select(g => g.First().Embedding).ToList();
        var enrolledReal = byIdentity.SelectMany(g => g.Skip(1).Select((r, i) => (Person: "real:" + g.Key, Source: $"real:{g.Key}#{i}", r.Embedding))).ToList();
        var (realSame, realDiff) = MeanDistances(byIdentity.Select(g => g.Select(r => r.Embedding).ToList()).ToList(), seed);
        var synth = SyntheticFaces.Fit(dim, realSame, realDiff, seed);
        var probe = Enumerable.Range(0, 200).Select(_ => synth.Person(4).ToList()).ToList();
        var (synthSame, synthDiff) = MeanDistances(probe, seed);

        // The vectors, in enrolment order (also the oracle's matrix).
        long fillers = Math.Max(0, size - enrolledReal.Count);
        var all = new float[checked(size * dim)];
        var owner = new string[size];
        long row = 0;
        foreach (var r in enrolledReal.Take((int)Math.Min(size, enrolledReal.Count)))
        {
            r.Embedding.CopyTo(all, row * dim);
            owner[row++] = r.Person;
        }
        index.Initialise(new GalleryInfo(model, threshold, dim, ruleJson));
        var sw = Stopwatch.StartNew();
        var batch = new List<(string, IReadOnlyList<EnrolledFace>)>();
        foreach (var g in enrolledReal.Take((int)Math.Min(size, enrolledReal.Count)).GroupBy(r => r.Person))
            batch.Add((g.Key, g.Select(r => new EnrolledFace(r.Embedding, r.Source)).ToList()));
        var generate = Stopwatch.StartNew();
        generate.Stop();
        for (long p = 0; row < size; p++)
        {
            int n = (int)Math.Min(FacesPerFillerPerson, size - row);
            sw.Stop();
            generate.Start();
            var faces = synth.Person(n);
            generate.Stop();
            sw.Start();
            var name = $"synthetic:{p}";
            var list = new List<EnrolledFace>(n);
            for (int i = 0; i < n; i++)
            {
                faces[i].CopyTo(all, row * dim);
                owner[row++] = name;
                list.Add(new EnrolledFace(faces[i], $"{name}#{i}"));
            }
            batch.Add((name, list));
            if (batch.Count >= 2000)
            {
                index.AddPeople(batch);
                batch.Clear();
                log?.Invoke($"enrolled {row} of {size}");
            }
        }
        if (batch.Count > 0) index.AddPeople(batch);
        index.Flush();
        sw.Stop();
        double build = sw.Elapsed.TotalSeconds;

        // Exact answers (brute force on both cores), then the backend's, each query timed alone.
        var exact = new (string Person, float D)[queries.Count][];
        Parallel.For(0, queries.Count, q => exact[q] = TopK(all, owner, dim, queries[q], 10));
        var figures = Query(index, queries, exact);
        return new GalleryBenchmarkResult(index.Backend, size, dim, figures.RecallAt1, figures.RecallAt10,
            figures.P50Ms, figures.P99Ms, size / build, index.ApproximateBytes / (double)size, build, queries.Count, scalar,
            realSame, realDiff, synthSame, synthDiff)
        {
            Requery = other => Query(other, queries, exact),
        };
    }

    /// <summary>Each query's 10 nearest against the exact answer; each query timed alone, after one untimed pass over
    /// all of them, so the latencies are those of a running server whose index pages are mapped (a memory-mapped
    /// gallery's first touch of a page is a page fault; the first answer after opening is reported apart).</summary>
    private static GalleryQueryFigures Query(IFaceIndex index, List<float[]> queries, (string Person, float D)[][] exact)
    {
        foreach (var query in queries) index.Search(query, 10);
        var latencies = new double[queries.Count];
        double hits1 = 0, hits10 = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            var t = Stopwatch.StartNew();
            var found = index.Search(queries[q], 10);
            latencies[q] = t.Elapsed.TotalMilliseconds;
            if (found.Count > 0 && Same(found[0], exact[q][0])) hits1++;
            hits10 += exact[q].Count(e => found.Any(f => Same(f, e))) / (double)exact[q].Length;
        }
        Array.Sort(latencies);
        return new GalleryQueryFigures(hits1 / queries.Count, hits10 / queries.Count, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static bool Same(FaceMatch f, (string Person, float D) e) => f.Person == e.Person && MathF.Abs(f.Distance - e.D) < 2e-3f;

    private static (string, float)[] TopK(float[] all, string[] owner, int dim, float[] q, int k)
    {
        var best = new List<(string, float)>(k + 1);
        float worst = float.PositiveInfinity;
        for (long i = 0; i < owner.Length; i++)
        {
            float d = EmbeddingDistance.SquaredEuclidean(all.AsSpan((int)(i * dim), dim), q);
            if (best.Count < k || d < worst)
            {
                int at = best.FindIndex(b => b.Item2 > d);
                best.Insert(at < 0 ? best.Count : at, (owner[i], d));
                if (best.Count > k) best.RemoveAt(k);
                worst = best.Count == k ? best[^1].Item2 : float.PositiveInfinity;
            }
        }
        return [.. best.Select(b => (b.Item1, MathF.Sqrt(b.Item2)))];
    }

    private static (double Same, double Different) MeanDistances(IReadOnlyList<List<float[]>> people, int seed)
    {
        double same = 0, diff = 0;
        int ns = 0, nd = 0;
        foreach (var p in people)
            for (int i = 0; i < p.Count; i++)
                for (int j = i + 1; j < p.Count; j++)
                {
                    same += EmbeddingDistance.Euclidean(p[i], p[j]);
                    ns++;
                }
        var rng = new Random(seed);
        for (int t = 0; t < 5000; t++)
        {
            int a = rng.Next(people.Count), b = rng.Next(people.Count);
            if (a == b) continue;
            diff += EmbeddingDistance.Euclidean(people[a][rng.Next(people[a].Count)], people[b][rng.Next(people[b].Count)]);
            nd++;
        }
        return (same / ns, diff / nd);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
}
