using System.CommandLine;
using FaceNetML.Recognition;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml gallery stats|list|check|remove|export|import</c>: inspect a gallery on any backend (JSON file,
/// <c>.usearch</c> HNSW file, <c>postgres://</c> URL), measure its index's recall, remove a person, and copy a gallery
/// between backends (one transaction per person).
/// </summary>
internal static class GalleryCommand
{
    public static Command Create()
    {
        var command = new Command("gallery", "Inspect and move galleries: JSON file, .usearch (HNSW) or postgres:// (pgvector)")
        {
            Stats(), List(), Check(), RemovePerson(), Export(), Import(),
        };
        return command;
    }

    private static Argument<string> GalleryArgument(string description = "Gallery: a .json file, a .usearch path or a postgres://user@host:port/db?table=NAME URL") =>
        new("gallery") { Description = description };

    private static Command Stats()
    {
        var gallery = GalleryArgument();
        var command = new Command("stats", "Backend, model, people, embeddings and size of a gallery") { gallery };
        command.SetAction(parse =>
        {
            using var g = GalleryStore.OpenRead(parse.GetValue(gallery)!);
            var i = g.Index;
            var row = new
            {
                gallery = i.Location, backend = i.Backend, model = g.Model, dimensions = g.Dimension, people = g.PersonCount, embeddings = i.FaceCount,
                bytes = i.ApproximateBytes, ruleCalibrated = g.Rule.Calibrated, scalar = (i as USearchFaceIndex)?.Scalar,
            };
            if (parse.GetValue(CliContext.Json)) CliContext.WriteJson(row);
            else
                Console.WriteLine($"{row.gallery}: {row.backend}{(row.scalar is null ? "" : " " + row.scalar)}, model {row.model} ({row.dimensions} values), {row.people} people, {row.embeddings} embeddings, {row.bytes / 1024.0 / 1024:F1} MiB");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List()
    {
        var gallery = GalleryArgument();
        var command = new Command("list", "The enrolled people with their embedding counts, in enrolment order") { gallery };
        command.SetAction(parse =>
        {
            using var g = GalleryStore.OpenRead(parse.GetValue(gallery)!);
            var rows = g.Index.PersonNames().Select(n => new { name = n, embeddings = g[n]?.Embeddings.Count ?? 0 }).ToList();
            if (parse.GetValue(CliContext.Json)) CliContext.WriteJson(new { people = rows });
            else foreach (var r in rows) Console.WriteLine($"{r.name}\t{r.embeddings}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Check()
    {
        var gallery = GalleryArgument();
        var sample = new Option<int>("--sample") { Description = "Stored faces searched for (spread over people)", DefaultValueFactory = _ => 1000 };
        sample.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--sample must be at least 1"); });
        var minRecall = new Option<double>("--min-recall") { Description = "Fail (exit 1) when recall@1 is below this", DefaultValueFactory = _ => 0.99 };
        minRecall.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (>= 0 and <= 1)) r.AddError("--min-recall must lie in [0, 1]"); });
        var command = new Command("check", "Recall@1 of the gallery's index against an exact scan, on stored faces: shows when an index has degraded") { gallery, sample, minRecall };
        command.SetAction(parse =>
        {
            using var g = GalleryStore.OpenRead(parse.GetValue(gallery)!);
            var r = IndexRecall.Measure(g.Index, parse.GetValue(sample));
            double floor = parse.GetValue(minRecall);
            bool ok = r.RecallAt1 >= floor;
            if (parse.GetValue(CliContext.Json))
                CliContext.WriteJson(new { gallery = g.Index.Location, backend = g.Index.Backend, sampled = r.Sampled, found = r.Found, recallAt1 = Math.Round(r.RecallAt1, 4), ok, missed = r.Missed });
            else
                Console.WriteLine($"{g.Index.Location}: recall@1 {r.RecallAt1:0.0000} ({r.Found} of {r.Sampled} stored faces found as their own nearest)");
            if (ok) return ExitCodes.Success;
            CliContext.Error($"error: {g.Index.Location}: recall@1 {r.RecallAt1:0.0000} is below {floor}; the index has degraded (an HNSW gallery rebuilds its graph from the sidecar when NAME.usearch is deleted)");
            return ExitCodes.Failure;
        });
        return command;
    }

    private static Command RemovePerson()
    {
        var gallery = GalleryArgument();
        var person = new Argument<string>("person") { Description = "Name of the person to remove" };
        var command = new Command("remove", "Remove a person and their embeddings (one transaction)") { gallery, person };
        command.SetAction(parse =>
        {
            var location = parse.GetValue(gallery)!;
            var name = parse.GetValue(person)!;
            bool removed;
            using (var g = GalleryStore.OpenExisting(location)) removed = g.Remove(name);
            if (!removed) throw new BadInputException($"{location}: no person named '{name}'");
            if (parse.GetValue(CliContext.Json)) CliContext.WriteJson(new { gallery = location, removed = name });
            else Console.WriteLine($"{name}: removed");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export()
    {
        var gallery = GalleryArgument("Gallery to copy from");
        var output = new Option<string>("--out") { Description = "Gallery to copy into (added to): a .json file, a .usearch path or a postgres:// URL", Required = true, Validators = { OptionValidation.GalleryOutput } };
        var command = new Command("export", "Copy a gallery into another (any backend to any backend)") { gallery, output };
        command.SetAction(parse => Copy(parse.GetValue(gallery)!, parse.GetValue(output)!, parse.GetValue(CliContext.Json)));
        return command;
    }

    private static Command Import()
    {
        var gallery = GalleryArgument("Gallery to copy into (added to): a .json file, a .usearch path or a postgres:// URL");
        var from = new Option<string>("--from") { Description = "Gallery to copy from (any backend)", Required = true };
        var command = new Command("import", "Copy another gallery's people into this gallery") { gallery, from };
        command.SetAction(parse => Copy(parse.GetValue(from)!, parse.GetValue(gallery)!, parse.GetValue(CliContext.Json)));
        return command;
    }

    private static int Copy(string from, string to, bool json)
    {
        using var source = GalleryStore.OpenRead(from);
        using var target = GalleryStore.OpenWrite(to, source.Model, source.Threshold, source.Dimension ?? 0, source.Rule);
        long added = GalleryStore.CopyInto(source, target);
        long people = target.PersonCount, faces = target.Index.FaceCount;
        if (json) CliContext.WriteJson(new { from = source.Index.Location, to = PostgresUrl.Redact(to), added, people, embeddings = faces });
        else Console.WriteLine($"{PostgresUrl.Redact(to)}: {people} people, {faces} embeddings ({added} added from {source.Index.Location})");
        return ExitCodes.Success;
    }
}
