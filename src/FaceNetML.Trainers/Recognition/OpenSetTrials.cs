using FaceNetML.Recognition;
using FaceNetML.Verification;

namespace FaceNetML.Trainers.Recognition;

/// <summary>How simulated 1:N trials are drawn.</summary>
public sealed record OpenSetTrialOptions
{
    /// <summary>Galleries drawn (each gives one mate search per enrolled person and as many non-mate searches).</summary>
    public int Galleries { get; init; } = 200;
    public int MinPeople { get; init; } = 3;
    public int MaxPeople { get; init; } = 40;
    /// <summary>Enrolment photos per person: 1 to this many.</summary>
    public int MaxPhotos { get; init; } = 3;
    /// <summary>Faces per probe: 1 (a photo) to this many (a track).</summary>
    public int MaxFrames { get; init; } = 32;
    /// <summary>Share of probes that are a single face; the others are tracks of 2 to <see cref="MaxFrames"/> faces
    /// (log-uniform), drawn from the person's photos at one quality.</summary>
    public double SingleFaceProbes { get; init; } = 0.3;
    /// <summary>Share of galleries enrolled from grayscale photos only (LFW-style galleries are grayscale).</summary>
    public double GrayGalleries { get; init; } = 0.4;
    /// <summary>Share of galleries where each photo is grayscale or colour at random.</summary>
    public double MixedGalleries { get; init; } = 0.2;
    /// <summary>Share of probes as photographed; the others are video-like (<see cref="BankFace.Degraded"/>, one size
    /// stratum per probe, drawn evenly).</summary>
    public double PhotoProbes { get; init; } = 0.25;
    /// <summary>Share of non-mate searches that are look-alikes: a person not enrolled whose nearest identity is.</summary>
    public double LookAlikes { get; init; } = 0.34;
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        if (Galleries < 1) throw new ArgumentOutOfRangeException(nameof(Galleries), Galleries, "must be at least 1");
        if (MinPeople < 1 || MaxPeople < MinPeople) throw new ArgumentOutOfRangeException(nameof(MaxPeople), MaxPeople, "need 1 <= MinPeople <= MaxPeople");
        if (MaxPhotos < 1) throw new ArgumentOutOfRangeException(nameof(MaxPhotos), MaxPhotos, "must be at least 1");
        if (MaxFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "must be at least 1");
        foreach (var (name, share) in new[] { (nameof(SingleFaceProbes), SingleFaceProbes), (nameof(GrayGalleries), GrayGalleries),
                     (nameof(MixedGalleries), MixedGalleries), (nameof(PhotoProbes), PhotoProbes), (nameof(LookAlikes), LookAlikes) })
            if (!(share >= 0 && share <= 1)) throw new ArgumentOutOfRangeException(name, share, "must lie in [0, 1]");
        if (GrayGalleries + MixedGalleries > 1) throw new ArgumentException("GrayGalleries + MixedGalleries must not exceed 1");
    }
}

/// <summary>
/// Simulated open-set 1:N trials from a <see cref="FaceBank"/>, made to look like what the rule meets in use. Each round
/// enrols a random set of identities with 1-3 photos each (a colour, grayscale or mixed gallery), then searches one probe
/// per enrolled person (photos not enrolled) and as many probes of people who are not enrolled: other identities of the
/// split, unlabeled strangers, and look-alikes (the identity nearest to an enrolled person, who is not enrolled: a track
/// of such a face keeps naming the same wrong person). A probe is a single face or a track of up to
/// <see cref="OpenSetTrialOptions.MaxFrames"/> faces at one quality: as photographed, or video-like at one face-size
/// stratum. Evidence comes from the same <see cref="ProbeEvidence"/> the product uses, like for like against grayscale
/// photos.
/// </summary>
public static class OpenSetTrials
{
    /// <summary>Nearest identities remembered per identity for look-alike searches.</summary>
    private const int Neighbours = 5;

