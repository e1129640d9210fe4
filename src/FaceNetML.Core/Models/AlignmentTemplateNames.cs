namespace FaceNetML.Models;

/// <summary>
/// The alignment templates a model manifest may name (<see cref="ModelManifest.Template"/>): the five landmark
/// positions the model was trained with. The names live with the manifest format; their points are
/// <c>FaceNetML.Alignment.FaceTemplate</c>'s, which makes one of each.
/// </summary>
public static class AlignmentTemplateNames
{
    /// <summary>The insightface / ArcFace template.</summary>
    public const string Standard = "standard";

    /// <summary>dlib's face chip.</summary>
    public const string Dlib = "dlib";

    /// <summary>Every name a manifest may give.</summary>
    public static IReadOnlyList<string> All { get; } = [Standard, Dlib];

    public static bool IsKnown(string name) => All.Contains(name);
}
