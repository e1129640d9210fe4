using FaceNetML.Recognition;

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
    /// <summary>Faces per probe: 1 (a photo) to this many (a short track).</summary>
    public int MaxFrames { get; init; } = 5;
    /// <summary>Share of galleries enrolled from grayscale photos (LFW-style galleries are grayscale).</summary>
    public double GrayGalleries { get; init; } = 0.5;
    /// <summary>Share of probes made of video-like faces (20-40 px, recompressed).</summary>
    public double VideoLikeProbes { get; init; } = 0.5;
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        if (Galleries < 1) throw new ArgumentOutOfRangeException(nameof(Galleries), Galleries, "must be at least 1");
        if (MinPeople < 1 || MaxPeople < MinPeople) throw new ArgumentOutOfRangeException(nameof(MaxPeople), MaxPeople, "need 1 <= MinPeople <= MaxPeople");
        if (MaxPhotos < 1) throw new ArgumentOutOfRangeException(nameof(MaxPhotos), MaxPhotos, "must be at least 1");
        if (MaxFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "must be at least 1");
    }
}

/// <summary>
/// Simulated open-set 1:N trials from a <see cref="FaceBank"/>: each round enrols a random set of identities with 1-3
/// photos each (colour or grayscale), then searches one probe per enrolled person (photos not enrolled; 1 to
/// <see cref="OpenSetTrialOptions.MaxFrames"/> faces, as photographed or video-like) and as many probes of people who are
/// not enrolled (other identities of the split, and unlabeled strangers). Evidence comes from the same
/// <see cref="ProbeEvidence"/> the product uses.
/// </summary>
public static class OpenSetTrials
{
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
        var trials = new List<IdentificationTrial>();
        var rule = IdentificationRule.DistanceOnly(model, threshold); // evidence does not depend on the rule
        for (int round = 0; round < options.Galleries; round++)
        {
            int people = rng.Next(options.MinPeople, Math.Min(options.MaxPeople, enrollable.Count - 1) + 1);
            var shuffled = enrollable.OrderBy(_ => rng.Next()).ToList();
            var enrolled = shuffled.Take(people).ToList();
            var gallery = new Gallery(model, threshold, rule);
            bool gray = rng.NextDouble() < options.GrayGalleries;
            var probeFaces = new Dictionary<string, List<BankFace>>(StringComparer.Ordinal);
            foreach (var person in enrolled)
            {
                var faces = person.Faces.OrderBy(_ => rng.Next()).ToList();
                int photos = rng.Next(1, Math.Min(options.MaxPhotos, faces.Count - 1) + 1);
                foreach (var f in faces.Take(photos)) gallery.Add(person.Name, gray ? f.EnrolGray : f.EnrolColour, f.Path);
                probeFaces[person.Name] = faces.Skip(photos).ToList();
            }
            foreach (var person in enrolled)
                trials.Add(Search(gallery, probeFaces[person.Name], person.Name, options, rng));

            // As many non-mate searches: half other identities, half unlabeled strangers (when there are any).
            var others = shuffled.Skip(people).Concat(identities.Where(i => i.Faces.Count == 1)).ToList();
            for (int k = 0; k < people; k++)
            {
                bool fromStrangers = strangers.Count > 0 && (others.Count == 0 || rng.Next(2) == 0);
                var faces = fromStrangers ? [strangers[rng.Next(strangers.Count)]] : others[rng.Next(others.Count)].Faces;
                trials.Add(Search(gallery, faces, null, options, rng));
            }
        }
        return trials;
    }

    /// <summary>One search: a probe of 1..MaxFrames faces drawn (with replacement) from <paramref name="faces"/>.</summary>
    private static IdentificationTrial Search(Gallery gallery, IReadOnlyList<BankFace> faces, string? truth, OpenSetTrialOptions options, Random rng)
    {
        int frames = rng.Next(1, options.MaxFrames + 1);
        bool videoLike = rng.NextDouble() < options.VideoLikeProbes;
        var evidence = new ProbeEvidence(gallery);
        for (int i = 0; i < frames; i++)
        {
            var f = faces[rng.Next(faces.Count)];
            evidence.Add(videoLike && f.VideoProbe is { } v ? v : f.Probe);
        }
        var (e, candidate, _) = evidence.Summarise();
        return new IdentificationTrial(e!, truth is not null, truth is not null && candidate == truth);
    }
}
