using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Spectre.Console;

namespace FaceNetML.Cli;

/// <summary>Options every command takes, and the shared ways of printing results.</summary>
internal static class CliContext
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object on stdout and nothing else", Recursive = true };
    public static readonly Option<string?> Models = new("--models") { Description = "Model store folder (default $FACENETML_MODELS or ~/.cache/facenetml/models)", Recursive = true };
    public static readonly Option<int> MinFace = new Option<int>("--min-face")
    {
        Description = $"Smallest face to detect, in pixels (at least {MtcnnOptions.SmallestMinFaceSize}, the detector window)", DefaultValueFactory = _ => 20, Recursive = true,
    }.AtLeast(MtcnnOptions.SmallestMinFaceSize, "the detector window; smaller would upscale the image");
    public static readonly Option<int> Threads = new Option<int>("--threads")
    {
        Description = "Images processed in parallel (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount, Recursive = true,
    }.AtLeast(1);
    public static readonly Option<double> MaxMegapixels = new Option<double>("--max-megapixels")
    {
        Description = $"Refuse images with more pixels than this, read from the header before decoding (default {ImageDecoder.DefaultMaxPixels / 1e6:0})",
        DefaultValueFactory = _ => ImageDecoder.DefaultMaxPixels / 1e6, Recursive = true,
    }.PositiveFinite(ImageDecoder.LargestMaxPixels / 1e6);
    public static readonly Option<double> DetectionMegapixels = new Option<double>("--detection-megapixels")
    {
        Description = $"Larger photos are searched for faces on a copy downscaled to this size, which bounds memory (default {new MtcnnOptions().MaxDetectionPixels / 1e6:0})",
        DefaultValueFactory = _ => new MtcnnOptions().MaxDetectionPixels / 1e6, Recursive = true,
    }.PositiveFinite(ImageDecoder.LargestMaxPixels / 1e6);
    public static readonly Option<string?> Model = new("--model") { Description = "Embedding model: a built-in name (mobilefacenet) or a folder/.onnx with manifest.json", Recursive = true };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Messages and paths as written ("+", "'", accents), not \u escapes: stdout is not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Progress and notes go to stderr so stdout carries only results.</summary>
    public static IAnsiConsole Err { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static ModelStore Store(ParseResult parse)
    {
        var dir = parse.GetValue(Models);
        return dir is null ? ModelStore.Default : new ModelStore(dir);
    }

    /// <summary>Detector settings from <c>--min-face</c> and <c>--detection-megapixels</c>.</summary>
    public static MtcnnOptions DetectionOptions(ParseResult parse) => new()
    {
        MinFaceSize = parse.GetValue(MinFace),
        MaxDetectionPixels = (long)Math.Max(10_000, parse.GetValue(DetectionMegapixels) * 1e6),
    };

    public static FacePipelineOptions PipelineOptions(ParseResult parse, FaceChoice choice = FaceChoice.Largest, bool fallback = false)
    {
        var model = parse.GetValue(Model);
        return new FacePipelineOptions
        {
            Store = Store(parse),
            Model = model is null ? FaceModels.MobileFaceNet : FaceModels.Parse(model),
            Detection = DetectionOptions(parse),
            Parallelism = Math.Max(1, parse.GetValue(Threads)),
            Choice = choice,
            FallBackToCentreCrop = fallback,
        };
    }

    /// <summary>The command's <c>--json</c> answer; printed once when the program ends (see <see cref="JsonReply"/>).</summary>
    public static void WriteJson(object value) => JsonReply.Set(value, JsonOptions);

    /// <summary>One line on stderr, Spectre markup-safe. The first <c>error: </c> line is also the <c>error</c> of the JSON answer.</summary>
    public static void Error(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        const string prefix = "error: ";
        if (line.StartsWith(prefix, StringComparison.Ordinal)) JsonReply.NoteError(line[prefix.Length..]);
        Console.Error.WriteLine(line);
    }

    /// <summary>Ends the run: an error line when a failure printed none, the JSON answer under <c>--json</c>; returns the exit code.</summary>
    public static int Finish(int exitCode, bool json)
    {
        if (exitCode != ExitCodes.Success && !JsonReply.HasError) Error("error: " + ExitCodes.Describe(exitCode));
        JsonReply.Print(json, exitCode, JsonOptions);
        return exitCode;
    }

    /// <summary>The JSON fields of an identification: person (null when unknown), confidence, distance, nearest,
    /// secondNearest (non-finite numbers as null).</summary>
    public static void AddIdentity(IDictionary<string, object?> row, Identification id)
    {
        row["person"] = id.Person; // null (written, not omitted) when unknown
        row["confidence"] = Finite(id.Confidence);
        row["distance"] = Finite(id.Distance);
        row["nearest"] = id.Nearest;
        row["secondNearest"] = id.SecondNearest;
        if (id.Person is null && id.Reason is not null) row["reason"] = id.Reason;
    }

    private static float? Finite(float v) => float.IsFinite(v) ? Round(v) : null;

    public static float Round(float v, int digits = 4) => MathF.Round(v, digits);

    public static double Round(double v, int digits = 4) => Math.Round(v, digits);
}
