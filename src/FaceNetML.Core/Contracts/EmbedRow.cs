using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>One image of an embedding request: its embedding, or why it has none.</summary>
/// <param name="Path">The file as given (the CLI: its path; the server: the uploaded file's name).</param>
/// <param name="Embedding">The L2-normalised embedding of its largest face, unrounded; left out on failure.</param>
/// <param name="Error">Why the image has no embedding, in one line; left out on success.</param>
public sealed record EmbedRow(
    string Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Embedding,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static EmbedRow Embedded(string path, float[] embedding) => new(path, embedding, null);

    public static EmbedRow Failed(string path, string error) => new(path, null, error);
}
