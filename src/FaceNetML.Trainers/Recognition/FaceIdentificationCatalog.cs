using FaceNetML.MLNet;
using FaceNetML.Recognition;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers.Recognition;

/// <summary>Entry point: <c>mlContext.FaceIdentification().Trainers.OpenSetRule(gallery)</c>.</summary>
public static class FaceIdentificationCatalogExtensions
{
    public static FaceIdentificationCatalog FaceIdentification(this MLContext mlContext) => new(mlContext);
}

/// <summary>Open-set face identification (1:N) as ML.NET estimators.</summary>
public sealed class FaceIdentificationCatalog(MLContext mlContext)
{
    public MLContext Context { get; } = mlContext ?? throw new ArgumentNullException(nameof(mlContext));

    public FaceIdentificationTrainers Trainers => new(Context);
}

public sealed class FaceIdentificationTrainers(MLContext mlContext)
{
    /// <summary>
    /// Learns the open-set identification rule of <paramref name="gallery"/> from labelled probe embeddings: a string
    /// label column holds each probe's person, or an empty string for a stranger (someone not enrolled). The fitted
    /// model adds <c>PredictedPerson</c> (empty when unknown), <c>Confidence</c>, <c>Distance</c> and <c>Nearest</c>.
    /// Each row is one probe (one face); the rule's frame features see 1 frame.
    /// </summary>
    public OpenSetRuleTrainer OpenSetRule(Gallery gallery, string labelColumnName = "Label", string embeddingColumnName = "Embedding", double targetFpir = 0.01) =>
        new(mlContext, gallery, labelColumnName, embeddingColumnName, targetFpir);
}

/// <summary>The trainer behind <see cref="FaceIdentificationTrainers.OpenSetRule"/>: the same
/// <see cref="IdentificationRuleTrainer"/> as <c>facenetml identify-rule train</c>, on the given rows.</summary>
public sealed class OpenSetRuleTrainer(MLContext mlContext, Gallery gallery, string labelColumnName, string embeddingColumnName, double targetFpir)
    : IEstimator<OpenSetRuleModel>
{
    public OpenSetRuleModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (gallery.People.Count == 0) throw new ArgumentException("the gallery is empty");
        var labels = input.GetColumn<string>(labelColumnName).ToArray();
        var embeddings = input.GetColumn<VBuffer<float>>(embeddingColumnName).Select(v => v.DenseValues().ToArray()).ToArray();
        var trials = new List<IdentificationTrial>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (embeddings[i].Length != gallery.Dimension || embeddings[i].Any(v => !float.IsFinite(v))) continue;
            var evidence = new ProbeEvidence(gallery);
            evidence.Add(new FaceProbe(embeddings[i]));
            var (e, candidate, _) = evidence.Summarise();
            bool mate = !string.IsNullOrEmpty(labels[i]) && gallery[labels[i]] is not null;
            trials.Add(new IdentificationTrial(e!, mate, mate && candidate == labels[i]));
        }
        var rule = IdentificationRuleTrainer.Fit(mlContext, trials, gallery.Model, maxFrames: 1, targetFpir,
            trainedOn: $"ML.NET rows: {trials.Count} probes ({trials.Count(t => t.Mate)} enrolled, {trials.Count(t => !t.Mate)} strangers)");
        var withRule = gallery.Without("");
        withRule.Rule = rule;
        return new OpenSetRuleModel(rule, withRule, mlContext.Transforms.IdentifyFaces(withRule, embeddingColumnName).Fit(input));
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => mlContext.Transforms.IdentifyFaces(gallery, embeddingColumnName).GetOutputSchema(inputSchema);
}

/// <summary>A fitted <see cref="OpenSetRuleTrainer"/>: the learnt rule, the gallery carrying it (save it with
/// <see cref="Gallery.Save"/>), and the chain that identifies.</summary>
public sealed class OpenSetRuleModel(IdentificationRule rule, Gallery gallery, ITransformer chain) : ChainedModel(chain)
{
    public IdentificationRule Rule { get; } = rule;
    public Gallery Gallery { get; } = gallery;
}
