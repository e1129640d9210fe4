using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Contracts;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Pipeline;
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

    /// <summary>The answers' options (<see cref="ContractJson.Options"/>) with two defaults for the commands whose answers
    /// are not contract records (anonymous objects: eval, bench, cluster, gallery, ...): their nulls are left out, and
    /// their statistics, which may be undefined, are written as "NaN" or "Infinity" rather than failing. A contract
    /// record states its nulls itself and holds finite numbers, so it is written as the server writes it.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new(ContractJson.Options)
    {
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

    /// <summary>Detector settings from <c>--min-face</c> and <c>--detection-megapixels</c>.</summary>
    public static MtcnnOptions DetectionOptions(ParseResult parse) => new()
    {
        MinFaceSize = parse.GetValue(MinFace),
        MaxDetectionPixels = (long)Math.Max(10_000, parse.GetValue(DetectionMegapixels) * 1e6),
    };

    /// <summary>Pipeline settings from the common options; the model is <c>--model</c>, else <paramref name="defaultModel"/>
    /// (such as the model a gallery was built with), else MobileFaceNet.</summary>
    public static FacePipelineOptions PipelineOptions(ParseResult parse, FaceChoice choice = FaceChoice.Largest, bool fallback = false, string? defaultModel = null)
    {
        var model = parse.GetValue(Model) ?? defaultModel;
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

    /// <summary>The command's <c>--json</c> answer (a contract record of <see cref="FaceNetML.Contracts"/>, or an object of
    /// its own), written with <see cref="JsonOptions"/>; printed once when the program ends (see <see cref="JsonReply"/>).</summary>
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

    /// <summary>A number as answers write it (<see cref="Rounding"/>).</summary>
    public static float Round(float v, int digits = 4) => Rounding.Round(v, digits);

    /// <inheritdoc cref="Round(float, int)"/>
    public static double Round(double v, int digits = 4) => Rounding.Round(v, digits);
}
