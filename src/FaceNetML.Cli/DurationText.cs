using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FaceNetML.Cli;

/// <summary>Durations written as people write them on a command line: a number with a unit, <c>90s</c>, <c>30m</c>,
/// <c>24h</c>, <c>7d</c> (a bare number is seconds).</summary>
internal static class DurationText
{
    /// <summary>The duration, or null when the text is not one (or is not positive).</summary>
    public static TimeSpan? Parse(string? text)
    {
        text = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text)) return null;
        var (number, unit) = char.IsAsciiLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 's');
        double scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (scale == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return null;
        double seconds = value * scale;
        return double.IsFinite(seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>An option holding a duration (a parse error naming the option when the text is not one).</summary>
    public static Option<TimeSpan> Option(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (Parse(text) is { } duration) return duration;
            r.AddError($"{name} must be a positive duration such as 90s, 30m, 24h or 7d, got '{text}'");
            return defaultValue;
        },
    };
}
