namespace FaceNetML.Recognition;

/// <summary>What a stored gallery says about itself: the embedding model, its verification threshold, the embedding
/// length and the identification rule (JSON, <see cref="IdentificationRule.ToJson"/>).</summary>
public sealed record GalleryInfo(string Model, float Threshold, int Dimension, string RuleJson);
