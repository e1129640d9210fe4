using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceNetML.Models;

/// <summary>Where a model's weights came from.</summary>
public sealed record ModelSource(string Package, string Version, string File, string Sha256, string Licence);

/// <summary>
/// Everything FaceNetML needs to know to run a model correctly, stored as <c>manifest.json</c> next to
/// <c>model.onnx</c>: provenance and hashes, input geometry and normalisation, and for embedders the
/// embedding size and default verification threshold.
/// </summary>
public sealed record ModelManifest
{
    public required string Name { get; init; }
    /// <summary><c>embedding</c>, <c>mtcnn-pnet</c>, <c>mtcnn-rnet</c> or <c>mtcnn-onet</c>.</summary>
    public required string Kind { get; init; }
    public ModelSource? Source { get; init; }
    public required string OnnxSha256 { get; init; }
    /// <summary>Square input side in pixels (0 when the model takes any size, as P-Net does).</summary>
    public int InputSize { get; init; }
    public string Layout { get; init; } = "NHWC";
    public string ChannelOrder { get; init; } = "RGB";
    /// <summary>Network input = (pixel - Mean) * Scale.</summary>
    public float Mean { get; init; } = 127.5f;
    public float Scale { get; init; } = 0.0078125f;
    public int EmbeddingSize { get; init; }
    /// <summary>Euclidean distance between L2-normalised embeddings below which two faces are the same person.</summary>
    public float DefaultThreshold { get; init; }
    /// <summary>Alignment template name: <c>standard</c> (the insightface 5-point template scaled to InputSize).</summary>
    public string Template { get; init; } = "standard";
    public string? Notes { get; init; }

    /// <summary>For imported models: the <see cref="Onnx.TfLiteToOnnxConverter.Version"/> that wrote the ONNX file.</summary>
    public int ConverterVersion { get; init; }

    /// <summary>Learned parameters (weights and biases).</summary>
    public long Parameters { get; init; }

    /// <summary>Multiply-adds for one image at <see cref="InputSize"/> (for P-Net: at the stored input shape).</summary>
    public long MultiplyAdds { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ModelManifest Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), Json)
                   ?? throw new BadInputException($"{path}: empty model manifest");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: unreadable model manifest ({e.Message.Split('\n')[0]})", e);
        }
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}
