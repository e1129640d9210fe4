using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;

namespace FaceNetML.Evaluation;

/// <summary>The 1:N figures of a gallery and a set of probe photos: the rule's and nearest distance's.</summary>
public sealed record IdentificationEvaluation(
    OpenSetMetrics Rule, OpenSetMetrics Distance, IdentificationRule RuleUsed, int Probes, IReadOnlyList<string> Errors,
    IReadOnlyList<DecidedSearch> Decisions)
{
    /// <summary>FPIR and DIR at the rule's own threshold (what the product does).</summary>
    public double FpirAtThreshold => Rule.FpirAt(RuleUsed.Threshold);
    public double DirAtThreshold => Rule.DirAt(RuleUsed.Threshold);

    /// <summary>What the rule's own decisions (quality limits and size-bin thresholds included) did: strangers named,
    /// enrolled people named correctly, and enrolled people named as someone else.</summary>
    /// <remarks><see cref="Rule"/> already required both mate and stranger searches, so the figures exist.</remarks>
    public SizeBinFigures AtRule => _atRule ??= SizeBinFigures.Of("all", Decisions)!;

    private SizeBinFigures? _atRule;

    /// <summary>The figures per face-size bin.</summary>
    public IReadOnlyList<SizeBinFigures> BySize => SizeBinFigures.Measure(Decisions);
}

/// <summary>
/// Open-set identification of probe photos against a gallery (<c>facenetml eval identify</c>): every probe whose person
/// is enrolled is a mate search, every other one a non-mate (stranger) search. The chosen face of each probe is
/// identified alone with the gallery's rule; rank-1, DIR at FPIR and the DET curve follow
/// (<see cref="OpenSetMetrics"/>), for the rule's confidence and, for comparison, for the nearest distance alone.
/// </summary>
public static class IdentificationEvaluator
{
    /// <summary>
    /// Splits one LFW-style folder into a gallery and probes (seeded): among people with more than
    /// <paramref name="enrol"/> photos, half are enrolled with their first <paramref name="enrol"/> photos and searched with
    /// the rest; everyone else is a stranger searched with all their photos.
    /// </summary>
    public static (List<(string Person, string Path)> Gallery, List<(string Person, string Path)> Probes) Split(string folder, int enrol, int seed)
    {
        if (enrol < 1) throw new BadInputException($"--enrol must be at least 1, got {enrol}");
        var byPerson = GalleryEnrolment.PersonPhotos(folder).GroupBy(p => p.Person).ToList();
        var rng = new Random(seed);
        var gallery = new List<(string, string)>();
        var probes = new List<(string, string)>();
        foreach (var g in byPerson.OrderBy(_ => rng.Next()).ToList())
        {
            var photos = g.ToList();
            if (photos.Count > enrol && rng.Next(2) == 0)
            {
                gallery.AddRange(photos.Take(enrol));
                probes.AddRange(photos.Skip(enrol));
            }
            else probes.AddRange(photos);
        }
        if (gallery.Count == 0) throw new BadInputException($"{folder}: nobody has more than {enrol} photos to enrol");
        return (gallery, probes);
    }

    public static IdentificationEvaluation Evaluate(FacePipeline pipeline, Gallery gallery, IReadOnlyList<(string Person, string Path)> probes, Action<int>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(probes);
        gallery.CheckModel(pipeline.Model.Name, pipeline.EmbeddingSize);
        var results = pipeline.EmbedFiles(probes.Select(p => p.Path).ToList(), onProgress, withGray: gallery.HasGrayFaces);
        var rule = new List<OpenSetSearch>();
        var decisions = new List<DecidedSearch>();
        var distance = new List<OpenSetSearch>();
        var errors = new List<string>();
        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Result is not { } face)
            {
                errors.Add(results[i].Error!);
                continue;
            }
            var probe = FaceProbe.From(face);
            var id = gallery.Identify(probe);
            bool mate = gallery[probes[i].Person] is not null;
            bool correct = mate && id.Nearest == probes[i].Person;
            rule.Add(new OpenSetSearch(id.Confidence, mate, correct));
            distance.Add(new OpenSetSearch(-id.Distance, mate, correct));
            decisions.Add(new DecidedSearch(probe.FaceSize, id.Confidence, mate, correct, id.IsKnown, id.UnknownForQuality));
        }
        return new IdentificationEvaluation(new OpenSetMetrics(rule), new OpenSetMetrics(distance), gallery.Rule, results.Count, errors, decisions);
    }
}
