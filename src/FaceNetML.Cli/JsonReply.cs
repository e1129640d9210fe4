using System.Text.Json;
using System.Text.Json.Nodes;
using FaceNetML.Contracts;

namespace FaceNetML.Cli;

/// <summary>
/// The one JSON object <c>--json</c> promises on stdout. A command hands its object over with
/// <see cref="CliContext.WriteJson"/>; it is printed once, when the program ends, so that a failure after it
/// (or instead of it) still gives exactly one object: the command's own, with the fields of an <see cref="ErrorAnswer"/>
/// (<c>error</c>, <c>code</c>) added when the exit code is not 0, or the <see cref="ErrorAnswer"/> alone
/// (<c>{"error":"...","code":N}</c>) when the command wrote none.
/// </summary>
internal static class JsonReply
{
    private static readonly Lock Gate = new();
    private static JsonObject? _object;
    private static string? _firstError;

    /// <summary>Keeps the command's answer (the last one given wins; commands give one).</summary>
    public static void Set(object value, JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(value, options) as JsonObject
                   ?? throw new InvalidOperationException("a --json answer must be a JSON object");
        lock (Gate) _object = node;
    }

    /// <summary>The first error line of the run (without its <c>error: </c> prefix): the <c>error</c> field on failure.</summary>
    public static void NoteError(string message)
    {
        lock (Gate) _firstError ??= message;
    }

    public static bool HasError
    {
        get { lock (Gate) return _firstError is not null; }
    }

    /// <summary>Prints the answer (under <c>--json</c>): the command's object, plus the <see cref="ErrorAnswer"/> fields when
    /// <paramref name="exitCode"/> is not 0 (an <c>error</c> the command wrote itself is kept).</summary>
    public static void Print(bool json, int exitCode, JsonSerializerOptions options)
    {
        JsonObject? answer;
        string? firstError;
        lock (Gate) (answer, firstError) = (_object, _firstError);
        if (!json) return;
        if (exitCode != ExitCodes.Success)
        {
            var failure = (JsonObject)JsonSerializer.SerializeToNode(new ErrorAnswer(firstError ?? ExitCodes.Describe(exitCode), exitCode), options)!;
            if (answer is null) answer = failure;
            else
                foreach (var (name, value) in failure)
                    if (name != "error" || answer[name] is null) answer[name] = value?.DeepClone();
        }
        if (answer is not null) Console.Out.WriteLine(answer.ToJsonString(options));
    }
}
