namespace FaceNetML.Models;

/// <summary>
/// Score fusion of two embedding models as one model handle (<c>a+b</c>). A face's fused embedding is the
/// concatenation <c>[sqrt(w)·ea, sqrt(1-w)·eb]</c> of the two L2-normalised embeddings: still unit length, and its squared
/// Euclidean distance is <c>w·da² + (1-w)·db²</c> (its cosine <c>w·cos_a + (1-w)·cos_b</c>), so galleries, clustering, video
/// and thresholds work on it unchanged. The weight <c>w</c> of a known pair was learned on lfw-dev inside the k-fold
/// protocol (<see cref="Verification.FusionKFold"/>: each test fold's weight chosen on the other folds) and then fixed
/// here with the threshold; an unknown pair uses w = 0.5 and the threshold <c>sqrt(w·ta² + (1-w)·tb²)</c>.
/// </summary>
public sealed record ModelFusion(string First, string Second, float Weight, float Threshold)
{
    /// <summary>
    /// MobileFaceNet with dlib-resnet: the weight 0.30 is the median (and mode) of the five fold weights (0.30, 0.30, 0.45,
    /// 0.30, 0.15) that <c>facenetml eval lfw --model mobilefacenet+dlib-resnet</c> learned on lfw-dev; the threshold is the
    /// best over all lfw-dev pairs at that weight (0.6934). dlib's distances are about 2.5x shorter than MobileFaceNet's
    /// (thresholds 0.43 and 1.10), so w = 0.3 still gives MobileFaceNet about 74% of the fused squared distance.
    /// </summary>
    public static ModelFusion MobileFaceNetDlib { get; } = new("mobilefacenet", "dlib-resnet", 0.30f, 0.69f);

    /// <summary>
    /// fr-feature with dlib-resnet: <c>facenetml eval lfw --model fr-feature+dlib-resnet</c> on lfw-dev learned the weight
    /// 0.50 in all five folds (0.50, 0.50, 0.50, 0.50, 0.50; fused k-fold accuracy 99.23% against fr-feature's 99.10%);
    /// the threshold is the best over all lfw-dev pairs at that weight (0.9200), where the rule for an unknown pair
    /// would give sqrt(0.5·1.22² + 0.5·0.43²) = 0.915. (mobilefacenet+fr-feature is not listed: its fold weights,
    /// 0.35 / 0.40 / 0.40 / 0.30 / 0.40, gave 99.13%, no clear gain over fr-feature alone.)
    /// </summary>
    public static ModelFusion FrFeatureDlib { get; } = new("fr-feature", "dlib-resnet", 0.50f, 0.92f);

    private static readonly ModelFusion[] Known = [MobileFaceNetDlib, FrFeatureDlib];

    /// <summary>The fusion a handle names (<c>a+b</c>), or null when it names one model.</summary>
    public static (string First, string Second)? Split(string nameOrPath)
    {
        if (File.Exists(nameOrPath) || Directory.Exists(nameOrPath)) return null;
        var parts = nameOrPath.Split('+');
        if (parts.Length == 1) return null;
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new BadInputException($"model '{nameOrPath}': a fusion names exactly two models, as in mobilefacenet+dlib-resnet");
        return (parts[0].Trim(), parts[1].Trim());
    }

    /// <summary>The learned fusion of two installed models, or an even one for a pair not learned.</summary>
    public static ModelFusion For(InstalledModel first, InstalledModel second, float? weight = null)
    {
        var known = Known.FirstOrDefault(k => k.First == first.Name && k.Second == second.Name);
        float w = weight ?? known?.Weight ?? 0.5f;
        if (!(w > 0 && w < 1)) throw new BadInputException($"fusion weight {w}: must lie strictly between 0 and 1");
        float threshold = known is not null && weight is null ? known.Threshold
            : MathF.Sqrt(w * first.Manifest.DefaultThreshold * first.Manifest.DefaultThreshold +
                         (1 - w) * second.Manifest.DefaultThreshold * second.Manifest.DefaultThreshold);
        return new ModelFusion(first.Name, second.Name, w, threshold);
    }

    public string Name => First + "+" + Second;

    /// <summary>The factor part <paramref name="part"/> (0 or 1) of a fused embedding is scaled by: sqrt(w), then sqrt(1 - w).</summary>
    public static float PartFactor(float weight, int part) => MathF.Sqrt(part == 0 ? weight : 1 - weight);

    /// <summary>The fused embedding <c>[sqrt(w)·a, sqrt(1-w)·b]</c> of two unit embeddings; a missing part (empty, or NaN as
    /// ML.NET marks a missing value) makes the whole fusion missing: empty when a part is empty, NaN when a part is NaN.</summary>
    public static float[] Fuse(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float weight)
    {
        if (a.Length == 0 || b.Length == 0) return [];
        var fused = new float[a.Length + b.Length];
        if (float.IsNaN(a[0]) || float.IsNaN(b[0]))
        {
            Array.Fill(fused, float.NaN);
            return fused;
        }
        float fa = PartFactor(weight, 0), fb = PartFactor(weight, 1);
        for (int i = 0; i < a.Length; i++) fused[i] = a[i] * fa;
        for (int i = 0; i < b.Length; i++) fused[a.Length + i] = b[i] * fb;
        return fused;
    }
}
