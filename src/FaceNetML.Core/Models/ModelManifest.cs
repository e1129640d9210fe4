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
    /// <summary>Alignment template name: <c>standard</c> (the insightface 5-point template scaled to InputSize) or
    /// <c>dlib</c> (dlib's face chip: its mean face shape with 0.25 padding, as dlib's ResNet descriptor was trained).</summary>
    public string Template { get; init; } = AlignmentTemplateNames.Standard;
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

    /// <summary>Manifests are small; a larger file is refused unread.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads and <see cref="Validate"/>s a manifest; any problem is a <see cref="BadInputException"/> naming the file.</summary>
    public static ModelManifest Load(string path)
    {
        var kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown))
            throw new BadInputException($"{path}: model manifest is {FileKinds.Describe(kind)}, not a regular file");
        ModelManifest manifest;
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
                throw new BadInputException($"{path}: model manifest larger than {MaxBytes / 1024} KiB");
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), Json)
                       ?? throw new BadInputException($"{path}: empty model manifest");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: unreadable model manifest ({e.Message.Split('\n')[0]})", e);
        }
        manifest.Validate(path);
        return manifest;
    }

    /// <summary>
    /// Refuses values FaceNetML cannot run with: an unknown kind, a hash that is not SHA-256 hex, and for embedders
    /// an input size outside 16..1024, an embedding size outside 1..65536, a threshold that is not a positive
    /// finite distance, a non-finite or zero normalisation, or a layout, channel order or template other than
    /// NHWC, RGB and a known template (standard, dlib). <paramref name="source"/> names the file in the message.
    /// </summary>
    public void Validate(string source)
    {
        void Bad(string what) => throw new BadInputException($"{source}: invalid model manifest: {what}");
        if (string.IsNullOrWhiteSpace(Name)) Bad("empty name");
        if (Kind is not ("embedding" or "mtcnn-pnet" or "mtcnn-rnet" or "mtcnn-onet")) Bad($"unknown kind '{Kind}'");
        if (OnnxSha256 is not { Length: 64 } || !OnnxSha256.All(char.IsAsciiHexDigit)) Bad($"onnxSha256 '{OnnxSha256}' is not a SHA-256 in hex");
        if (!float.IsFinite(Mean)) Bad($"mean {Mean}");
        if (!float.IsFinite(Scale) || Scale == 0) Bad($"scale {Scale}");
        if (Kind != "embedding") return;
        if (InputSize is < 16 or > 1024) Bad($"inputSize {InputSize} (16..1024)");
        if (EmbeddingSize is < 1 or > 65536) Bad($"embeddingSize {EmbeddingSize} (1..65536)");
        if (!(float.IsFinite(DefaultThreshold) && DefaultThreshold > 0)) Bad($"defaultThreshold {DefaultThreshold} (a positive distance)");
        if (Layout != "NHWC" || ChannelOrder != "RGB") Bad($"{Layout} {ChannelOrder} (FaceNetML runs NHWC RGB models)");
        if (!AlignmentTemplateNames.IsKnown(Template)) Bad($"template '{Template}' ({string.Join(" or ", AlignmentTemplateNames.All)})");
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads and validates a manifest held in memory (one carried inside an ML.NET model.zip).</summary>
    public static ModelManifest Parse(string json, string source)
    {
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(json, Json) ?? throw new BadInputException($"{source}: empty model manifest");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}: unreadable model manifest ({e.Message.Split('\n')[0]})", e);
        }
        manifest.Validate(source);
        return manifest;
    }
}