    public static List<IdentificationTrial> Generate(IReadOnlyList<BankIdentity> identities, IReadOnlyList<BankFace> strangers,
        string model, float threshold, OpenSetTrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(strangers);
        options.Validate();
        var enrollable = identities.Where(i => i.Faces.Count >= 2).ToList();
        if (enrollable.Count < options.MinPeople + 1)
            throw new ArgumentException($"need at least {options.MinPeople + 1} identities with 2 or more usable photos, got {enrollable.Count}");
        var rng = new Random(options.Seed);
        var neighbours = NearestIdentities(enrollable);
        var trials = new List<IdentificationTrial>();
        var rule = IdentificationRule.DistanceOnly(model, threshold); // evidence does not depend on the rule
        for (int round = 0; round < options.Galleries; round++)
        {
            int people = rng.Next(options.MinPeople, Math.Min(options.MaxPeople, enrollable.Count - 1) + 1);
            var order = Enumerable.Range(0, enrollable.Count).OrderBy(_ => rng.Next()).ToList();
            var enrolledIndex = order.Take(people).ToList();
            var enrolledSet = enrolledIndex.ToHashSet();
            var gallery = new Gallery(model, threshold, rule);
            double kind = rng.NextDouble();
            bool allGray = kind < options.GrayGalleries, mixed = !allGray && kind < options.GrayGalleries + options.MixedGalleries;
            var probeFaces = new Dictionary<string, List<BankFace>>(StringComparer.Ordinal);
            foreach (var person in enrolledIndex.Select(i => enrollable[i]))
            {
                var faces = person.Faces.OrderBy(_ => rng.Next()).ToList();
                int photos = rng.Next(1, Math.Min(options.MaxPhotos, faces.Count - 1) + 1);
                foreach (var f in faces.Take(photos))
                {
                    bool gray = allGray || (mixed && rng.Next(2) == 0);
                    gallery.Add(person.Name, gray ? f.EnrolGray : f.EnrolColour, f.Path, gray);
                }
                probeFaces[person.Name] = faces.Skip(photos).ToList();
            }
            foreach (var person in enrolledIndex.Select(i => enrollable[i]))
                if (Search(gallery, probeFaces[person.Name], person.Name, options, rng) is { } mate) trials.Add(mate);

            // As many non-mate searches: look-alikes, other identities and unlabeled strangers.
            var others = order.Skip(people).Select(i => enrollable[i]).Concat(identities.Where(i => i.Faces.Count == 1)).ToList();
            for (int k = 0; k < people; k++)
            {
                IReadOnlyList<BankFace> faces;
                if (rng.NextDouble() < options.LookAlikes
                    && neighbours[enrolledIndex[rng.Next(people)]].FirstOrDefault(n => !enrolledSet.Contains(n), -1) is var lookAlike and >= 0)
                    faces = enrollable[lookAlike].Faces;
                else if (strangers.Count > 0 && (others.Count == 0 || rng.Next(2) == 0))
                    faces = [strangers[rng.Next(strangers.Count)]];
                else
                    faces = others[rng.Next(others.Count)].Faces;
                if (Search(gallery, faces, null, options, rng) is { } nonMate) trials.Add(nonMate);
            }
        }
        return trials;
    }

    /// <summary>One search, or null when no face of the drawn quality was detected: a probe of one face, or a track drawn
    /// (with replacement) from <paramref name="faces"/> at one quality.</summary>
    private static IdentificationTrial? Search(Gallery gallery, IReadOnlyList<BankFace> faces, string? truth, OpenSetTrialOptions options, Random rng)
    {
        int level = rng.NextDouble() < options.PhotoProbes ? -1 : rng.Next(BankFace.Levels);
        int frames = rng.NextDouble() < options.SingleFaceProbes || options.MaxFrames < 2
            ? 1
            : (int)Math.Round(Math.Exp(Math.Log(2) + rng.NextDouble() * (Math.Log(options.MaxFrames) - Math.Log(2))));
        var usable = faces.Select(f => level < 0 ? f.Probe : level < f.Degraded.Count ? f.Degraded[level] : null).OfType<FaceProbe>().ToList();
        if (usable.Count == 0) return null;
        var evidence = new ProbeEvidence(gallery);
        for (int i = 0; i < frames; i++) evidence.Add(usable[rng.Next(usable.Count)]);
        var (e, candidate, _) = evidence.Summarise();
        return new IdentificationTrial(e!, truth is not null, truth is not null && candidate == truth);
    }

    /// <summary>For each identity, the indices of its <see cref="Neighbours"/> nearest identities (colour enrolment templates).</summary>
    private static int[][] NearestIdentities(IReadOnlyList<BankIdentity> identities)
    {
        var templates = identities.Select(i =>
        {
            var t = new float[i.Faces[0].EnrolColour.Length];
            foreach (var f in i.Faces)
                for (int j = 0; j < t.Length; j++) t[j] += f.EnrolColour[j];
            EmbeddingDistance.L2Normalize(t);
            return t;
        }).ToArray();
        var result = new int[identities.Count][];
        Parallel.For(0, identities.Count, a =>
        {
            result[a] = Enumerable.Range(0, identities.Count).Where(b => b != a)
                .OrderBy(b => EmbeddingDistance.SquaredEuclidean(templates[a], templates[b])).Take(Neighbours).ToArray();
        });
        return result;
    }
}
