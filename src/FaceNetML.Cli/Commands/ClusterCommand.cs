using FaceNetML.Imaging;
using System.CommandLine;
using FaceNetML.Clustering;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.ML;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml cluster DIR [--k N]</c>: groups the photos of a folder by person (k-means with --k, else agglomerative at the model threshold).</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Folder of photos (searched recursively); one sub-folder per person also gives the NMI" };
        var k = new Option<int?>("--k") { Description = "Number of people (k-means); without it the number is found (agglomerative, model threshold)" }.AtLeast(1);
        var command = new Command("cluster", "Group the faces of a folder of photos by person") { dir, k, CliContext.Model, CliContext.MinFace, CliContext.Threads };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(dir)!;
            if (!Directory.Exists(root)) throw new BadInputException($"{root}: no such folder");
            var files = ImageFolder.Files(root);
            if (files.Count == 0) throw new BadInputException($"{root}: no photos");
            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            var results = pipeline.EmbedFiles(files);
            var ok = results.Where(r => r.Ok).ToList();
            foreach (var r in results.Where(r => !r.Ok)) CliContext.Error("warning: " + r.Error);
            if (ok.Count == 0) throw new BadInputException($"{root}: no face found in any photo");
            var embeddings = ok.Select(r => r.Result!.Embedding).ToList();
            var ml = new MLContext(seed: 1);
            var kValue = parse.GetValue(k);
            var clusters = kValue is int n ? MLNetClustering.KMeans(ml, embeddings, n) : FaceClustering.Agglomerative(embeddings, pipeline.Threshold);

            // Labels when every photo sits in a sub-folder: the person is the first folder below DIR.
            var people = ok.Select(r => Path.GetRelativePath(root, r.Path).Split(Path.DirectorySeparatorChar)).ToList();
            double? nmi = null;
            if (people.All(p => p.Length > 1) && clusters.Distinct().Count() > 0)
            {
                var names = people.Select(p => p[0]).Distinct().ToList();
                nmi = MLNetClustering.Nmi(ml, embeddings, clusters, people.Select(p => names.IndexOf(p[0])).ToList());
            }
            var groups = clusters.Select((c, i) => (c, path: ok[i].Path)).GroupBy(x => x.c).OrderBy(g => g.Key)
                .Select(g => new { id = g.Key, paths = g.Select(x => x.path).ToArray() }).ToList();
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new { clusters = groups, nmi = nmi is double v && double.IsFinite(v) ? CliContext.Round(v) : (double?)null });
            else
            {
                foreach (var g in groups) Console.WriteLine($"cluster {g.id} ({g.paths.Length}): {string.Join(", ", g.paths.Select(Path.GetFileName))}");
                if (nmi is double v) Console.WriteLine($"NMI {v:F4}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
