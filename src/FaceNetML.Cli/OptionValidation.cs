using System.CommandLine;
using System.CommandLine.Parsing;

namespace FaceNetML.Cli;

/// <summary>
/// Option validators: a value out of range is a parse error (exit 2, one line naming the option), caught before
/// any model loads or any file is written.
/// </summary>
internal static class OptionValidation
{
    /// <summary>Refuses values below <paramref name="minimum"/>; <paramref name="why"/> ends the message.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum, string? why = null)
    {
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<int>(), minimum, why));
        return option;
    }

    /// <summary>Refuses values below <paramref name="minimum"/> (no value is fine).</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum, string? why = null)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v) Check(r, v, minimum, why);
        });
        return option;
    }

    /// <summary>Refuses NaN, infinities, zero and negative values (no value is fine).</summary>
    public static Option<float?> PositiveFinite(this Option<float?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<float?>() is float v && !(float.IsFinite(v) && v > 0))
                r.AddError($"{r.Option.Name} must be a positive finite number, got {v}");
        });
        return option;
    }

    /// <summary>Refuses NaN, infinities, zero, negative values and values over <paramref name="maximum"/>.</summary>
    public static Option<double> PositiveFinite(this Option<double> option, double maximum = double.MaxValue)
    {
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(double.IsFinite(v) && v > 0)) r.AddError($"{r.Option.Name} must be a positive finite number, got {v}");
            else if (v > maximum) r.AddError($"{r.Option.Name} must be at most {maximum}, got {v}");
        });
        return option;
    }

    /// <summary>
    /// For options naming a file to write: refuses a folder, and a file whose folder does not exist, so that the
    /// run does not fail at the end, after the work, with an I/O exception.
    /// </summary>
    public static void OutputFile(OptionResult result)
    {
        if (result.GetValueOrDefault<string?>() is not { } path) return;
        if (OutputPathProblem(path) is { } problem) result.AddError($"{result.Option.Name} {path}: {problem}");
    }

    /// <summary>For options naming a gallery to write: a postgres:// URL is checked when opened; a file path (JSON or
    /// .usearch) as <see cref="OutputFile"/>.</summary>
    public static void GalleryOutput(OptionResult result)
    {
        if (result.GetValueOrDefault<string?>() is not { } path || FaceNetML.Recognition.PostgresUrl.Looks(path)) return;
        var file = path.Contains(".usearch?", StringComparison.OrdinalIgnoreCase) ? path[..(path.IndexOf(".usearch?", StringComparison.OrdinalIgnoreCase) + 8)] : path;
        if (OutputPathProblem(file) is { } problem) result.AddError($"{result.Option.Name} {path}: {problem}");
    }

    /// <summary>Adds <see cref="OutputFile"/> to each option.</summary>
    public static void OutputFiles(params Option<string?>[] options)
    {
        foreach (var o in options) o.Validators.Add(OutputFile);
    }

    /// <summary>Why a file cannot be written at <paramref name="path"/>, or null when it can be tried.</summary>
    public static string? OutputPathProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "empty file name";
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar)) return "is a folder, not a file";
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "not a usable file name";
        }
        var parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent)) return $"folder {parent} does not exist";
        return null;
    }

    private static void Check(OptionResult r, int value, int minimum, string? why)
    {
        if (value < minimum)
            r.AddError($"{r.Option.Name} must be at least {minimum}{(why is null ? "" : $" ({why})")}, got {value}");
    }
}
