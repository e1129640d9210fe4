using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Detection;
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
    public static readonly Option<int> MinFace = new("--min-face") { Description = "Smallest face to detect, in pixels", DefaultValueFactory = _ => 20, Recursive = true };
    public static readonly Option<int> Threads = new("--threads") { Description = "Images processed in parallel (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount, Recursive = true };
    public static readonly Option<string?> Model = new("--model") { Description = "Embedding model: a built-in name (mobilefacenet) or a folder/.onnx with manifest.json", Recursive = true };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Progress and notes go to stderr so stdout carries only results.</summary>
    public static IAnsiConsole Err { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static ModelStore Store(ParseResult parse)
    {
        var dir = parse.GetValue(Models);
        return dir is null ? ModelStore.Default : new ModelStore(dir);
    }

    public static FacePipelineOptions PipelineOptions(ParseResult parse, FaceChoice choice = FaceChoice.Largest, bool fallback = false)
    {
        var model = parse.GetValue(Model);
        return new FacePipelineOptions
        {
            Store = Store(parse),
            Model = model is null ? FaceModels.MobileFaceNet : FaceModels.Parse(model),
            Detection = new MtcnnOptions { MinFaceSize = parse.GetValue(MinFace) },
            Parallelism = Math.Max(1, parse.GetValue(Threads)),
            Choice = choice,
            FallBackToCentreCrop = fallback,
        };
    }

    /// <summary>Refuses an output path that is a folder (exit 2 with one line).</summary>
    public static void CheckOutputFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new BadInputException($"{option} {path}: is a folder, not a file");
    }

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>One line on stderr, Spectre markup-safe.</summary>
    public static void Error(string message) => Console.Error.WriteLine(message.ReplaceLineEndings(" "));

    /// <summary>The JSON fields of an identification: person (null when unknown), confidence, distance, nearest,
    /// secondNearest (non-finite numbers as null).</summary>
    public static void AddIdentity(IDictionary<string, object?> row, Identification id)
    {
        row["person"] = id.Person; // null (written, not omitted) when unknown
        row["confidence"] = Finite(id.Confidence);
        row["distance"] = Finite(id.Distance);
        row["nearest"] = id.Nearest;
        row["secondNearest"] = id.SecondNearest;
    }

    private static float? Finite(float v) => float.IsFinite(v) ? Round(v) : null;

    public static float Round(float v, int digits = 4) => MathF.Round(v, digits);

    public static double Round(double v, int digits = 4) => Math.Round(v, digits);
}
