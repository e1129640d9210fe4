using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>A failure: the server's error body (with its HTTP status), and the CLI's <c>--json</c> answer when a
/// command fails before writing its own (with its exit code; a command that wrote one gets these two fields added).</summary>
/// <param name="Error">What went wrong, in one line (never a stack trace).</param>
/// <param name="Code">The CLI's exit code; left out by the server, whose status code says it.</param>
public sealed record ErrorAnswer(
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Code = null)
{
    /// <summary>An error answer whose message is kept to one line.</summary>
    public static ErrorAnswer OneLine(string message, int? code = null) => new(message.ReplaceLineEndings(" "), code);
}
